import Logging
import NIOCore
import NIOPosix
import SIPMessage
import SIPStack

/// The agent's SIP endpoint on the SIPStack: a ``SIPStack/SIPTransportLayer`` listening on UDP
/// and TCP, its ``SIPStack/TransactionLayer`` and a ``SIPStack/SIPUserAgent`` that answers
/// OPTIONS with the agent's capabilities and refuses malformed or unsupported requests with
/// the RFC 3261 status (400 with a Warning naming the fault, 405, 415, 416, 420, 481, 501,
/// 505...).
///
/// Until the agent has media and an answering policy (accounts, allow lists, door actions),
/// every incoming call is refused with 480 (Temporarily Unavailable) and logged, and every
/// MESSAGE is logged and answered 200.
///
/// Responses go back where the request came from (the UDP source address and port, or the
/// same TCP connection: RFC 3581 symmetric response routing, RFC 3261 §18.2.2), which works
/// behind NAT; CRLF keep-alives are answered on TCP and ignored on UDP (RFC 5626 §4.4.1).
public final class SignalingListener: Sendable {
    /// Where to listen and what to say about itself.
    public struct Configuration: Sendable {
        /// The IP literal to listen on: `0.0.0.0`, `::`, `127.0.0.1`...
        public var host: String
        /// The port for UDP and TCP; 0 picks free ones (see ``SignalingListener/localAddresses``).
        public var port: Int
        public var udp: Bool
        public var tcp: Bool
        /// Per-message size limits.
        public var limits: SIPParserLimits
        /// The host to put in Via and Contact; nil uses the listening address, or for a
        /// wildcard address the first non-loopback address of that family.
        public var advertisedHost: String?
        /// The User-Agent and Server value.
        public var product: String

        public init(
            host: String = "0.0.0.0", port: Int = 5060, udp: Bool = true, tcp: Bool = true, limits: SIPParserLimits = .default,
            advertisedHost: String? = nil, product: String = "SwiftSIP-intercom/0.1"
        ) {
            self.host = host
            self.port = port
            self.udp = udp
            self.tcp = tcp
            self.limits = limits
            self.advertisedHost = advertisedHost
            self.product = product
        }
    }

    /// The addresses bound: UDP first, then TCP (useful with port 0).
    public let localAddresses: [SocketAddress]
    /// The user agent core, for the agent layers built on top.
    public let agent: SIPUserAgent
    private let transport: SIPTransportLayer
    private let closed: EventLoopPromise<Void>

    private init(localAddresses: [SocketAddress], agent: SIPUserAgent, transport: SIPTransportLayer, closed: EventLoopPromise<Void>) {
        self.localAddresses = localAddresses
        self.agent = agent
        self.transport = transport
        self.closed = closed
    }

    /// Binds the sockets and starts the stack; throws when an address cannot be bound (port in
    /// use, no permission, no such address family).
    public static func start(
        configuration: Configuration, logger: Logger, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> SignalingListener {
        let loop = group.next()
        let advertised = configuration.advertisedHost ?? AdvertisedAddress.choose(listeningOn: configuration.host)
        let transport = try await SIPTransportLayer.start(
            configuration: .init(
                host: configuration.host, udpPort: configuration.port, tcpPort: configuration.port, udp: configuration.udp,
                tcp: configuration.tcp, advertisedHost: advertised, limits: configuration.limits),
            on: loop, logger: logger)
        do {
            return try await loop.submit { () throws -> SignalingListener in
                let layer = TransactionLayer(eventLoop: loop, transport: transport, logger: logger)
                transport.transactionLayer = layer
                let udp = transport.localAddress(for: .udp)
                let tcp = transport.localAddress(for: .tcp)
                var ports: [SIPTransportKind: Int] = [:]
                if let port = udp?.port { ports[.udp] = port }
                if let port = tcp?.port { ports[.tcp] = port }
                let literal = advertised.contains(":") ? "[\(advertised)]" : advertised
                let agentConfiguration = SIPUserAgent.Configuration(
                    addressOfRecord: "sip:intercom@\(literal)", host: advertised, ports: ports,
                    defaultTransport: udp == nil ? .tcp : .udp, product: configuration.product)
                let agent = SIPUserAgent(configuration: agentConfiguration, layer: layer, transport: transport, logger: logger)
                agent.onEvent = { [weak agent] event in
                    guard let agent else { return }
                    Self.handle(event, agent: agent, logger: logger)
                }
                return SignalingListener(
                    localAddresses: [udp, tcp].compactMap { $0 }, agent: agent, transport: transport,
                    closed: loop.makePromise(of: Void.self))
            }.get()
        } catch {
            await transport.close()
            throw error
        }
    }

    /// What the listener does with the agent's events until calls are handled: one log line
    /// each, and 480 for every incoming call.
    private static func handle(_ event: SIPUserAgentEvent, agent: SIPUserAgent, logger: Logger) {
        switch event {
        case .incomingCall(let call):
            logger.info("call from \(call.from) (\(call.source)): refused 480, calls are not handled yet")
            try? agent.reject(call.handle, status: 480, reason: "Temporarily Unavailable")
        case .callStateChanged(let handle, let state):
            logger.debug("\(handle): \(state)")
        case .messageReceived(let message):
            logger.info("MESSAGE from \(message.from): \(message.body?.bytes.readableBytes ?? 0) bytes")
        case .infoReceived, .offerReceived, .reofferCompleted:
            break
        }
    }

    /// Waits until ``close()`` is called.
    public func waitUntilClosed() async throws {
        try await closed.futureResult.get()
    }

    /// Ends the calls, closes every socket and ends ``waitUntilClosed()``.
    public func close() async {
        await agent.shutdownGracefully()
        await transport.close()
        closed.succeed(())
    }
}
