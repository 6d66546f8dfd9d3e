/// What a user agent authenticates with (RFC 3261 §22.1): a user name, a password and,
/// optionally, the one realm these credentials may be given to.
///
/// Restricting the realm keeps a password for the PBX from being answered to any other server
/// that challenges (RFC 3261 §22.1 asks a UAC to pick credentials by realm).
///
/// - warning: ``description``, ``debugDescription`` and the reflection `dump` sees show
///   neither the user name nor the password, so the value can be logged or printed safely.
public struct DigestCredentials: Sendable, Equatable, CustomStringConvertible,
    CustomDebugStringConvertible, CustomReflectable
{
    /// The user name (the `username` parameter, or the input of the userhash).
    public var username: String
    /// The password; it only ever enters a hash.
    public var password: String
    /// The realm these credentials are for, or nil to answer any realm.
    public var realm: String?

    public init(username: String, password: String, realm: String? = nil) {
        self.username = username
        self.password = password
        self.realm = realm
    }

    /// Whether these credentials may answer a challenge for `realm` (exact, case-sensitive
    /// comparison: realms are quoted strings).
    public func accepts(realm: String) -> Bool {
        self.realm.map { $0 == realm } ?? true
    }

    public var description: String {
        "DigestCredentials(realm: \(realm.map { "\"\($0)\"" } ?? "any"), username: <redacted>, password: <redacted>)"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(self, children: ["realm": realm as Any], displayStyle: .struct)
    }
}
