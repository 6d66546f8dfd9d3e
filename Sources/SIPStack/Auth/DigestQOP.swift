/// A digest "quality of protection" value (RFC 7616 §3.3, RFC 3261 §25.1 `qop-value`).
///
/// `auth` authenticates the method and digest-uri; `auth-int` also covers the message body.
/// A challenge without `qop` is answered in RFC 2069 compatibility mode, modelled as a nil
/// `DigestQOP?`.
public enum DigestQOP: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case auth = "auth"
    case authInt = "auth-int"

    /// Parses a qop token, ignoring ASCII case; nil for an unknown token.
    public init?(token: String) {
        switch token.lowercased() {
        case "auth": self = .auth
        case "auth-int": self = .authInt
        default: return nil
        }
    }

    /// The token as it goes on the wire.
    public var token: String { rawValue }

    public var description: String { rawValue }
}
