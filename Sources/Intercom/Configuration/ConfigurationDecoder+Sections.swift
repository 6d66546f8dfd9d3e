import SIPMessage

/// One decoding function per configuration struct, each reading exactly the keys that
/// ``ConfigurationSchema/root`` lists for it.
extension ConfigurationDecoder {
    mutating func decodeConfiguration(_ root: ConfigurationNode) -> IntercomConfiguration {
        var configuration = IntercomConfiguration()
        guard let map = self.map(root, .root) else { return configuration }
        if let node = map["log"], let log = self.map(node, map.path.key("log")) {
            read("level", log, into: &configuration.log.level)
        }
        if let node = map["sip"] { decodeSIP(node, map.path.key("sip"), into: &configuration.sip) }
        if let node = map["accounts"], let elements = list(node, map.path.key("accounts")) {
            configuration.accounts = []
            for (index, element) in elements.enumerated() {
                if let value = decodeAccount(element, map.path.key("accounts").index(index), number: index + 1) {
                    configuration.accounts.append(value)
                }
            }
        }
        if let node = map["answer"] { decodeAnswer(node, map.path.key("answer"), into: &configuration.answer) }
        if let node = map["audio"] { decodeAudio(node, map.path.key("audio"), into: &configuration.audio) }
        if let node = map["buttons"], let elements = list(node, map.path.key("buttons")) {
            configuration.buttons = []
            for (index, element) in elements.enumerated() {
                if let value = decodeButton(element, map.path.key("buttons").index(index), number: index + 1) {
                    configuration.buttons.append(value)
                }
            }
        }
        if let node = map["doors"], let elements = list(node, map.path.key("doors")) {
            configuration.doors = []
            for (index, element) in elements.enumerated() {
                if let value = decodeDoor(element, map.path.key("doors").index(index), number: index + 1) {
                    configuration.doors.append(value)
                }
            }
        }
        if let node = map["lockout"], let lockout = self.map(node, map.path.key("lockout")) {
            read("maxWrongCodes", lockout, into: &configuration.lockout.maxWrongCodes)
            read("windowSeconds", lockout, into: &configuration.lockout.windowSeconds)
            read("lockoutSeconds", lockout, into: &configuration.lockout.lockoutSeconds)
            read("stateFile", lockout, into: &configuration.lockout.stateFile)
        }
        if let node = map["control"], let control = self.map(node, map.path.key("control")) {
            read("enabled", control, into: &configuration.control.enabled)
            read("address", control, into: &configuration.control.address)
            read("port", control, into: &configuration.control.port)
            read("token", control, into: &configuration.control.token)
            read("metrics", control, into: &configuration.control.metrics)
        }
        return configuration
    }

    mutating func decodeSIP(_ node: ConfigurationNode, _ path: ConfigurationKeyPath, into sip: inout SIPConfiguration) {
        guard let map = self.map(node, path) else { return }
        if let node = map["listen"], let elements = list(node, path.key("listen")) {
            var listen: [ListenAddress] = []
            for (index, element) in elements.enumerated() {
                let elementPath = path.key("listen").index(index)
                guard let entry = self.map(element, elementPath) else { continue }
                // Each entry is complete on its own: transport udp, address 0.0.0.0, port 5060
                // unless given.
                var address = ListenAddress(transport: .udp, address: "0.0.0.0", port: 5060)
                read("transport", entry, into: &address.transport)
                read("address", entry, into: &address.address)
                read("port", entry, into: &address.port)
                listen.append(address)
            }
            sip.listen = listen
        }
        read("user", map, into: &sip.user)
        read("displayName", map, into: &sip.displayName)
        read("userAgent", map, into: &sip.userAgent)
        read("advertise", map, into: &sip.advertise)
        read("rateLimitPerSecond", map, into: &sip.rateLimitPerSecond)
        read("rateLimitBurst", map, into: &sip.rateLimitBurst)
        read("dnsServer", map, into: &sip.dnsServer)
        read("dnsRefreshMinimumSeconds", map, into: &sip.dnsRefreshMinimumSeconds)
        if let node = map["tls"] {
            if case .scalar(_, .null) = node.value {
                note(path.key("tls"), node.origin)
                sip.tls = nil
            } else if let tlsMap = self.map(node, path.key("tls")) {
                var tls = TLSFiles()
                read("certificate", tlsMap, into: &tls.certificate)
                read("privateKey", tlsMap, into: &tls.privateKey)
                read("caFile", tlsMap, into: &tls.caFile)
                read("verifyPeer", tlsMap, into: &tls.verifyPeer)
                sip.tls = tls
            }
        }
        read("requireTLS", map, into: &sip.requireTLS)
    }

