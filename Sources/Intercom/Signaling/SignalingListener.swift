import Logging
import NIOCore
import NIOPosix
import SIPMessage
import SIPStack

/// Listens for SIP on UDP and TCP and answers every request with a ``StatelessResponder``.
///
/// Responses go back where the request came from (the UDP source address, or the same TCP
/// connection), which is what RFC 3581 symmetric response routing asks for and what works
/// behind NAT. TCP streams are cut into messages by ``SIPMessage/SIPStreamFramer``; a stream
/// that cannot be framed is closed.
public final class SignalingListener: Sendable {
    /// Where to listen.
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        public var udp: Bool
        public var tcp: Bool
        public var limits: SIPParserLimits

        public init(host: String = "0.0.0.0", port: Int = 5060, udp: Bool = true, tcp: Bool = true, limits: SIPParserLimits = .default) {
            self.host = host
            self.port = port
            self.udp = udp
            self.tcp = tcp
            self.limits = limits
        }
    }

    private let channels: [any Channel]

    /// The addresses actually bound (useful with port 0).
    public let localAddresses: [SocketAddress]

    private init(channels: [any Channel]) {
        self.channels = channels
        self.localAddresses = channels.compactMap(\.localAddress)
    }

    /// Binds the sockets; throws when an address cannot be bound (port in use, no permission).
    public static func start(
        configuration: Configuration, responder: StatelessResponder, logger: Logger,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> SignalingListener {
        var channels: [any Channel] = []
        if configuration.udp {
            let udp = try await DatagramBootstrap(group: group)
                .channelOption(.socketOption(.so_reuseaddr), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(DatagramResponderHandler(responder: responder, limits: configuration.limits, logger: logger))
                    }
                }
                .bind(host: configuration.host, port: configuration.port).get()
            channels.append(udp)
        }
        if configuration.tcp {
            // With port 0, TCP takes the port UDP got so both share one number.
            let port = configuration.port == 0 ? (channels.first?.localAddress?.port ?? 0) : configuration.port
            let tcp = try await ServerBootstrap(group: group)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(StreamResponderHandler(responder: responder, limits: configuration.limits, logger: logger))
                    }
                }
                .bind(host: configuration.host, port: port).get()
            channels.append(tcp)
        }
        return SignalingListener(channels: channels)
    }

    /// Waits until every socket is closed.
    public func waitUntilClosed() async throws {
        for channel in channels { try await channel.closeFuture.get() }
    }

    /// Closes every socket.
    public func close() async {
        for channel in channels { try? await channel.close() }
    }
}

/// Answers each datagram to its source address.
final class DatagramResponderHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    let responder: StatelessResponder
    let limits: SIPParserLimits
    let logger: Logger

    init(responder: StatelessResponder, limits: SIPParserLimits, logger: Logger) {
        self.responder = responder
        self.limits = limits
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        // RFC 5626 §4.4.1 keep-alives on UDP are CRLFCRLF; they need no answer on UDP.
        if envelope.data.readableBytesView.allSatisfy({ $0 == 0x0D || $0 == 0x0A }) { return }
        var response = context.channel.allocator.buffer(capacity: 512)
        let outcome = responder.respond(to: envelope.data, source: envelope.remoteAddress.hostAndPort, into: &response)
        log(outcome, from: envelope.remoteAddress, transport: "UDP", logger: logger)
        if case .responded = outcome {
            context.writeAndFlush(wrapOutboundOut(AddressedEnvelope(remoteAddress: envelope.remoteAddress, data: response)), promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // ICMP port unreachable and the like: the socket stays open.
        logger.debug("UDP error: \(error)")
    }
}

/// Frames a TCP stream into messages and answers each on the same connection.
final class StreamResponderHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let responder: StatelessResponder
    let logger: Logger
    private var framer: SIPStreamFramer
    private var received: ByteBuffer?

    init(responder: StatelessResponder, limits: SIPParserLimits, logger: Logger) {
        self.responder = responder
        self.logger = logger
        self.framer = SIPStreamFramer(limits: limits)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        if received == nil {
            received = incoming
        } else {
            received?.writeBuffer(&incoming)
        }
        guard var buffer = received else { return }
        defer { received = buffer.readableBytes > 0 ? buffer : nil }
        while true {
            do {
                switch try framer.nextFrame(in: buffer) {
                case .needMoreBytes:
                    return
                case .keepAlive(let count):
                    // A CRLFCRLF ping gets a CRLF pong (RFC 5626 §4.4.1).
                    let isPing = count >= 4
                    buffer.moveReaderIndex(forwardBy: count)
                    if isPing {
                        var pong = context.channel.allocator.buffer(capacity: 2)
                        pong.writeStaticString("\r\n")
                        context.writeAndFlush(wrapOutboundOut(pong), promise: nil)
                    }
                case .message(let count):
                    guard let frame = buffer.readSlice(length: count) else { return }
                    var response = context.channel.allocator.buffer(capacity: 512)
                    let outcome = responder.respond(to: frame, framed: true, source: context.remoteAddress?.hostAndPort, into: &response)
                    log(outcome, from: context.remoteAddress, transport: "TCP", logger: logger)
                    if case .responded = outcome { context.writeAndFlush(wrapOutboundOut(response), promise: nil) }
                }
            } catch {
                logger.warning("closing a TCP connection that cannot be framed: \(error)")
                buffer.clear()
                context.close(promise: nil)
                return
            }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("TCP error: \(error)")
        context.close(promise: nil)
    }
}

private func log(_ outcome: StatelessResponder.Outcome, from address: SocketAddress?, transport: String, logger: Logger) {
    let source = address.map { "\($0)" } ?? "?"
    switch outcome {
    case .responded(let status):
        logger.info("\(transport) \(source): answered \(status)")
    case .ignored(let reason):
        logger.debug("\(transport) \(source): ignored (\(reason))")
    }
}
