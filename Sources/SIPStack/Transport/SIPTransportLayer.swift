import Logging
import NIOCore
import NIOPosix
import NIOSSL
import SIPMessage

/// The SIP transport layer of RFC 3261 §18 over SwiftNIO: it listens on UDP, TCP, TLS,
/// WebSocket and secure WebSocket (IPv4 or IPv6), opens outgoing TCP, TLS, WS and WSS
/// connections on demand and reuses them, cuts and parses what arrives and hands every message
/// to a ``TransactionLayer``; the transaction layer sends back through it, as its
/// ``TransactionTransport``.
///
/// ```
///   TransactionLayer ──send(bytes, to:)──> SIPTransportLayer ──datagram / stream / WebSocket message──> peer
///   TransactionLayer <──receive(_:from:)── SIPTransportLayer <──SIPMessage(parsing:) / SIPStreamFramer──
///
///   TCP  [idle timeout] [SIPStreamHandler]
///   TLS  [NIOSSL] [idle timeout] [SIPStreamHandler]
///   WS   [idle timeout] [HTTP/1.1 upgrade] ──101, Sec-WebSocket-Protocol: sip──> [frames] [SIPWebSocketHandler]
///   WSS  [NIOSSL] + the WS pipeline
/// ```
///
/// - UDP: one message per datagram (§18.3). A datagram of CR/LF only is a keep-alive and is
///   ignored (RFC 5626 §4.4.1); one that does not parse is dropped and counted in
///   ``statistics``. Responses to requests received over UDP go to the source address and port
///   (symmetric response routing, RFC 3581 §4): the source is the request's
///   ``TransactionDestination``.
/// - Connections: every connection, accepted or opened, is kept in a table by transport and
///   remote address, so a response goes back on the connection its request came in on
///   (§18.2.2), requests to a peer reuse one connection, and TCP and TLS to one host never
///   mix. A connection on which nothing is read for ``Configuration/idleTimeout`` is closed,
///   which also reaps half-open connections. Messages to a peer wait while its connection
///   connects (and, for TLS and WebSocket, shakes hands and upgrades); when that fails or
///   takes longer than ``Configuration/connectTimeout``, each waiting request is reported to
///   its transaction as a transport error.
/// - TCP and TLS (RFC 3261 §26.2, RFC 5630): the (decrypted) stream is cut with
///   `SIPStreamFramer`. A CRLFCRLF ping is answered with a CRLF pong (RFC 5626 §4.4.1). A
///   stream that cannot be framed (header section or body over ``Configuration/limits``, bad
///   Content-Length) is closed, after a 400 or 513 when it started with a request whose Via,
///   From, To, Call-ID and CSeq could be read (§18.3, §21.5.14). Outgoing connections can send
///   CRLFCRLF pings every ``Configuration/keepAliveInterval``. Certificates and how peers are
///   checked are set in ``Configuration/tls`` (``SIPTLSConfiguration``).
/// - WS and WSS (RFC 7118): a listener accepts an HTTP/1.1 upgrade on
///   ``Configuration/webSocketPath`` only when the client offers the `sip` subprotocol, which
///   it echoes; an outgoing connection asks for it and drops a server that does not agree.
///   Each text or binary message carries one SIP message, parsed as a datagram is: one that
///   does not parse is dropped and counted, one over the limits closes the connection with a
///   WebSocket close (1009). Pings get pongs, the close handshake is answered, outgoing
///   connections send WebSocket pings every ``Configuration/keepAliveInterval``, and messages
///   go out as text frames.
///
/// Use ``viaValue(for:branch:)`` or ``stampingVia(_:transport:branch:)`` to give an outgoing
/// request its top Via (sent-by, a fresh `z9hG4bK` branch and `rport`).
///
/// ```swift
/// let transport = try await SIPTransportLayer.start(configuration: .init(host: "127.0.0.1", udpPort: 0, tcpPort: 0), on: loop)
/// let transactions = try await loop.submit {
///     let layer = TransactionLayer(eventLoop: loop, transport: transport)
///     transport.transactionLayer = layer
///     return layer
/// }.get()
/// ```
///
/// - warning: The layer is confined to ``eventLoop``: its channels run there, and every method
///   and property but ``start(configuration:on:logger:)`` and ``close()`` must be used there.
///   Its ``TransactionLayer`` must run on the same event loop.
public final class SIPTransportLayer: @unchecked Sendable {
    /// The event loop every channel of this layer runs on.
    public let eventLoop: any EventLoop
    /// Where it listens and its limits and timers.
    public let configuration: Configuration

