/// A `c=<nettype> <addrtype> <connection-address>` line (RFC 8866 §5.7).
///
/// For SIP calls this is `IN IP4 <address>` or `IN IP6 <address>`. Multicast addresses may
/// carry a TTL (IPv4 only) and a number of addresses: `224.2.1.1/127/3`.
/// `IN IP4 0.0.0.0` is the legacy hold of RFC 2543 (RFC 3264 §8.4): see ``isLegacyHold``.
public struct SDPConnection: Sendable, Hashable {
    /// The network type, `IN`.
    public var networkType: String
    /// The address type, `IP4` or `IP6`.
    public var addressType: String
    /// The address, without the `/ttl/count` suffix.
    public var address: String
    /// The multicast TTL (IPv4 multicast only).
    public var ttl: Int?
    /// The number of multicast addresses, when given.
    public var addressCount: Int?

    /// A connection line; the network type is `IN`.
    public init(addressType: String, address: String, ttl: Int? = nil, addressCount: Int? = nil) {
        self.networkType = "IN"
        self.addressType = addressType
        self.address = address
        self.ttl = ttl
        self.addressCount = addressCount
    }

    /// A connection line for `address`, `IP6` when it holds a colon and `IP4` otherwise.
    public init(address: String) {
        self.init(addressType: address.contains(":") ? "IP6" : "IP4", address: address)
    }

    /// Whether this is `IN IP4 0.0.0.0` (or the IPv6 `::`), the RFC 2543 way to put a stream on
    /// hold that RFC 3264 §8.4 still asks answerers to recognise.
    public var isLegacyHold: Bool {
        address == "0.0.0.0" || address == "::"
    }
}
