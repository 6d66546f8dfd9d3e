import Foundation

/// The agent's configuration file for an end-to-end test, written as YAML with the keys of
/// ``Intercom/IntercomConfiguration``: SIP on 127.0.0.1 only (UDP, or one TLS listener with
/// ``listenTransport``), WAV-backed audio (the door's
/// microphone a looping WAV, its loudspeaker a WAV recording written when a call's device
/// closes), no real-time priority, the control interface off.
struct EndToEndConfiguration: Sendable {
    struct Account: Sendable {
        var name = "pbx"
        var registrar: String
        var user: String
        var password: String
        var expiresSeconds = 60
        /// `transport`; nil leaves it out (tls for a sips: registrar, else udp).
        var transport: String? = "udp"
        /// `allowMD5`: on by default, as the interop Kamailio challenges with MD5 (which baresip
        /// needs) unless started with SHA-256.
        var allowMD5 = true
        /// `tls`: serverName, certificate, privateKey, caFile (nil entries left out).
        var tls: [(key: String, value: String)]?
    }

    struct Door: Sendable {
        var name: String
        /// The program and its arguments (no shell).
        var command: [String]
        /// Code and the caller patterns allowed to use it (empty: any allowed caller).
        var codes: [(code: String, callers: [String])]
    }

    struct Button: Sendable {
        var name: String
        /// The FIFO a line is written to for a press.
        var fifo: String?
        var targets: [String]
        var strategy = "sequential"
        var ringTimeoutSeconds = 2
        /// `account`: the name of the account the calls are placed from; nil for the agent's
        /// choice.
        var account: String?
    }

    /// The run directory: config.yaml, intercom.log, the WAV files.
    var directory: URL
    var sipPort: Int
    var rtpPorts: ClosedRange<Int>
    var account: Account?
    /// Accounts after ``account``.
    var moreAccounts: [Account] = []
    /// `answer.allow.uris`; nil: no allow list (everyone answered).
    var allowURIs: [String]?
    var maxCalls = 1
    var delayMs = 200
    /// `audio.codecs`: PCMU only by default, so that every recording along the path is 8 or
    /// 16 kHz mono.
    var codecs = ["pcmu"]
    var sampleRate = 16_000
    var doors: [Door] = []
    var maxWrongCodes = 3
    /// `audio.rtpTimeoutSeconds`, or nil for the agent's default.
    var rtpTimeoutSeconds: Int?
    /// `audio.srtp` (`off`, `optional`, `required`), or nil for the agent's default.
    var srtp: String?
    /// `audio.srtpSuites`, or nil for the agent's default.
    var srtpSuites: [String]?
    var buttons: [Button] = []
    var logLevel = "info"
    /// `sip.listen[0].transport` (on `sipPort`).
    var listenTransport = "udp"
    /// `sip.tls`: certificate, privateKey, caFile; nil for none.
    var sipTLS: [(key: String, value: String)]?
    /// `sip.requireTLS`.
    var requireTLS = false
    /// `sip.dnsServer` (`127.0.0.1:PORT`); nil leaves it out.
    var dnsServer: String?
    /// `sip.dnsRefreshMinimumSeconds`; nil leaves it out.
    var dnsRefreshMinimumSeconds: Int?

    /// `audio.playback`; nil for the WAV recording at ``loudspeaker``.
    var playback: String?
    /// Variables added to the agent process's environment (`ALSA_CONFIG_PATH`).
    var environment: [String: String] = [:]

    /// The door's microphone (looped) and loudspeaker recording.
    var microphone: URL { directory.appendingPathComponent("door-mic.wav") }
    var loudspeaker: URL { directory.appendingPathComponent("door-speaker.wav") }

    /// `sip:USER@` and the account's registrar host and port: a user at the PBX.
    func registrarURI(user: String) -> String {
        guard let registrar = account?.registrar, registrar.hasPrefix("sip:") else { return "sip:\(user)@127.0.0.1" }
        return "sip:\(user)@" + registrar.dropFirst(4)
    }