    let logger: Logger
    weak var _transactionLayer: TransactionLayer?
    var _statistics = SIPTransportStatistics()
    var udpChannel: (any Channel)?
    /// The port the UDP socket was bound to (the real one when the configuration said 0), to
    /// bind again after NIO closed the socket.
    var boundUDPPort: Int?
    /// Where the last datagram went, and the destinations whose datagram closed the socket
    /// (the last one sent when it closed): sends to those fail at once from then on, instead of
    /// closing the socket again at every retransmission. At most
    /// ``refusedUDPDestinationsKept`` are kept.
    var lastUDPDestination: SocketAddress?
    var refusedUDPDestinations: Set<SocketAddress> = []
    static let refusedUDPDestinationsKept = 64
    /// Accepted connections open now, in all and by source (``SIPSourceKey``; nil: unknown),
    /// see ``admitInbound(_:)``.
    var inboundConnections = 0
    var inboundBySource: [SIPSourceKey?: Int] = [:]
    /// The listening sockets of TCP, TLS, WS and WSS.
    var listeners: [SIPTransportKind: any Channel] = [:]
    var connections: [SIPConnectionKey: StreamConnection] = [:]
    var isClosed = false
    /// The context of TLS and WSS listeners, made at start.
    var serverTLSContext: NIOSSLContext?
    /// The context of outgoing TLS and WSS connections, made on first use.
    var clientTLSContext: Result<NIOSSLContext, SIPTransportError>?
    /// TLS settings for outgoing connections to particular peers, in place of
    /// ``Configuration/tls`` (see ``setOutgoingTLS(_:for:)``).
    var peerTLS: [SocketAddress: SIPTLSConfiguration] = [:]
    /// The contexts made from ``peerTLS``, on first use.
    var peerTLSContexts: [SocketAddress: Result<NIOSSLContext, SIPTransportError>] = [:]
    /// Why each connection this layer opened last failed (a failed TLS handshake, a refused
    /// connect, an error that closed it); cleared when an attempt begins and when it is up.
    /// Set through ``recordConnectionFailure(_:for:)``, which keeps it bounded.
    var connectionFailures: [SIPConnectionKey: String] = [:]
    /// At most this many failures are on record: callers' Contacts are destinations too, and
    /// one that names a new dead address with every call would otherwise add one per call.
    static let connectionFailuresKept = 256

    /// A connection in the table: still getting ready (with the messages waiting for it), or
    /// up.
    enum StreamConnection {
        case connecting([ByteBuffer])
        case active(any Channel)
    }

    /// A layer with nothing bound yet (``start(configuration:on:logger:)`` binds; tests drive
    /// the handlers directly).
    init(eventLoop: any EventLoop, configuration: Configuration, logger: Logger = Logger(label: "SwiftSIP.transport")) {
        self.eventLoop = eventLoop
        self.configuration = configuration
        self.logger = logger
    }

    /// Binds the UDP socket and the TCP, TLS, WS and WSS listeners that `configuration` asks
    /// for, on `eventLoop`.
    ///
    /// - Throws: the socket error when an address cannot be bound (port in use, no such
    ///   address family), or ``SIPTransportError`` (`tlsConfiguration`) when a TLS or WSS
    ///   listener has no usable certificate and key; nothing stays bound then.
    public static func start(
        configuration: Configuration, on eventLoop: any EventLoop, logger: Logger = Logger(label: "SwiftSIP.transport")
    ) async throws -> SIPTransportLayer {
        let layer = SIPTransportLayer(eventLoop: eventLoop, configuration: configuration, logger: logger)
        let serverContext: NIOSSLContext? =
            configuration.tlsPort != nil || configuration.wssPort != nil ? try configuration.tls.makeServerContext() : nil
        do {
            try await eventLoop.flatSubmit {
                layer.serverTLSContext = serverContext
                return layer.bind()
            }.get()
        } catch {
            await layer.close()
            throw error
        }
        return layer
    }

