import NIOCore
import SIPMessage

extension SIPTransportLayer {
    /// The settings of a ``SIPTransportLayer``: where to listen, message size limits, the
    /// connection timers and TLS (RFC 3261 §18, §26.2, RFC 5626 §4.4.1, RFC 7118).
    ///
    /// UDP and TCP listen by default; TLS, WS and WSS listen only when their port is set.
    /// Outgoing connections of every kind work without a listener of that kind.
    public struct Configuration: Sendable {
        /// The IP literal to listen on (`0.0.0.0`, `::`, `127.0.0.1`, `::1`...). One address
        /// family per layer: a layer bound to an IPv4 address sends UDP to IPv4 peers only.
        public var host: String
        /// The UDP port; 0 picks an ephemeral one (see ``SIPTransportLayer/localAddress(for:)``).
        public var udpPort: Int
        /// The TCP listening port; 0 picks an ephemeral one.
        public var tcpPort: Int
        /// Whether to bind a UDP socket. Without one the layer cannot send over UDP.
        public var udp: Bool
        /// Whether to listen for TCP connections. Outgoing TCP connections work without it.
        public var tcp: Bool
        /// The host written in Via sent-by (RFC 3261 §18.1.1); nil uses the bound address,
        /// which is wrong for a wildcard (`0.0.0.0`) bind: set it then.
        public var advertisedHost: String?
        /// Per-message limits: a datagram or framed message over them is dropped, a stream
        /// whose header section or body exceeds them is closed.
        public var limits: SIPParserLimits
        /// A TCP connection on which nothing is read for this long is closed (which also reaps
        /// half-open connections whose peer vanished). Nil disables it.
        public var idleTimeout: TimeAmount?
        /// Accepted TCP, TLS, WS and WSS connections open at once, at most, and from one source
        /// (an IPv4 address, or an IPv6 /64): a connection beyond either is closed as soon as it
        /// is accepted. Without a
        /// cap, a peer holding idle connections open (a CRLF now and then keeps them from
        /// idling) would use up the process's descriptors, and with them the RTP sockets of the
        /// next call, the control interface and the files it opens.
        public var maximumInboundConnections: Int
        public var maximumInboundConnectionsPerSource: Int
        /// When set, every outgoing TCP connection sends a CRLFCRLF ping this often
        /// (RFC 5626 §4.4.1); the peer's CRLF pongs count as reads and keep it from idling.
        public var keepAliveInterval: TimeAmount?
        /// How long an outgoing connection may take to become ready: to connect, and for TLS
        /// and WebSocket also to finish the handshake and the upgrade.
        public var connectTimeout: TimeAmount
        /// The TLS listening port (RFC 3261 §26.2; 5061 is customary); 0 picks an ephemeral
        /// one; nil listens for no TLS. A listener needs
        /// ``SIPTLSConfiguration/certificateChainFile`` and
        /// ``SIPTLSConfiguration/privateKeyFile`` in ``tls``.
        public var tlsPort: Int?
        /// The WebSocket (WS, RFC 7118) listening port; 0 picks an ephemeral one; nil listens
        /// for none.
        public var wsPort: Int?
        /// The secure WebSocket (WSS) listening port; 0 picks an ephemeral one; nil listens for
        /// none. Needs a certificate and key in ``tls``, as ``tlsPort`` does.
        public var wssPort: Int?
        /// The HTTP path WS and WSS listeners accept upgrades on, and outgoing WebSocket
        /// connections ask for (`/`, or `/sip` say).
        public var webSocketPath: String
        /// Certificates, keys and how peers are checked, for TLS and WSS.
        public var tls: SIPTLSConfiguration

        public init(
            host: String = "0.0.0.0", udpPort: Int = 5060, tcpPort: Int = 5060, udp: Bool = true, tcp: Bool = true,
            advertisedHost: String? = nil, limits: SIPParserLimits = .default, idleTimeout: TimeAmount? = .seconds(300),
            keepAliveInterval: TimeAmount? = nil, connectTimeout: TimeAmount = .seconds(10), tlsPort: Int? = nil,
            wsPort: Int? = nil, wssPort: Int? = nil, webSocketPath: String = "/", tls: SIPTLSConfiguration = SIPTLSConfiguration(),
            maximumInboundConnections: Int = 256, maximumInboundConnectionsPerSource: Int = 16
        ) {
            self.maximumInboundConnections = maximumInboundConnections
            self.maximumInboundConnectionsPerSource = maximumInboundConnectionsPerSource
            self.host = host
            self.udpPort = udpPort
            self.tcpPort = tcpPort
            self.udp = udp
            self.tcp = tcp
            self.advertisedHost = advertisedHost
            self.limits = limits
            self.idleTimeout = idleTimeout
            self.keepAliveInterval = keepAliveInterval
            self.connectTimeout = connectTimeout
            self.tlsPort = tlsPort
            self.wsPort = wsPort
            self.wssPort = wssPort
            self.webSocketPath = webSocketPath
            self.tls = tls
        }

        /// The largest SIP message a WebSocket message may carry: the header and body limits
        /// together, within what a WebSocket frame decoder accepts.
        var maxWebSocketMessageBytes: Int {
            let (sum, overflow) = limits.maxHeaderBytes.addingReportingOverflow(limits.maxBodyBytes)
            return overflow ? Int(UInt32.max) : min(max(sum, 1), Int(UInt32.max))
        }
    }
}
