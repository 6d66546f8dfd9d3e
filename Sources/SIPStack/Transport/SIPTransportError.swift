/// An error of a ``SIPTransportLayer`` that is not a socket error: a TLS setting that does not
/// load, a WebSocket upgrade the peer refused, a connection that did not become ready in time.
/// Compare ``code``; ``message`` is for people.
public struct SIPTransportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, as a value to compare.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        /// The name of the code, for logs.
        public let name: String

        /// The TLS settings do not load: a missing certificate or key, an unreadable file.
        public static let tlsConfiguration = Code(name: "tlsConfiguration")
        /// The TLS handshake, the WebSocket upgrade or the TCP connection did not complete
        /// within ``SIPTransportLayer/Configuration/connectTimeout``.
        public static let connectTimeout = Code(name: "connectTimeout")
        /// The server refused the WebSocket upgrade (an HTTP status other than 101).
        public static let webSocketUpgradeRefused = Code(name: "webSocketUpgradeRefused")
        /// The server upgraded without agreeing to the `sip` subprotocol (RFC 7118 §4.1).
        public static let webSocketSubprotocolMissing = Code(name: "webSocketSubprotocolMissing")
        /// The connection closed before it was ready.
        public static let connectionClosed = Code(name: "connectionClosed")
        /// An accepted connection over ``SIPTransportLayer/Configuration/maximumInboundConnections``
        /// or its per-source share, closed at once.
        public static let tooManyConnections = Code(name: "tooManyConnections")

        public var description: String { name }
    }

    /// What went wrong.
    public let code: Code
    /// A sentence saying what went wrong.
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
