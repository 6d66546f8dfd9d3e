/// The shape of the configuration file: which keys each map has, and where lists and free-form
/// maps are. The loader uses it to report unknown keys (with a suggestion) and to turn
/// environment variable names back into key paths (`INTERCOM_ANSWER__DELAY_MS` →
/// `answer.delayMs`). The value types are checked while decoding.
///
/// Keys are ``IntercomConfiguration``'s property names; the two enums with payloads are maps
/// with one key per case (`input: {fifo: PATH}`, `action: {command: [...]}`).
indirect enum ConfigurationSchema: Sendable {
    /// A number, boolean or text.
    case scalar
    /// A map with these keys, in the order of ``IntercomConfiguration``.
    case mapping(KeyValuePairs<String, ConfigurationSchema>)
    /// A list whose elements all have this shape.
    case list(ConfigurationSchema)
    /// A map with free keys (user names) whose values have this shape.
    case dictionary(ConfigurationSchema)

    /// The keys of a ``mapping(_:)``; empty for the other cases.
    var keys: [String] {
        if case .mapping(let fields) = self { return fields.map(\.key) }
        return []
    }

    /// The schema of `key` in a ``mapping(_:)``.
    func field(_ key: String) -> ConfigurationSchema? {
        guard case .mapping(let fields) = self else { return nil }
        return fields.first { $0.key == key }?.value
    }

    /// The whole file.
    static let root: ConfigurationSchema = .mapping([
        "log": .mapping(["level": .scalar]),
        "sip": .mapping([
            "listen": .list(.mapping(["transport": .scalar, "address": .scalar, "port": .scalar])),
            "user": .scalar,
            "displayName": .scalar,
            "userAgent": .scalar,
            "advertise": .scalar,
            "rateLimitPerSecond": .scalar,
            "rateLimitBurst": .scalar,
            "dnsServer": .scalar,
            "dnsRefreshMinimumSeconds": .scalar,
            "tls": .mapping(["certificate": .scalar, "privateKey": .scalar, "caFile": .scalar, "verifyPeer": .scalar]),
            "requireTLS": .scalar,
        ]),
        "accounts": .list(
            .mapping([
                "name": .scalar, "registrar": .scalar, "user": .scalar, "authUser": .scalar, "password": .scalar,
                "transport": .scalar, "outboundProxy": .scalar, "expiresSeconds": .scalar, "refreshMaximumSeconds": .scalar, "displayName": .scalar,
                "tls": .mapping(["serverName": .scalar, "certificate": .scalar, "privateKey": .scalar, "caFile": .scalar]),
                "allowMD5": .scalar,
            ])),
        "answer": .mapping([
            "autoAnswer": .scalar,
            "delayMs": .scalar,
            "allow": .mapping(["uris": .list(.scalar), "networks": .list(.scalar)]),
            "challenge": .mapping(["realm": .scalar, "users": .dictionary(.scalar), "allowMD5": .scalar]),
            "maxCalls": .scalar,
            "maxDurationSeconds": .scalar,
            "sessionExpiresSeconds": .scalar,
        ]),
        "audio": .mapping([
            "capture": .scalar, "playback": .scalar, "sampleRate": .scalar, "channels": .scalar, "periodMs": .scalar,
            "echoCancellation": .scalar, "noiseSuppression": .scalar, "codecs": .list(.scalar), "ringback": .scalar,
            "doorOpenedTone": .scalar, "announcement": .scalar, "realtimePriority": .scalar,
            "rtpPortMin": .scalar, "rtpPortMax": .scalar, "rtpTimeoutSeconds": .scalar, "srtp": .scalar,
            "srtpSuites": .list(.scalar),
        ]),
        "buttons": .list(
            .mapping([
                "name": .scalar,
                "input": .mapping([
                    "fifo": .scalar,
                    "gpio": .mapping(["chip": .scalar, "line": .scalar, "activeLow": .scalar]),
                ]),
                "targets": .list(.scalar),
                "strategy": .scalar,
                "ringTimeoutSeconds": .scalar,
                "whilePressedAgain": .scalar,
                "account": .scalar,
            ])),
        "doors": .list(
            .mapping([
                "name": .scalar,
                "action": .mapping([
                    "gpio": .mapping(["chip": .scalar, "line": .scalar, "pulseMs": .scalar, "activeLow": .scalar]),
                    "command": .list(.scalar),
                ]),
                "codes": .list(.mapping(["code": .scalar, "callers": .list(.scalar)])),
                "message": .scalar,
            ])),
        "lockout": .mapping(["maxWrongCodes": .scalar, "windowSeconds": .scalar, "lockoutSeconds": .scalar, "stateFile": .scalar]),
        "control": .mapping([
            "enabled": .scalar, "address": .scalar, "port": .scalar, "token": .scalar, "metrics": .scalar,
        ]),
    ])

    /// The schema at a key path given as components (`["buttons", "[]", "input"]`: list
    /// elements are `[]`); nil when the path leaves the schema.
    func at(_ components: some Collection<String>) -> ConfigurationSchema? {
        var schema = self
        for component in components {
            switch schema {
            case .mapping: guard let next = schema.field(component) else { return nil }; schema = next
            case .list(let element): guard component == "[]" else { return nil }; schema = element
            case .dictionary(let value): schema = value
            case .scalar: return nil
            }
        }
        return schema
    }
}
