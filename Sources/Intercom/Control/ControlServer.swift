import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// The local control and status interface of the agent: HTTP with JSON bodies, served by a
/// Hummingbird 2 application on `control.address:control.port`.
///
/// ```
/// GET    /health               200 "ok"                (never needs the token)
/// GET    /status               200 IntercomStatus
/// POST   /calls                201 {"id": ...}          body {"target": "sip:..."}
/// DELETE /calls/{id}           204
/// DELETE /calls                204                     (every call)
/// POST   /buttons/{name}/press 202
/// POST   /doors/{name}/open    202
/// GET    /metrics              200 Prometheus text     (404 when control.metrics is off)
/// ```
///
/// Errors are `{"error": reason}` with the status the agent chose (``ControlError``), 400 for
/// malformed bodies, 401 without the token, 404 for unknown routes and 413 for bodies over
/// ``maximumBodySize``. With `control.token` set, every route but `/health` needs
/// `Authorization: Bearer TOKEN`; listening on anything but loopback without a token is
/// refused by ``init(configuration:agent:metrics:logger:eventLoopGroup:)``.
///
/// It is a swift-service-lifecycle `Service`: put it in the agent's `ServiceGroup`, or call
/// ``run()`` in a task of its own; ``listeningPort()`` then says where it listens (useful with
/// port 0). It does not look at `control.enabled`: the agent creates it only when enabled.
///
/// - warning: Run it once. A second ``run()`` serves again but ``listeningPort()`` keeps
///   reporting the first run's port.
public struct ControlServer: Sendable, Service {
    /// The largest request body read [bytes].
    public static let maximumBodySize = 4096

    /// The Hummingbird application, for tests that drive its router directly.
    public let application: Application<RouterResponder<BasicRequestContext>>

    private let port: ListeningPort

    /// Checks the configuration and builds the routes; nothing listens until ``run()``.
    /// - Parameters:
    ///   - metrics: what `GET /metrics` renders; nil, or `configuration.metrics` false, leaves
    ///     the route out.
    /// - Throws: ``ControlServerError`` naming the key: a non-loopback address without
    ///   `control.token`, an empty token, an empty address or a port outside 0...65535.
    public init(
        configuration: ControlConfiguration,
        agent: any IntercomControlling,
        metrics: IntercomMetrics? = nil,
        logger: Logger,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) throws(ControlServerError) {
        try Self.validate(configuration)
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: ControlErrorMiddleware(maximumBodySize: Self.maximumBodySize))
        if let token = configuration.token {
            router.add(middleware: BearerTokenMiddleware(token: token, exemptPaths: ["/health"]))
        }
        ControlRoutes(
            agent: agent, metrics: configuration.metrics ? metrics : nil, maximumBodySize: Self.maximumBodySize
        ).add(to: router)

        let port = ListeningPort()
        self.port = port
        self.application = Application(
            router: router,
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.address, port: configuration.port),
                serverName: nil
            ),
            onServerRunning: { channel in
                let bound = channel.localAddress?.port
                logger.info(
                    "control interface listening",
                    metadata: ["address": "\(configuration.address)", "port": "\(bound.map { String($0) } ?? "?")"])
                port.resolve(bound)
            },
            eventLoopGroupProvider: .shared(eventLoopGroup),
            logger: logger
        )
    }

    /// Serves until cancelled or, inside a `ServiceGroup`, until graceful shutdown.
    public func run() async throws {
        defer { port.resolve(nil) }
        try await application.run()
    }

    /// The port the server listens on, once it does; nil if it stopped (or failed to bind)
    /// first. Returns at once after that.
    public func listeningPort() async -> Int? {
        await port.wait()
    }

    /// Whether `address` is a loopback address: `localhost`, 127.0.0.0/8, `::1` or an
    /// IPv4-mapped 127.x address.
    public static func isLoopback(_ address: String) -> Bool {
        if address.lowercased() == "localhost" {
            return true
        }
        guard let parsed = try? SocketAddress(ipAddress: address, port: 0), let text = parsed.ipAddress else {
            return false
        }
        switch parsed.protocol {
        case .inet:
            return text.hasPrefix("127.")
        case .inet6:
            return text == "::1" || text.lowercased().hasPrefix("::ffff:127.")
        default:
            return false
        }
    }

    private static func validate(_ configuration: ControlConfiguration) throws(ControlServerError) {
        guard !configuration.address.isEmpty else {
            throw ControlServerError(code: .invalidAddress, message: "control.address is empty")
        }
        guard (0...65535).contains(configuration.port) else {
            throw ControlServerError(
                code: .invalidPort, message: "control.port \(configuration.port) is outside 0...65535")
        }
        if let token = configuration.token, token.allSatisfy(\.isWhitespace) {
            throw ControlServerError(
                code: .emptyToken, message: "control.token is empty; set a secret or remove the key")
        }
        if configuration.token == nil, !isLoopback(configuration.address) {
            throw ControlServerError(
                code: .tokenRequired,
                message: "control.address \(configuration.address) is not a loopback address: "
                    + "set control.token, or listen on 127.0.0.1")
        }
    }
}