    private func bind() -> EventLoopFuture<Void> {
        let udp: EventLoopFuture<Void> =
            if configuration.udp {
                // No SO_REUSEADDR on UDP (TCP's listener keeps it, for TIME_WAIT): on Linux it
                // lets a second socket bind a port in use, and a second agent on 5060 would
                // then share the first one's requests instead of failing to start.
                bindUDP(port: configuration.udpPort).map { channel in
                    self.udpChannel = channel
                    self.boundUDPPort = channel.localAddress?.port
                }
            } else {
                eventLoop.makeSucceededVoidFuture()
            }
        let ports: [(SIPTransportKind, Int?)] = [
            (.tcp, configuration.tcp ? configuration.tcpPort : nil), (.tls, configuration.tlsPort),
            (.ws, configuration.wsPort), (.wss, configuration.wssPort),
        ]
        return ports.reduce(udp) { previous, entry in
            previous.flatMap { () -> EventLoopFuture<Void> in
                guard let port = entry.1 else { return self.eventLoop.makeSucceededVoidFuture() }
                return self.listen(entry.0, port: port)
            }
        }
    }

    /// Counts an accepted connection against ``Configuration/maximumInboundConnections`` and
    /// its per-source share until it closes, or refuses it (NIO then closes it). On the event
    /// loop.
    func admitInbound(_ channel: any Channel) throws(SIPTransportError) {
        let source = channel.remoteAddress.flatMap(SIPSourceKey.init)
        let fromSource = inboundBySource[source, default: 0]
        guard inboundConnections < configuration.maximumInboundConnections,
            fromSource < configuration.maximumInboundConnectionsPerSource
        else {
            _statistics.inboundConnectionsRefused += 1
            if _statistics.inboundConnectionsRefused == 1 || _statistics.inboundConnectionsRefused % 100 == 0 {
                logger.warning(
                    "refusing connections over the limit (\(inboundConnections) open, \(fromSource) from \(source.map { "\($0)" } ?? "?")); \(_statistics.inboundConnectionsRefused) refused so far")
            }
            throw SIPTransportError(.tooManyConnections, "\(inboundConnections) connections open, \(fromSource) from \(source.map { "\($0)" } ?? "?")")
        }
        inboundConnections += 1
        inboundBySource[source] = fromSource + 1
        channel.closeFuture.whenComplete { _ in
            self.inboundConnections -= 1
            let left = (self.inboundBySource[source] ?? 1) - 1
            self.inboundBySource[source] = left > 0 ? left : nil
        }
    }

    /// Files why the connection to `key` failed; when ``connectionFailuresKept`` others are on
    /// record already, they are all dropped first (they only explain past failures). On the
    /// event loop.
    func recordConnectionFailure(_ reason: String, for key: SIPConnectionKey) {
        if connectionFailures[key] == nil, connectionFailures.count >= Self.connectionFailuresKept {
            connectionFailures.removeAll(keepingCapacity: true)
        }
        connectionFailures[key] = reason
    }

