/// The `o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>` line
/// (RFC 8866 §5.2).
///
/// The pair of ``sessionID`` and the address identifies the session; ``sessionVersion``
/// increases each time a party sends a changed description (RFC 3264 §8).
public struct SDPOrigin: Sendable, Hashable {
    /// The user's login, or `-`.
    public var username: String
    /// The session id, kept for the life of the session.
    public var sessionID: UInt64
    /// The version, incremented when the description changes.
    public var sessionVersion: UInt64
    /// The network type, `IN`.
    public var networkType: String
    /// `IP4` or `IP6`.
    public var addressType: String
    /// The address (or domain name) of the machine that created the session.
    public var address: String

    /// An origin line; the network type is `IN` and the address type follows the address.
    public init(username: String = "-", sessionID: UInt64, sessionVersion: UInt64, address: String) {
        self.username = username
        self.sessionID = sessionID
        self.sessionVersion = sessionVersion
        self.networkType = "IN"
        self.addressType = address.contains(":") ? "IP6" : "IP4"
        self.address = address
    }

    /// An origin line with every field given.
    public init(
        username: String, sessionID: UInt64, sessionVersion: UInt64,
        networkType: String, addressType: String, address: String
    ) {
        self.username = username
        self.sessionID = sessionID
        self.sessionVersion = sessionVersion
        self.networkType = networkType
        self.addressType = addressType
        self.address = address
    }
}
