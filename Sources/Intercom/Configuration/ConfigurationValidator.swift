import Audio
import Logging
import NIOCore
import SIPMessage
import SRTP
import SIPStack

/// The checks a decoded configuration must pass beyond types: ranges, URI and address syntax,
/// names that must be unique, keys that depend on each other. Every problem is collected;
/// each names its key path and the line it was written on (or, for a key that was left out,
/// the line of the enclosing value).
///
/// Choices this makes (documented in docs/configuration.md):
/// - Port 0 is allowed for `sip.listen[].port` and `control.port` (the system picks a free
///   port, as `intercom run --port 0` does); RTP ports must be 1024-65535.
/// - `audio.ringback` and `audio.announcement` files must be absolute paths ending in `.wav`;
///   whether the file exists is checked when the agent starts, not here (the file may be
///   checked on another machine).
struct ConfigurationValidator {
    private(set) var errors: [ConfigurationError] = []
    /// Where each key path was written (from ``ConfigurationDecoder/origins``).
    let decoder: ConfigurationDecoder

    init(decoder: ConfigurationDecoder) {
        self.decoder = decoder
    }

    /// Device rates the audio engine runs at [Hz].
    static let sampleRates = [8000, 16000, 32000, 48000]
    /// Codec names `audio.codecs` may list.
    static let codecs = ["opus", "pcmu", "pcma"]
    /// Suite names `audio.srtpSuites` may list: the ones the SRTP target runs.
    static let srtpSuites = SRTPCryptoSuite.allCases.map(\.name)
    /// Built-in ringback tones; anything else is a WAV file.
    static let ringbackTones = ["europe", "north-america", "none"]

    mutating func fail(_ path: String, _ reason: String) {
        fail(.invalidValue, path, reason)
    }

    mutating func fail(_ code: ConfigurationError.Code, _ path: String, _ reason: String) {
        let origin = decoder.origin(of: path)
        errors.append(
            ConfigurationError(
                code, keyPath: path, line: origin.line, column: origin.column, reason: reason,
                environmentVariable: origin.environmentVariable))
    }

    mutating func check(_ condition: Bool, _ path: String, _ reason: @autoclosure () -> String) {
        if !condition { fail(path, reason()) }
    }

    private mutating func checkRange(_ value: Int, _ range: ClosedRange<Int>, _ path: String, unit: String = "") {
        check(
            range.contains(value), path,
            "\(value)\(unit) is out of range; expected \(range.lowerBound)-\(range.upperBound)\(unit)")
    }

    // MARK: - The whole configuration

    mutating func validate(_ configuration: IntercomConfiguration) {
        check(
            Logger.Level(rawValue: configuration.log.level) != nil, "log.level",
            "unknown level '\(configuration.log.level)'; expected one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))"
        )
        validateSIP(configuration.sip)
        validateAccounts(configuration.accounts)
        validateAnswer(configuration.answer)
        validateAudio(configuration.audio, maxCalls: configuration.answer.maxCalls)
        validateButtons(configuration.buttons, accounts: configuration.accounts)
        validateDoors(configuration.doors)
        let lockout = configuration.lockout
        checkRange(lockout.maxWrongCodes, 1...100, "lockout.maxWrongCodes")
        checkRange(lockout.windowSeconds, 1...86_400, "lockout.windowSeconds", unit: " s")
        checkRange(lockout.lockoutSeconds, 0...604_800, "lockout.lockoutSeconds", unit: " s")
        if let file = lockout.stateFile {
            check(file.hasPrefix("/"), "lockout.stateFile", "expected an absolute path, found '\(file)'")
        }
        validateControl(configuration.control)
        validateTransportSecurity(configuration)
    }

