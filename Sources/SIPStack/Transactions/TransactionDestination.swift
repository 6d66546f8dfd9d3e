import NIOCore

/// Where the transaction layer sends a transaction's messages, and over which transport
/// (RFC 3261 §17.1.1.1, §18): the address of the peer and UDP, TCP, TLS, WS or WSS. Whether
/// the transport is reliable decides the timers: over anything but UDP there are no
/// retransmission timers A, E and G, and Timers D, I, J and K are 0.
///
/// For a server transaction this is where its request came from, transport included, so
/// responses go back over the same transport and connection, to the source address and port
/// (as `rport` asks, RFC 3581 §4).
///
/// ``init(address:isReliable:)``, ``udp(_:)`` and ``reliable(_:)`` predate the transport
/// kind: "reliable" there means TCP.
public struct TransactionDestination: Sendable, Hashable, CustomStringConvertible {
    /// The peer's address.
    public var address: SocketAddress
    /// The transport to the peer.
    public var transport: SIPTransportKind

    /// `address` over `transport`.
    public init(address: SocketAddress, transport: SIPTransportKind) {
        self.address = address
        self.transport = transport
    }

    /// `address` over TCP when `isReliable`, else over UDP.
    public init(address: SocketAddress, isReliable: Bool) {
        self.init(address: address, transport: isReliable ? .tcp : .udp)
    }

    /// Whether the transport to the peer is reliable (TCP, TLS, WS, WSS) rather than UDP.
    /// Setting it to true turns UDP into TCP and keeps any other reliable transport; setting it
    /// to false turns any transport into UDP.
    public var isReliable: Bool {
        get { transport.isReliable }
        set {
            if newValue != transport.isReliable { transport = newValue ? .tcp : .udp }
        }
    }

    /// `address` over UDP.
    public static func udp(_ address: SocketAddress) -> TransactionDestination {
        TransactionDestination(address: address, transport: .udp)
    }

    /// `address` over TCP, the reliable transport of code written before the other kinds.
    public static func reliable(_ address: SocketAddress) -> TransactionDestination {
        TransactionDestination(address: address, transport: .tcp)
    }

    /// `address` over TCP.
    public static func tcp(_ address: SocketAddress) -> TransactionDestination {
        TransactionDestination(address: address, transport: .tcp)
    }

    /// `address` over TLS (RFC 3261 §26.2).
    public static func tls(_ address: SocketAddress) -> TransactionDestination {
        TransactionDestination(address: address, transport: .tls)
    }

    /// `address` over a WebSocket (RFC 7118).
    public static func ws(_ address: SocketAddress) -> TransactionDestination {
        TransactionDestination(address: address, transport: .ws)
    }

    /// `address` over a secure WebSocket (RFC 7118).
    public static func wss(_ address: SocketAddress) -> TransactionDestination {
        TransactionDestination(address: address, transport: .wss)
    }

    /// The address as an IP literal and port, for `received` and `rport`, or nil for a
    /// non-IP address.
    var hostAndPort: (host: String, port: Int)? { address.hostAndPort }

    public var description: String { "\(transport) \(address)" }
}
