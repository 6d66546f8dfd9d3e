import NIOCore

/// Where the transaction layer sends a transaction's messages, and whether that transport is
/// reliable (RFC 3261 §17.1.1.1, §18): the address of the peer, and TCP, TLS or WebSocket
/// (reliable) versus UDP (unreliable). Reliability decides the timers: no retransmission
/// timers A, E and G, and Timers D, I, J and K of 0.
///
/// For a server transaction this is where its request came from, so responses go back to the
/// source address and port (as `rport` asks, RFC 3581 §4).
public struct TransactionDestination: Sendable, Hashable, CustomStringConvertible {
    /// The peer's address.
    public var address: SocketAddress
    /// Whether the transport to the peer is reliable (TCP, TLS, WS, WSS) rather than UDP.
    public var isReliable: Bool

    public init(address: SocketAddress, isReliable: Bool) {
        self.address = address
        self.isReliable = isReliable
    }

    /// `address` over UDP.
    public static func udp(_ address: SocketAddress) -> TransactionDestination {
        TransactionDestination(address: address, isReliable: false)
    }

    /// `address` over a reliable transport (TCP, TLS, WS).
    public static func reliable(_ address: SocketAddress) -> TransactionDestination {
        TransactionDestination(address: address, isReliable: true)
    }

    /// The address as an IP literal and port, for `received` and `rport`, or nil for a
    /// non-IP address.
    var hostAndPort: (host: String, port: Int)? { address.hostAndPort }

    public var description: String { "\(isReliable ? "reliable" : "udp") \(address)" }
}