    private mutating func validateSIP(_ sip: SIPConfiguration) {
        if sip.listen.isEmpty { fail("sip.listen", "at least one listening socket is needed") }
        checkRange(sip.rateLimitPerSecond, 0...10_000, "sip.rateLimitPerSecond", unit: " requests/s")
        checkRange(sip.rateLimitBurst, 1...10_000, "sip.rateLimitBurst")
        checkRange(sip.dnsRefreshMinimumSeconds, 1...86_400, "sip.dnsRefreshMinimumSeconds", unit: " s")
        var seen: [String: Int] = [:]
        for (index, listen) in sip.listen.enumerated() {
            let path = "sip.listen[\(index)]"
            if !Self.isIPLiteral(listen.address) {
                fail("\(path).address", "'\(listen.address)' is not an IP address; expected an IPv4 or IPv6 literal (0.0.0.0 or :: for every interface)")
            }
            checkRange(listen.port, 0...65_535, "\(path).port")
            // UDP has its own port space; tcp, tls, ws and wss all need a TCP socket.
            let socket = "\(listen.transport == .udp ? "udp" : "tcp") \(listen.address) \(listen.port)"
            if listen.port != 0, let first = seen[socket] {
                fail(.duplicate, path, "listens on the same \(listen.transport == .udp ? "UDP" : "TCP") address and port as sip.listen[\(first)]")
            } else {
                seen[socket] = index
            }
        }
        check(Self.isSIPUser(sip.user), "sip.user", "'\(sip.user)' is not a valid SIP user part")
        check(!sip.userAgent.isEmpty, "sip.userAgent", "must not be empty")
        if let advertise = sip.advertise, !Self.isIPLiteral(advertise), !Self.isSIPHost(advertise) {
            fail("sip.advertise", "'\(advertise)' is neither an IP address nor a host name")
        }
        if let server = sip.dnsServer, (try? DNSResolver(server: server)) == nil {
            fail("sip.dnsServer", "'\(server)' is not an IPv4 address with an optional port (192.0.2.53 or 192.0.2.53:5353)")
        }
        let needsCertificate = sip.listen.contains { $0.transport == .tls || $0.transport == .wss }
        if needsCertificate {
            if sip.tls?.certificate?.isEmpty ?? true {
                fail(.missingKey, "sip.tls.certificate", "a tls or wss listener needs a certificate (PEM file)")
            }
            if sip.tls?.privateKey?.isEmpty ?? true {
                fail(.missingKey, "sip.tls.privateKey", "a tls or wss listener needs a private key (PEM file)")
            }
        }
        for (key, value) in [("certificate", sip.tls?.certificate), ("privateKey", sip.tls?.privateKey), ("caFile", sip.tls?.caFile)] {
            if let value { check(!value.isEmpty, "sip.tls.\(key)", "must not be empty (leave the key out instead)") }
        }
    }

    private mutating func validateAccounts(_ accounts: [AccountConfiguration]) {
        checkUnique(accounts.map(\.name), "accounts", what: "account")
        for (index, account) in accounts.enumerated() {
            let path = "accounts[\(index)]"
            check(!account.name.isEmpty, "\(path).name", "must not be empty")
            checkSIPURI(account.registrar, "\(path).registrar")
            check(Self.isSIPUser(account.user), "\(path).user", "'\(account.user)' is not a valid SIP user part")
            if let authUser = account.authUser { check(!authUser.isEmpty, "\(path).authUser", "must not be empty (leave it out to use 'user')") }
            if let proxy = account.outboundProxy { checkSIPURI(proxy, "\(path).outboundProxy") }
            checkRange(account.expiresSeconds, 60...86_400, "\(path).expiresSeconds", unit: " s")
            if account.refreshMaximumSeconds != 0 {
                checkRange(account.refreshMaximumSeconds, 10...86_400, "\(path).refreshMaximumSeconds", unit: " s (or 0 for none)")
            }
        }
    }

    private mutating func validateAnswer(_ answer: AnswerConfiguration) {
        checkRange(answer.delayMs, 0...60_000, "answer.delayMs", unit: " ms")
        checkRange(answer.maxCalls, 1...64, "answer.maxCalls")
        checkRange(answer.maxDurationSeconds, 0...86_400, "answer.maxDurationSeconds", unit: " s")
        if answer.sessionExpiresSeconds != 0 {
            // RFC 4028 §4: no session interval below 90 s.
            checkRange(answer.sessionExpiresSeconds, 90...86_400, "answer.sessionExpiresSeconds", unit: " s (or 0 for none)")
        }
        if let allow = answer.allow {
            for (index, pattern) in allow.uris.enumerated() { checkURIPattern(pattern, "answer.allow.uris[\(index)]") }
            for (index, network) in allow.networks.enumerated() {
                if let problem = Self.cidrProblem(network) { fail("answer.allow.networks[\(index)]", problem) }
            }
            if allow.uris.isEmpty && allow.networks.isEmpty {
                fail("answer.allow", "an empty allow list refuses every caller; leave 'allow' out to answer everyone")
            }
        }
        if let challenge = answer.challenge {
            check(!challenge.realm.isEmpty, "answer.challenge.realm", "must not be empty")
            if challenge.users.isEmpty { fail("answer.challenge.users", "no users: no caller could answer the challenge") }
            for (user, password) in challenge.users.sorted(by: { $0.key < $1.key }) {
                check(Self.isSIPUser(user), "answer.challenge.users.\(user)", "'\(user)' is not a valid user name")
                check(!password.isEmpty, "answer.challenge.users.\(user)", "the password must not be empty")
            }
        }
    }