    /// An account; `registrar` and `user` are required, `name` defaults to `user`, `transport`
    /// to `tls` for a `sips:` registrar (else `udp`).
    mutating func decodeAccount(_ node: ConfigurationNode, _ path: ConfigurationKeyPath, number: Int)
        -> AccountConfiguration?
    {
        guard let map = self.map(node, path) else { return nil }
        let registrar = required("registrar", map).flatMap { stringValue($0, path.key("registrar")) }
        let user = required("user", map).flatMap { stringValue($0, path.key("user")) }
        var account = AccountConfiguration(name: user ?? "account\(number)", registrar: registrar ?? "", user: user ?? "")
        read("name", map, into: &account.name)
        read("authUser", map, into: &account.authUser)
        read("password", map, into: &account.password)
        if let registrar, SIPURI.scheme(of: SIPBytes(registrar))?.lowercased() == "sips" { account.transport = .tls }
        read("transport", map, into: &account.transport)
        read("outboundProxy", map, into: &account.outboundProxy)
        read("expiresSeconds", map, into: &account.expiresSeconds)
        read("refreshMaximumSeconds", map, into: &account.refreshMaximumSeconds)
        read("displayName", map, into: &account.displayName)
        if let node = map["tls"] {
            if case .scalar(_, .null) = node.value {
                note(path.key("tls"), node.origin)
            } else if let tlsMap = self.map(node, path.key("tls")) {
                var tls = AccountTLSConfiguration()
                read("serverName", tlsMap, into: &tls.serverName)
                read("certificate", tlsMap, into: &tls.certificate)
                read("privateKey", tlsMap, into: &tls.privateKey)
                read("caFile", tlsMap, into: &tls.caFile)
                account.tls = tls
            }
        }
        read("allowMD5", map, into: &account.allowMD5)
        return account
    }

    mutating func decodeAnswer(_ node: ConfigurationNode, _ path: ConfigurationKeyPath, into answer: inout AnswerConfiguration) {
        guard let map = self.map(node, path) else { return }
        read("autoAnswer", map, into: &answer.autoAnswer)
        read("delayMs", map, into: &answer.delayMs)
        if let node = map["allow"] {
            if case .scalar(_, .null) = node.value {
                // `allow:` with nothing under it is absent: everyone (see the docs).
                note(path.key("allow"), node.origin)
                answer.allow = nil
            } else if let allowMap = self.map(node, path.key("allow")) {
                var allow = AllowList()
                read("uris", allowMap, into: &allow.uris)
                read("networks", allowMap, into: &allow.networks)
                answer.allow = allow
            }
        }
        if let node = map["challenge"] {
            if case .scalar(_, .null) = node.value {
                note(path.key("challenge"), node.origin)
                answer.challenge = nil
            } else if let challengeMap = self.map(node, path.key("challenge")) {
                var challenge = CallerChallenge()
                read("realm", challengeMap, into: &challenge.realm)
                if let usersNode = challengeMap["users"], let users = self.map(usersNode, path.key("challenge").key("users")) {
                    for name in users.keys {
                        if let value = users[name], let password = stringValue(value, users.path.key(name)) {
                            challenge.users[name] = password
                        }
                    }
                }
                read("allowMD5", challengeMap, into: &challenge.allowMD5)
                answer.challenge = challenge
            }
        }
        read("maxCalls", map, into: &answer.maxCalls)
        read("maxDurationSeconds", map, into: &answer.maxDurationSeconds)
        read("sessionExpiresSeconds", map, into: &answer.sessionExpiresSeconds)
    }

    mutating func decodeAudio(_ node: ConfigurationNode, _ path: ConfigurationKeyPath, into audio: inout AudioConfiguration) {
        guard let map = self.map(node, path) else { return }
        read("capture", map, into: &audio.capture)
        read("playback", map, into: &audio.playback)
        read("sampleRate", map, into: &audio.sampleRate)
        read("channels", map, into: &audio.channels)
        read("periodMs", map, into: &audio.periodMs)
        read("echoCancellation", map, into: &audio.echoCancellation)
        read("noiseSuppression", map, into: &audio.noiseSuppression)
        read("codecs", map, into: &audio.codecs)
        read("ringback", map, into: &audio.ringback)
        read("doorOpenedTone", map, into: &audio.doorOpenedTone)
        read("announcement", map, into: &audio.announcement)
        read("realtimePriority", map, into: &audio.realtimePriority)
        read("rtpPortMin", map, into: &audio.rtpPortMin)
        read("rtpPortMax", map, into: &audio.rtpPortMax)
        read("rtpTimeoutSeconds", map, into: &audio.rtpTimeoutSeconds)
        read("srtp", map, into: &audio.srtp)
        read("srtpSuites", map, into: &audio.srtpSuites)
    }

    /// A button; `name` defaults to `button1`, `button2`... by position.
    mutating func decodeButton(_ node: ConfigurationNode, _ path: ConfigurationKeyPath, number: Int)
        -> ButtonConfiguration?
    {
        guard let map = self.map(node, path) else { return nil }
        var button = ButtonConfiguration(name: "button\(number)")
        read("name", map, into: &button.name)
        if let inputNode = map["input"] { button.input = decodeButtonInput(inputNode, path.key("input")) ?? ButtonInput.none }
        read("targets", map, into: &button.targets)
        read("strategy", map, into: &button.strategy)
        read("ringTimeoutSeconds", map, into: &button.ringTimeoutSeconds)
        read("whilePressedAgain", map, into: &button.whilePressedAgain)
        read("account", map, into: &button.account)
        return button
    }