    /// A YAML double-quoted scalar.
    static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    static func list(_ items: [String]) -> String {
        "[" + items.map(quoted).joined(separator: ", ") + "]"
    }

    var yaml: String {
        let q = Self.quoted
        var lines = [
            "# Written by the end-to-end tests (Tests/IntercomTests/EndToEnd).",
            "log:",
            "  level: \(logLevel)",
            "sip:",
            "  listen:",
            "    - transport: \(listenTransport)",
            "      address: 127.0.0.1",
            "      port: \(sipPort)",
            "  user: door",
            "  advertise: 127.0.0.1",
            "  requireTLS: \(requireTLS)",
        ]
        if let dnsServer { lines.append("  dnsServer: \(q(dnsServer))") }
        if let dnsRefreshMinimumSeconds { lines.append("  dnsRefreshMinimumSeconds: \(dnsRefreshMinimumSeconds)") }
        if let sipTLS {
            lines.append("  tls:")
            lines += sipTLS.map { "    \($0.key): \(q($0.value))" }
        }
        let accounts = (account.map { [$0] } ?? []) + moreAccounts
        if !accounts.isEmpty { lines.append("accounts:") }
        for account in accounts {
            lines += [
                "  - name: \(q(account.name))",
                "    registrar: \(q(account.registrar))",
                "    user: \(q(account.user))",
                "    password: \(q(account.password))",
                "    expiresSeconds: \(account.expiresSeconds)",
                "    allowMD5: \(account.allowMD5)",
            ]
            if let transport = account.transport { lines.append("    transport: \(transport)") }
            if let tls = account.tls {
                lines.append("    tls:")
                lines += tls.map { "      \($0.key): \(q($0.value))" }
            }
        }
        lines += [
            "answer:",
            "  autoAnswer: true",
            "  delayMs: \(delayMs)",
            "  maxCalls: \(maxCalls)",
            "  maxDurationSeconds: 120",
        ]
        if let allowURIs {
            lines += ["  allow:", "    uris: \(Self.list(allowURIs))"]
        }
        lines += [
            "audio:",
            "  capture: \(q("wav-loop:" + microphone.path))",
            "  playback: \(q(playback ?? "wav:" + loudspeaker.path))",
            "  sampleRate: \(sampleRate)",
            "  realtimePriority: null",
            "  rtpPortMin: \(rtpPorts.lowerBound)",
            "  rtpPortMax: \(rtpPorts.upperBound)",
            "  codecs: \(Self.list(codecs))",
            "  doorOpenedTone: false",
            "  ringback: none",
        ]
        if let rtpTimeoutSeconds { lines.append("  rtpTimeoutSeconds: \(rtpTimeoutSeconds)") }
        if let srtp { lines.append("  srtp: \(srtp)") }
        if let srtpSuites { lines.append("  srtpSuites: \(Self.list(srtpSuites))") }
        if !doors.isEmpty {
            lines.append("doors:")
            for door in doors {
                lines += ["  - name: \(q(door.name))", "    action:", "      command: \(Self.list(door.command))", "    codes:"]
                for code in door.codes {
                    lines += ["      - code: \(q(code.code))", "        callers: \(Self.list(code.callers))"]
                }
            }
        }
        lines += ["lockout:", "  maxWrongCodes: \(maxWrongCodes)", "  windowSeconds: 300", "  lockoutSeconds: 900"]
        if !buttons.isEmpty {
            lines.append("buttons:")
            for button in buttons {
                lines += ["  - name: \(q(button.name))"]
                if let fifo = button.fifo { lines += ["    input:", "      fifo: \(q(fifo))"] }
                lines += [
                    "    targets: \(Self.list(button.targets))",
                    "    strategy: \(button.strategy)",
                    "    ringTimeoutSeconds: \(button.ringTimeoutSeconds)",
                ]
                if let account = button.account { lines.append("    account: \(q(account))") }
            }
        }
        lines += ["control:", "  enabled: false", "  address: 127.0.0.1", "  port: 0"]
        return lines.joined(separator: "\n") + "\n"
    }
}