    private mutating func validateAudio(_ audio: AudioConfiguration, maxCalls: Int) {
        for (key, device) in [("capture", audio.capture), ("playback", audio.playback)] {
            do throws(AudioDeviceError) {
                let specification = try AudioDeviceSpecification(parsing: device)
                if key == "playback", case .wavLoop = specification {
                    fail("audio.playback", "wav-loop: is a capture device only")
                }
            } catch {
                fail("audio.\(key)", error.reason)
            }
        }
        check(
            Self.sampleRates.contains(audio.sampleRate), "audio.sampleRate",
            "\(audio.sampleRate) Hz is not supported; expected one of \(Self.sampleRates.map(String.init).joined(separator: ", "))")
        checkRange(audio.channels, 1...2, "audio.channels")
        check(audio.periodMs == 10 || audio.periodMs == 20, "audio.periodMs", "\(audio.periodMs) ms is not supported; expected 10 or 20")
        if audio.codecs.isEmpty { fail("audio.codecs", "at least one codec is needed (opus, pcmu, pcma)") }
        var seenCodecs: Set<String> = []
        for (index, codec) in audio.codecs.enumerated() {
            if !Self.codecs.contains(codec) {
                fail("audio.codecs[\(index)]", "unknown codec '\(codec)'; expected opus, pcmu or pcma")
            } else if !seenCodecs.insert(codec).inserted {
                fail(.duplicate, "audio.codecs[\(index)]", "'\(codec)' is listed twice")
            }
        }
        if !Self.ringbackTones.contains(audio.ringback) && !Self.isWAVPath(audio.ringback) {
            fail("audio.ringback", "expected europe, north-america, none or the absolute path of a .wav file, found '\(audio.ringback)'")
        }
        if let announcement = audio.announcement, !Self.isWAVPath(announcement) {
            fail("audio.announcement", "expected the absolute path of a .wav file, found '\(announcement)'")
        }
        if let priority = audio.realtimePriority { checkRange(priority, 1...99, "audio.realtimePriority") }
        checkRange(audio.rtpPortMin, 1024...65_535, "audio.rtpPortMin")
        checkRange(audio.rtpPortMax, 1024...65_535, "audio.rtpPortMax")
        if audio.rtpTimeoutSeconds != 0 {
            checkRange(audio.rtpTimeoutSeconds, 2...3_600, "audio.rtpTimeoutSeconds", unit: " s (or 0 for none)")
        }
        if audio.srtp != .off, audio.srtpSuites.isEmpty {
            fail("audio.srtpSuites", "at least one suite is needed when srtp is \(audio.srtp.rawValue) (\(Self.srtpSuites.joined(separator: ", ")))")
        }
        var seenSuites = Set<String>()
        for (index, suite) in audio.srtpSuites.enumerated() {
            if !Self.srtpSuites.contains(suite) {
                fail("audio.srtpSuites[\(index)]", "unknown SRTP suite '\(suite)'; expected one of \(Self.srtpSuites.joined(separator: ", "))")
            } else if !seenSuites.insert(suite).inserted {
                fail(.duplicate, "audio.srtpSuites[\(index)]", "'\(suite)' is listed twice")
            }
        }
        if audio.rtpPortMin >= audio.rtpPortMax {
            fail("audio.rtpPortMax", "must be greater than rtpPortMin (\(audio.rtpPortMin))")
        } else {
            // RTP takes an even port and RTCP the odd one above it (RFC 3550 §11).
            let firstEven = audio.rtpPortMin + audio.rtpPortMin % 2
            let pairs = firstEven + 1 <= audio.rtpPortMax ? (audio.rtpPortMax - firstEven + 1) / 2 : 0
            if pairs < maxCalls {
                fail(
                    "audio.rtpPortMax",
                    "\(audio.rtpPortMin)-\(audio.rtpPortMax) holds \(pairs) even/odd port pair(s) for RTP/RTCP, fewer than answer.maxCalls (\(maxCalls))"
                )
            }
        }
    }

