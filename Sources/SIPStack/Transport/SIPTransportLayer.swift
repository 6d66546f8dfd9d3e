import Logging
import NIOCore
import NIOPosix
import SIPMessage

/// The SIP transport layer of RFC 3261 §18 over SwiftNIO: it listens on UDP and TCP (IPv4 or
/// IPv6), opens outgoing TCP connections on demand and reuses them per remote address, cuts
/// and parses what arrives and hands every message to a ``TransactionLayer``; the transaction
/// layer sends back through it, as its ``TransactionTransport``.
///
/// ```
///   TransactionLayer ──send(bytes, to:)──> SIPTransportLayer ──UDP datagram / TCP connection──> peer
///   TransactionLayer <──receive(_:from:)── SIPTransportLayer <──SIPMessage(parsing:) / SIPStreamFramer──
/// ```
///
/// - UDP: one message per datagram (§18.3). A datagram of CR/LF only is a keep-alive and is
///   ignored (RFC 5626 §4.4.1); one that does not parse is dropped and counted in
///   ``statistics``. Responses to requests received over UDP go to the source address and port
///   (symmetric response routing, RFC 3581 §4): the source is the request's
///   ``TransactionDestination``.
/// - TCP: every connection, accepted or opened, is kept in a table by remote address, so a
///   response goes back on the connection its request came in on (§18.2.2) and requests to a
///   peer reuse one connection. A CRLFCRLF ping is answered with a CRLF pong (RFC 5626
///   §4.4.1). A stream that cannot be framed (header section or body over
///   ``Configuration/limits``, bad Content-Length) is closed, after a 400 or 513 when it
///   started with a request whose Via, From, To, Call-ID and CSeq could be read (§18.3,
///   §21.5.14). A connection on which nothing is read for ``Configuration/idleTimeout`` is
///   closed, which also reaps half-open connections; outgoing connections can send CRLFCRLF
///   pings every ``Configuration/keepAliveInterval``.
/// - TLS and WebSocket are not carried yet: they will be further ``SIPTransportKind`` cases,
///   each a pipeline ending in the same stream handler.
///
/// ``TransactionDestination`` says only "reliable or not", so this layer sends a reliable
/// destination over TCP. Use ``viaValue(for:branch:)`` or ``stampingVia(_:transport:branch:)``
/// to give an outgoing request its top Via (sent-by, a fresh `z9hG4bK` branch and `rport`).
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
    var tcpListener: (any Channel)?
    var connections: [SocketAddress: StreamConnection] = [:]
    var isClosed = false

    /// A TCP connection in the table: still connecting (with the messages waiting for it), or
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

    /// Binds the UDP socket and the TCP listener that `configuration` asks for, on `eventLoop`.
    ///
    /// - Throws: the socket error when an address cannot be bound (port in use, no such
    ///   address family); nothing stays bound then.
    public static func start(
        configuration: Configuration, on eventLoop: any EventLoop, logger: Logger = Logger(label: "SwiftSIP.transport")
    ) async throws -> SIPTransportLayer {
        let layer = SIPTransportLayer(eventLoop: eventLoop, configuration: configuration, logger: logger)
        do {
            try await layer.bind().get()
        } catch {
            await layer.close()
            throw error
        }
        return layer
    }

    private func bind() -> EventLoopFuture<Void> {
        let udp: EventLoopFuture<Void> =
            if configuration.udp {
                DatagramBootstrap(group: eventLoop)
                    .channelOption(.socketOption(.so_reuseaddr), value: 1)
                    .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 65_536))
                    .channelInitializer { channel in
                        channel.eventLoop.makeCompletedFuture {
                            try channel.pipeline.syncOperations.addHandler(SIPDatagramHandler(layer: self))
                        }
                    }
                    .bind(host: configuration.host, port: configuration.udpPort)
                    .map { channel in self.udpChannel = channel }
            } else {
                eventLoop.makeSucceededVoidFuture()
            }
        return udp.flatMap { () -> EventLoopFuture<Void> in
            guard self.configuration.tcp else { return self.eventLoop.makeSucceededVoidFuture() }
            return ServerBootstrap(group: self.eventLoop)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.socketOption(.so_keepalive), value: 1)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try self.addStreamHandlers(to: channel, peer: nil)
                    }
                }
                .bind(host: self.configuration.host, port: self.configuration.tcpPort)
                .map { channel in self.tcpListener = channel }
        }
    }

    /// The stream pipeline of a TCP connection: the idle timer, then framing and parsing.
    /// `peer` is the address an outgoing connection was opened to (nil for an accepted one).
    func addStreamHandlers(to channel: any Channel, peer: SocketAddress?) throws {
        let operations = channel.pipeline.syncOperations
        if let idle = configuration.idleTimeout {
            try operations.addHandler(IdleStateHandler(readTimeout: idle))
        }
        try operations.addHandler(SIPStreamHandler(layer: self, peer: peer))
    }

    /// Closes every socket and connection; the layer sends nothing afterwards. Safe to call
    /// from any thread, more than once.
    public func close() async {
        let channels: [any Channel] =
            (try? await eventLoop.submit { () -> [any Channel] in
                self.isClosed = true
                var channels: [any Channel] = [self.udpChannel, self.tcpListener].compactMap { $0 }
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
        case .tcp: return tcpListener?.localAddress
        }
    }

    /// The number of TCP connections in the table (connecting or up, accepted or opened).
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

    /// Records an accepted connection so responses and requests to `peer` reuse it.
    func streamAccepted(_ channel: any Channel, peer: SocketAddress) {
        guard !isClosed else {
            channel.close(promise: nil)
            return
        }
        if connections[peer] == nil { connections[peer] = .active(channel) }
    }

    /// Forgets a connection that closed.
    func streamClosed(_ channel: any Channel, peer: SocketAddress) {
        if case .active(let known) = connections[peer], known === channel {
            connections.removeValue(forKey: peer)
        }
    }

    /// Counts an event for ``statistics``.
    func count(_ counter: WritableKeyPath<SIPTransportStatistics, Int>) {
        _statistics[keyPath: counter] += 1
    }
}