    /// Binds the UDP socket on `port` (0: any free port).
    private func bindUDP(port: Int) -> EventLoopFuture<any Channel> {
        DatagramBootstrap(group: eventLoop)
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 65_536))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(SIPDatagramHandler(layer: self))
                }
            }
            .bind(host: configuration.host, port: port)
    }

    /// The UDP socket closed while the layer did not: NIO closes a datagram channel when
    /// `sendmsg` fails with anything but EMSGSIZE or EHOSTUNREACH, so one message to an address
    /// the kernel refuses (a subnet's broadcast address, say, as a caller's Contact) would leave
    /// the agent deaf on UDP: no calls, no registration refreshes. The same port is bound again
    /// at once. On the event loop.
    func udpChannelClosed(_ channel: any Channel) {
        eventLoop.preconditionInEventLoop()
        guard !isClosed, let current = udpChannel, current === channel, let port = boundUDPPort else { return }
        _statistics.udpSocketsReopened += 1
        if let refused = lastUDPDestination {
            if refusedUDPDestinations.count >= Self.refusedUDPDestinationsKept { refusedUDPDestinations.removeAll() }
            refusedUDPDestinations.insert(refused)
        }
        logger.warning("the UDP socket closed after a refused send (to \(lastUDPDestination.map { "\($0)" } ?? "?")); binding port \(port) again")
        bindUDP(port: port).whenComplete { result in
            switch result {
            case .success(let reopened):
                if self.isClosed {
                    reopened.close(promise: nil)
                } else {
                    self.udpChannel = reopened
                }
            case .failure(let error):
                self._statistics.udpReopenFailures += 1
                self.logger.error("UDP port \(port) cannot be bound again: \(error)")
            }
        }
    }

    /// Binds the listener of `transport` (TCP, TLS, WS or WSS) on `port`.
    private func listen(_ transport: SIPTransportKind, port: Int) -> EventLoopFuture<Void> {
        ServerBootstrap(group: eventLoop)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.so_keepalive), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try self.admitInbound(channel)
                    try self.addAcceptedHandlers(to: channel, transport: transport)
                }
            }
            .bind(host: configuration.host, port: port)
            .map { channel in self.listeners[transport] = channel }
    }

    /// Closes every socket and connection; the layer sends nothing afterwards. Safe to call
    /// from any thread, more than once.
    public func close() async {
        let channels: [any Channel] =
            (try? await eventLoop.submit { () -> [any Channel] in
                self.isClosed = true
                var channels: [any Channel] = [self.udpChannel].compactMap { $0 } + Array(self.listeners.values)
                for case .active(let channel) in self.connections.values { channels.append(channel) }
                self.connections.removeAll()
                return channels
            }.get()) ?? []
        for channel in channels {
            try? await channel.close()
        }
    }

    // MARK: - Reading state (on the event loop)

    /// The transaction layer every received message goes to, held weakly. It must run on
    /// ``eventLoop``.
    public var transactionLayer: TransactionLayer? {
        get {
            eventLoop.preconditionInEventLoop()
            return _transactionLayer
        }
        set {
            eventLoop.preconditionInEventLoop()
            _transactionLayer = newValue
        }
    }

    /// What was received, dropped and closed so far.
    public var statistics: SIPTransportStatistics {
        eventLoop.preconditionInEventLoop()
        return _statistics
    }

    /// The address `transport` is bound to (with the real port when 0 was configured), or nil
    /// when that transport is not listening.
    public func localAddress(for transport: SIPTransportKind) -> SocketAddress? {
        eventLoop.preconditionInEventLoop()
        switch transport {
        case .udp: return udpChannel?.localAddress
        case .tcp, .tls, .ws, .wss: return listeners[transport]?.localAddress
        }
    }

    /// The number of connections in the table, of every transport (getting ready or up,
    /// accepted or opened).
    public var connectionCount: Int {
        eventLoop.preconditionInEventLoop()
        return connections.count
    }

    // MARK: - From the channel handlers (on the event loop)

    /// Hands a parsed message to the transaction layer.
    func received(_ message: SIPMessage, from source: TransactionDestination) {
        _statistics.messagesReceived += 1
        guard let layer = _transactionLayer else {
            logger.trace("no transaction layer for a message", metadata: ["source": "\(source)"])
            return
        }
        layer.receive(message, from: source)
    }

    /// Records an accepted connection so responses and requests to its peer reuse it.
    func streamAccepted(_ channel: any Channel, key: SIPConnectionKey) {
        guard !isClosed else {
            channel.close(promise: nil)
            return
        }
        if connections[key] == nil { connections[key] = .active(channel) }
    }

    /// Forgets a connection that closed and tells the transaction layer, whose client
    /// transactions waiting on it end with a transport error.
    func streamClosed(_ channel: any Channel, key: SIPConnectionKey) {
        if case .active(let known) = connections[key], known === channel {
            connections.removeValue(forKey: key)
            let lost = _transactionLayer?.reportConnectionLost(to: TransactionDestination(address: key.address, transport: key.transport)) ?? 0
            if lost > 0 { logger.debug("connection closed under \(lost) client transactions", metadata: ["peer": "\(key)"]) }
        }
    }

    /// Logs a connection error, and counts it when it is a failed TLS handshake: a certificate
    /// that does not verify, one that does not name the peer, no common protocol version. On a
    /// connection this layer opened (`outgoing`), it is also kept as the reason of
    /// ``lastConnectionFailure(to:)``.
    func connectionError(_ error: any Error, key: SIPConnectionKey?, outgoing: Bool = false) {
        var handshake = false
        if let error = error as? NIOSSLError, case .handshakeFailed = error {
            _statistics.tlsHandshakesFailed += 1
            handshake = true
        } else if let error = error as? NIOSSLExtraError, error == .failedToValidateHostname {
            _statistics.tlsHandshakesFailed += 1
            handshake = true
        }
        if let key, outgoing {
            recordConnectionFailure(handshake ? "TLS handshake failed: \(error)" : "\(error)", for: key)
        }
        logger.debug("connection error: \(error)", metadata: ["peer": "\(key.map { "\($0)" } ?? "?")"])
    }

    /// Counts an event for ``statistics``.
    func count(_ counter: WritableKeyPath<SIPTransportStatistics, Int>) {
        _statistics[keyPath: counter] += 1
    }
}