    private mutating func validateButtons(_ buttons: [ButtonConfiguration], accounts: [AccountConfiguration]) {
        checkUnique(buttons.map(\.name), "buttons", what: "button")
        for (index, button) in buttons.enumerated() {
            let path = "buttons[\(index)]"
            check(!button.name.isEmpty, "\(path).name", "must not be empty")
            if let account = button.account, !accounts.contains(where: { $0.name == account }) {
                let names = accounts.map { "'\($0.name)'" }.joined(separator: ", ")
                fail("\(path).account", accounts.isEmpty ? "'\(account)' names no account: there are none" : "'\(account)' names no account (accounts: \(names))")
            }
            switch button.input {
            case .none: break
            case .fifo(let fifo):
                check(fifo.hasPrefix("/"), "\(path).input.fifo", "expected an absolute path, found '\(fifo)'")
            case .gpio(let chip, let line, _):
                check(!chip.isEmpty, "\(path).input.gpio.chip", "must not be empty (gpiochip0 or /dev/gpiochip0)")
                check(line >= 0, "\(path).input.gpio.line", "\(line) is negative")
            }
            if button.targets.isEmpty { fail("\(path).targets", "a button needs at least one target to call") }
            for (targetIndex, target) in button.targets.enumerated() {
                checkSIPURI(target, "\(path).targets[\(targetIndex)]")
            }
            checkRange(button.ringTimeoutSeconds, 1...600, "\(path).ringTimeoutSeconds", unit: " s")
        }
    }

    private mutating func validateDoors(_ doors: [DoorConfiguration]) {
        checkUnique(doors.map(\.name), "doors", what: "door")
        var codeOwners: [String: String] = [:]
        // Every valid code with its key path, and whether any caller may use it.
        var validCodes: [(path: String, code: String, global: Bool)] = []
        for (index, door) in doors.enumerated() {
            let path = "doors[\(index)]"
            check(!door.name.isEmpty, "\(path).name", "must not be empty")
            switch door.action {
            case .gpio(let chip, let line, let pulseMs, _):
                check(!chip.isEmpty, "\(path).action.gpio.chip", "must not be empty (gpiochip0 or /dev/gpiochip0)")
                check(line >= 0, "\(path).action.gpio.line", "\(line) is negative")
                checkRange(pulseMs, 1...60_000, "\(path).action.gpio.pulseMs", unit: " ms")
            case .command(let argv):
                if let program = argv.first {
                    check(program.hasPrefix("/"), "\(path).action.command[0]", "the program must be an absolute path (no shell, no PATH search), found '\(program)'")
                } else if decoder.origins["\(path).action"] != nil {
                    // (When the action itself was wrong or missing, the decoder said so.)
                    fail("\(path).action.command", "expected the program and its arguments, found an empty list")
                }
            }
            for (codeIndex, code) in door.codes.enumerated() {
                let codePath = "\(path).codes[\(codeIndex)]"
                if code.code.contains(where: { $0 == "*" || $0 == "#" }) {
                    fail(codePath, "'\(code.code)' cannot be entered: * clears an entry and # submits it; a code is 1-16 of 0-9 and A-D")
                } else if !Self.isDoorCode(code.code) {
                    fail(codePath, "'\(code.code)' is not a door code; expected 1-16 of 0-9 and A-D")
                } else if let owner = codeOwners[code.code] {
                    fail(.duplicate, codePath, "code '\(code.code)' is already used by \(owner)")
                } else {
                    codeOwners[code.code] = codePath
                    validCodes.append((codePath, code.code, code.callers.isEmpty))
                }
                for (callerIndex, caller) in code.callers.enumerated() {
                    checkURIPattern(caller, "\(codePath).callers[\(callerIndex)]")
                }
            }
            if let message = door.message { check(!message.isEmpty, "\(path).message", "must not be empty (leave it out for none)") }
        }
        // A code opens as soon as it is entered: a longer code that begins with a code open
        // to every caller can never be reached.
        for longer in validCodes {
            for shorter in validCodes where shorter.global && shorter.code.count < longer.code.count && longer.code.hasPrefix(shorter.code) {
                fail(
                    longer.path,
                    "'\(longer.code)' can never be entered: '\(shorter.path)' ('\(shorter.code)', open to every caller) opens as soon as its digits are in")
            }
        }
    }

