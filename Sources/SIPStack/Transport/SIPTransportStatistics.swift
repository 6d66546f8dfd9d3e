/// Counters the ``SIPTransportLayer`` keeps about what it received and dropped, for the
/// application to read (monitoring, tests). Bytes that are not SIP are dropped silently, as
/// RFC 3261 §18.3 and §16.3 allow, and counted here instead.
public struct SIPTransportStatistics: Sendable, Hashable {
    /// Messages parsed and handed to the transaction layer.
    public var messagesReceived = 0
    /// Datagrams that did not parse as a SIP message (garbage), dropped.
    public var datagramsDropped = 0
    /// Datagrams among those dropped that were answered statelessly first: 400 for a body
    /// shorter than its Content-Length, 513 for one over the limits (RFC 3261 §18.3).
    public var malformedRequestsAnswered = 0
    /// Framed stream messages that did not parse, dropped.
    public var streamMessagesDropped = 0
    /// Stream connections closed because their bytes could not be framed (RFC 3261 §18.3).
    public var streamsClosedUnframeable = 0
    /// CRLFCRLF keep-alive pings received on streams and answered with a CRLF pong
    /// (RFC 5626 §4.4.1).
    public var pingsAnswered = 0
    /// CRLF keep-alive datagrams received on UDP and ignored.
    public var datagramKeepAlives = 0
    /// Stream connections closed because nothing was read for the idle time.
    public var idleConnectionsClosed = 0
    /// Messages that could not be sent (no listener of that family, a failed connection).
    public var sendFailures = 0
    /// Times the UDP socket was bound again after NIO closed it on a refused send, and binds
    /// of that kind that failed (the port was taken meanwhile).
    public var udpSocketsReopened = 0
    public var udpReopenFailures = 0
    /// Accepted connections closed at once, over the limits of open inbound connections.
    public var inboundConnectionsRefused = 0
    /// TLS handshakes that failed, on accepted and on outgoing connections (a certificate that
    /// does not verify, no common protocol version).
    public var tlsHandshakesFailed = 0
    /// WebSocket upgrade requests a WS or WSS listener refused: another path, no `sip`
    /// subprotocol, not an upgrade at all (RFC 7118 §4).
    public var webSocketUpgradesRefused = 0
    /// WebSocket messages that did not parse as one SIP message, dropped.
    public var webSocketMessagesDropped = 0
    /// WebSocket connections closed (with close code 1009) because a message was over the
    /// limits.
    public var webSocketsClosedOversize = 0
    /// WebSocket ping frames answered with a pong (RFC 6455 §5.5.2).
    public var webSocketPingsAnswered = 0

    public init() {}

    /// Everything dropped as garbage: datagrams, stream messages and WebSocket messages that
    /// did not parse.
    public var garbageDropped: Int { datagramsDropped + streamMessagesDropped + webSocketMessagesDropped }
}
