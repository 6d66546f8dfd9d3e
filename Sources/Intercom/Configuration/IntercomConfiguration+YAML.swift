/// The configuration written back as YAML (what `intercom check-config --print` shows): every
/// key, in the order of the reference file `config/intercom.yaml`, defaults included, so that
/// the output is the effective configuration after defaults and environment overrides.
/// ``ConfigurationLoader`` reads it back to the same value (with secrets unmasked).
extension IntercomConfiguration {
    /// What masked secrets are replaced with.
    public static let maskedSecret = "********"

    /// The YAML text of this configuration.
    ///
    /// - Parameter maskingSecrets: replace account passwords, the control token and the
    ///   challenge users' passwords with ``maskedSecret`` (the default).
    public func yaml(maskingSecrets: Bool = true) -> String {
        typealias Value = YAMLWriter.Value
        func secret(_ text: String?) -> Value {
            guard let text else { return .literal("null") }
            return .string(maskingSecrets ? Self.maskedSecret : text)
        }
        let tls: Value =
            sip.tls.map { tls -> Value in
                .map([
                    ("certificate", .optional(tls.certificate)),
                    ("privateKey", .optional(tls.privateKey)),
                    ("caFile", .optional(tls.caFile)),
                    ("verifyPeer", .bool(tls.verifyPeer)),
                ])
            } ?? .literal("null")
        let accounts: [Value] = self.accounts.map { account -> Value in
            .map([
                ("name", .string(account.name)),
                ("registrar", .string(account.registrar)),
                ("user", .string(account.user)),
                ("authUser", .optional(account.authUser)),
                ("password", secret(account.password)),
                ("transport", .string(account.transport.rawValue)),
                ("outboundProxy", .optional(account.outboundProxy)),
                ("expiresSeconds", .int(account.expiresSeconds)),
                ("refreshMaximumSeconds", .int(account.refreshMaximumSeconds)),
                ("displayName", .optional(account.displayName)),
                ("tls", account.tls.map { tls -> Value in
                    .map([
                        ("serverName", .optional(tls.serverName)),
                        ("certificate", .optional(tls.certificate)),
                        ("privateKey", .optional(tls.privateKey)),
                        ("caFile", .optional(tls.caFile)),
                    ])
                } ?? .literal("null")),
                ("allowMD5", .bool(account.allowMD5)),
            ])
        }
        let allow: Value =
            answer.allow.map { allow -> Value in
                .map([("uris", .strings(allow.uris)), ("networks", .strings(allow.networks))])
            } ?? .literal("null")
        let challenge: Value =
            answer.challenge.map { challenge -> Value in
                .map([
                    ("realm", .string(challenge.realm)),
                    ("users", .map(challenge.users.sorted { $0.key < $1.key }.map { entry -> (String, Value) in (entry.key, secret(entry.value)) })),
                    ("allowMD5", .bool(challenge.allowMD5)),
                ])
            } ?? .literal("null")
        let buttons: [Value] = self.buttons.map { button -> Value in
            let input: Value
            switch button.input {
            case .none: input = .literal("null")
            case .fifo(let path): input = .map([("fifo", .string(path))])
            case .gpio(let chip, let line, let activeLow):
                input = .map([("gpio", .map([("chip", .string(chip)), ("line", .int(line)), ("activeLow", .bool(activeLow))]))])
            }
            var entries: [(String, Value)] = [
                ("name", .string(button.name)),
                ("input", input),
                ("targets", .strings(button.targets)),
                ("strategy", .string(button.strategy.rawValue)),
                ("ringTimeoutSeconds", .int(button.ringTimeoutSeconds)),
                ("whilePressedAgain", .string(button.whilePressedAgain.rawValue)),
            ]
            if let account = button.account { entries.append(("account", .string(account))) }
            return .map(entries)
        }
        let doors: [Value] = self.doors.map { door -> Value in
            let action: Value
            switch door.action {
            case .gpio(let chip, let line, let pulseMs, let activeLow):
                action = .map([
                    ("gpio",
                     .map([("chip", .string(chip)), ("line", .int(line)), ("pulseMs", .int(pulseMs)), ("activeLow", .bool(activeLow))])),
                ])
            case .command(let argv):
                action = .map([("command", .strings(argv))])
            }
            return .map([
                ("name", .string(door.name)),
                ("action", action),
                ("codes", .list(door.codes.map { code -> Value in .map([("code", .string(code.code)), ("callers", .strings(code.callers))]) })),
                ("message", .optional(door.message)),
            ])
        }
        return YAMLWriter.document([
            ("log", .map([("level", .string(log.level))])),
            ("sip", .map([
                ("listen", .list(sip.listen.map { listen -> Value in
                    .map([("transport", .string(listen.transport.rawValue)), ("address", .string(listen.address)), ("port", .int(listen.port))])
                })),
                ("user", .string(sip.user)),
                ("displayName", .optional(sip.displayName)),
                ("userAgent", .string(sip.userAgent)),
                ("advertise", .optional(sip.advertise)),
                ("rateLimitPerSecond", .int(sip.rateLimitPerSecond)),
                ("rateLimitBurst", .int(sip.rateLimitBurst)),
                ("dnsServer", .optional(sip.dnsServer)),
                ("dnsRefreshMinimumSeconds", .int(sip.dnsRefreshMinimumSeconds)),
                ("tls", tls),
                ("requireTLS", .bool(sip.requireTLS)),
            ])),
            ("accounts", .list(accounts)),
            ("answer", .map([
                ("autoAnswer", .bool(answer.autoAnswer)),
                ("delayMs", .int(answer.delayMs)),
                ("allow", allow),
                ("challenge", challenge),
                ("maxCalls", .int(answer.maxCalls)),
                ("maxDurationSeconds", .int(answer.maxDurationSeconds)),
                ("sessionExpiresSeconds", .int(answer.sessionExpiresSeconds)),
            ])),
            ("audio", .map([
                ("capture", .string(audio.capture)),
                ("playback", .string(audio.playback)),
                ("sampleRate", .int(audio.sampleRate)),
                ("channels", .int(audio.channels)),
                ("periodMs", .int(audio.periodMs)),
                ("echoCancellation", .bool(audio.echoCancellation)),
                ("noiseSuppression", .bool(audio.noiseSuppression)),
                ("codecs", .strings(audio.codecs)),
                ("ringback", .string(audio.ringback)),
                ("doorOpenedTone", .bool(audio.doorOpenedTone)),
                ("announcement", .optional(audio.announcement)),
                ("realtimePriority", .optional(audio.realtimePriority)),
                ("rtpPortMin", .int(audio.rtpPortMin)),
                ("rtpPortMax", .int(audio.rtpPortMax)),
                ("rtpTimeoutSeconds", .int(audio.rtpTimeoutSeconds)),
                ("srtp", .string(audio.srtp.rawValue)),
                ("srtpSuites", .strings(audio.srtpSuites)),
            ])),
            ("buttons", .list(buttons)),
            ("doors", .list(doors)),
            ("lockout", .map([
                ("maxWrongCodes", .int(lockout.maxWrongCodes)),
                ("windowSeconds", .int(lockout.windowSeconds)),
                ("lockoutSeconds", .int(lockout.lockoutSeconds)),
                ("stateFile", .optional(lockout.stateFile)),
            ])),
            ("control", .map([
                ("enabled", .bool(control.enabled)),
                ("address", .string(control.address)),
                ("port", .int(control.port)),
                ("token", secret(control.token)),
                ("metrics", .bool(control.metrics)),
            ])),
        ])
    }
}