    private mutating func validateControl(_ control: ControlConfiguration) {
        if !Self.isIPLiteral(control.address) {
            fail("control.address", "'\(control.address)' is not an IP address (127.0.0.1 or ::1 for this machine only)")
        }
        checkRange(control.port, 0...65_535, "control.port")
        if let token = control.token { check(!token.isEmpty, "control.token", "must not be empty") }
        if control.enabled, Self.isIPLiteral(control.address), !Self.isLoopback(control.address), control.token == nil {
            fail(.missingKey, "control.token", "a token is required when the control interface listens on '\(control.address)' (not a loopback address)")
        }
    }

    // MARK: - Shared checks

    private mutating func checkUnique(_ names: [String], _ path: String, what: String) {
        var seen: [String: Int] = [:]
        for (index, name) in names.enumerated() {
            if let first = seen[name] {
                fail(.duplicate, "\(path)[\(index)].name", "\(what) name '\(name)' is already used by \(path)[\(first)]")
            } else {
                seen[name] = index
            }
        }
    }

    private mutating func checkSIPURI(_ text: String, _ path: String) {
        guard let scheme = SIPURI.scheme(of: SIPBytes(text)), scheme == "sip" || scheme == "sips" else {
            fail(path, "expected a sip: or sips: URI, found '\(text)'")
            return
        }
        do throws(SIPParseError) {
            _ = try SIPURI(parsing: text)
        } catch {
            fail(path, "'\(text)' is not a valid SIP URI: \(error.detail) (at character \(error.offset + 1))")
        }
    }

    /// `sip:alice@example.com`, `sip:*@pbx.example.com`, `*@10.0.0.5`: non-empty, no spaces.
    private mutating func checkURIPattern(_ pattern: String, _ path: String) {
        if pattern.isEmpty {
            fail(path, "an empty pattern; use '*' to match anyone")
        } else if pattern.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" }) {
            fail(path, "'\(pattern)' contains spaces or angle brackets; expected a URI pattern such as sip:*@example.com")
        }
    }

    static func isIPLiteral(_ text: String) -> Bool {
        (try? SocketAddress(ipAddress: text, port: 0)) != nil
    }

    static func isLoopback(_ text: String) -> Bool {
        guard let address = try? SocketAddress(ipAddress: text, port: 0), let normalized = address.ipAddress else {
            return false
        }
        switch address.protocol {
        case .inet: return normalized.hasPrefix("127.")
        default: return normalized == "::1"
        }
    }

    /// nil when `text` is `ADDRESS/PREFIX` with an IPv4 prefix 0-32 or an IPv6 one 0-128,
    /// else what is wrong.
    static func cidrProblem(_ text: String) -> String? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let prefix = Int(parts[1]), parts[1].allSatisfy(\.isASCII) else {
            return "'\(text)' is not a network; expected ADDRESS/PREFIX such as 192.168.1.0/24 or fd00::/8"
        }
        guard let address = try? SocketAddress(ipAddress: String(parts[0]), port: 0) else {
            return "'\(parts[0])' is not an IPv4 or IPv6 address"
        }
        let maximum = address.protocol == .inet ? 32 : 128
        guard (0...maximum).contains(prefix) else {
            return "prefix /\(prefix) is out of range for \(maximum == 32 ? "IPv4" : "IPv6") (0-\(maximum))"
        }
        return nil
    }

    /// A user part that makes `sip:USER@example.com` a valid URI.
    static func isSIPUser(_ user: String) -> Bool {
        !user.isEmpty && !user.contains("@") && !user.contains(":") && (try? SIPURI(parsing: "sip:\(user)@example.com")) != nil
    }

    /// A host name that makes `sip:x@HOST` a valid URI.
    static func isSIPHost(_ host: String) -> Bool {
        !host.isEmpty && !host.contains(where: { "@;?:/".contains($0) }) && (try? SIPURI(parsing: "sip:x@\(host)")) != nil
    }

    static func isDoorCode(_ code: String) -> Bool {
        (1...16).contains(code.count) && code.allSatisfy { "0123456789ABCD".contains($0) }
    }

    static func isWAVPath(_ path: String) -> Bool {
        path.hasPrefix("/") && path.lowercased().hasSuffix(".wav") && path.count > 5
    }
}