    /// `{fifo: PATH}`, `{gpio: {chip, line, activeLow}}`, or null for none.
    mutating func decodeButtonInput(_ node: ConfigurationNode, _ path: ConfigurationKeyPath) -> ButtonInput? {
        if case .scalar(_, .null) = node.value {
            note(path, node.origin)
            return ButtonInput.none
        }
        guard let map = self.map(node, path), let pair = onlyKey(map, of: ["fifo", "gpio"]) else { return nil }
        let (key, value) = pair
        switch key {
        case "fifo":
            return stringValue(value, path.key("fifo")).map { ButtonInput.fifo(path: $0) }
        default:
            guard let gpio = self.map(value, path.key("gpio")) else { return nil }
            let chip = required("chip", gpio).flatMap { stringValue($0, gpio.path.key("chip")) }
            let line = required("line", gpio).flatMap { intValue($0, gpio.path.key("line")) }
            var activeLow = false
            read("activeLow", gpio, into: &activeLow)
            guard let chip, let line else { return nil }
            return .gpio(chip: chip, line: line, activeLow: activeLow)
        }
    }

    /// A door; `action` is required, `name` defaults to `door1`, `door2`... by position.
    mutating func decodeDoor(_ node: ConfigurationNode, _ path: ConfigurationKeyPath, number: Int) -> DoorConfiguration? {
        guard let map = self.map(node, path) else { return nil }
        let action = required("action", map).flatMap { decodeDoorAction($0, path.key("action")) }
        // A door whose action is wrong is still decoded (with a placeholder that the error
        // already explains) so that its other keys get checked too.
        var door = DoorConfiguration(name: "door\(number)", action: action ?? .command([]))
        read("name", map, into: &door.name)
        if let codesNode = map["codes"], let elements = list(codesNode, path.key("codes")) {
            door.codes = []
            for (index, element) in elements.enumerated() {
                if let code = decodeDoorCode(element, path.key("codes").index(index)) { door.codes.append(code) }
            }
        }
        read("message", map, into: &door.message)
        return door
    }

    /// `{gpio: {chip, line, pulseMs, activeLow}}` or `{command: [PROGRAM, ARG...]}`.
    mutating func decodeDoorAction(_ node: ConfigurationNode, _ path: ConfigurationKeyPath) -> DoorAction? {
        guard let map = self.map(node, path), let pair = onlyKey(map, of: ["gpio", "command"]) else { return nil }
        let (key, value) = pair
        switch key {
        case "command":
            return stringListValue(value, path.key("command")).map { DoorAction.command($0) }
        default:
            guard let gpio = self.map(value, path.key("gpio")) else { return nil }
            let chip = required("chip", gpio).flatMap { stringValue($0, gpio.path.key("chip")) }
            let line = required("line", gpio).flatMap { intValue($0, gpio.path.key("line")) }
            var pulseMs = 1000
            var activeLow = false
            read("pulseMs", gpio, into: &pulseMs)
            read("activeLow", gpio, into: &activeLow)
            guard let chip, let line else { return nil }
            return .gpio(chip: chip, line: line, pulseMs: pulseMs, activeLow: activeLow)
        }
    }

    /// A code as `{code: "1234", callers: [...]}`, or just the code as text.
    mutating func decodeDoorCode(_ node: ConfigurationNode, _ path: ConfigurationKeyPath) -> DoorCode? {
        if case .scalar = node.value {
            // `- "1234"`: a code for every allowed caller.
            return stringValue(node, path).map { DoorCode(code: $0) }
        }
        guard let map = self.map(node, path) else { return nil }
        guard let code = required("code", map).flatMap({ stringValue($0, path.key("code")) }) else { return nil }
        var doorCode = DoorCode(code: code)
        read("callers", map, into: &doorCode.callers)
        return doorCode
    }

    /// The single key of a map that stands for one enum case; an error when there are none or
    /// several.
    private mutating func onlyKey(_ map: Map, of names: [String]) -> (String, ConfigurationNode)? {
        let present = names.filter { map[$0] != nil }
        guard present.count == 1, let key = present.first, let value = map[key] else {
            let reason =
                present.isEmpty
                ? "expected one of \(names.map { "'\($0)'" }.joined(separator: " or "))"
                : "expected only one of \(present.map { "'\($0)'" }.joined(separator: " or ")), found \(present.count)"
            // Unknown keys were already reported; don't pile a second error on them.
            let prefix = map.path.text + "."
            let reportedUnknown = errors.last.map { $0.code == .unknownKey && $0.keyPath.hasPrefix(prefix) } ?? false
            if !(present.isEmpty && reportedUnknown) {
                fail(.invalidValue, map.path, map.origin, reason)
            }
            return nil
        }
        return (key, value)
    }
}
