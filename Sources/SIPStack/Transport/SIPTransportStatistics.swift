/// Counters the ``SIPTransportLayer`` keeps about what it received and dropped, for the
/// application to read (monitoring, tests). Bytes that are not SIP are dropped silently, as
/// RFC 3261 §18.3 and §16.3 allow, and counted here instead.
public struct SIPTransportStatistics: Sendable, Hashable {
    /// Messages parsed and handed to the transaction layer.
    public var messagesReceived = 0
    /// Datagrams that did not parse as a SIP message (garbage), dropped.
    public var datagramsDropped = 0
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

    public init() {}

    /// Everything dropped as garbage: datagrams and stream messages that did not parse.
    public var garbageDropped: Int { datagramsDropped + streamMessagesDropped }
}
