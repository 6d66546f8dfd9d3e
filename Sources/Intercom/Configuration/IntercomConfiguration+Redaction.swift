/// The configuration's secrets (account passwords, the callers' challenge passwords, the
/// control token) never show when a value is printed, interpolated, dumped or reflected: each
/// struct that holds one describes itself with ``IntercomConfiguration/maskedSecret`` in its
/// place. A library that logs what it was given (swift-service-lifecycle logs its services at
/// debug) then logs no secret. ``IntercomConfiguration/yaml(maskingSecrets:)`` is the one way to
/// write them out.
extension AccountConfiguration: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "name": name, "registrar": registrar, "user": user, "authUser": authUser as Any,
                "password": password.map { _ in IntercomConfiguration.maskedSecret } as Any, "transport": transport,
                "tls": tls as Any, "allowMD5": allowMD5, "outboundProxy": outboundProxy as Any, "expiresSeconds": expiresSeconds,
                "refreshMaximumSeconds": refreshMaximumSeconds, "displayName": displayName as Any,
            ], displayStyle: .struct)
    }

    public var description: String { Redaction.describe(self) }
    public var debugDescription: String { description }
}

extension CallerChallenge: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "realm": realm, "users": users.keys.sorted().map { "\($0): \(IntercomConfiguration.maskedSecret)" },
                "allowMD5": allowMD5,
            ], displayStyle: .struct)
    }

    public var description: String { Redaction.describe(self) }
    public var debugDescription: String { description }
}

extension ControlConfiguration: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "enabled": enabled, "address": address, "port": port,
                "token": token.map { _ in IntercomConfiguration.maskedSecret } as Any, "metrics": metrics,
            ], displayStyle: .struct)
    }

    public var description: String { Redaction.describe(self) }
    public var debugDescription: String { description }
}

/// `Type(key: value, ...)` from a value's custom mirror (whose secrets are masked).
enum Redaction {
    static func describe(_ value: some CustomReflectable) -> String {
        let mirror = value.customMirror
        let fields = mirror.children.map { child in "\(child.label ?? "_"): \(String(reflecting: child.value))" }
        return "\(mirror.subjectType)(\(fields.joined(separator: ", ")))"
    }
}
