import NIOCore

/// The key of a connection in the table of a ``SIPTransportLayer``: the transport and the
/// remote address, so that TCP, TLS and WebSocket connections to one host and port never mix.
struct SIPConnectionKey: Hashable, Sendable, CustomStringConvertible {
    /// TCP, TLS, WS or WSS.
    var transport: SIPTransportKind
    /// The remote address.
    var address: SocketAddress

    var description: String { "\(transport) \(address)" }
}
