import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import Intercom
import Logging
import Prometheus
import ServiceLifecycle
import UnixSignals

/// `intercom run`: starts the agent (the default subcommand).
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the agent (the default when no subcommand is given).",
        discussion: """
            Without a configuration file the agent runs on built-in defaults: SIP on UDP and TCP \
            port 5060 on all interfaces, every caller answered after half a second, audio from \
            the ALSA default device (the null devices, with a warning, when there is no sound \
            card), no account and no door. SIGHUP reloads the configuration; SIGTERM or SIGINT \
            hangs up, unregisters and exits.
            """
    )

    @Option(help: "YAML configuration file (see docs/configuration.md); the options below override it.")
    var config: String?

    @Option(help: "Address to listen on (0.0.0.0 for every IPv4 interface, :: for IPv6).")
    var listen: String?

    @Option(help: "SIP port for UDP and TCP (0 picks a free one).")
    var port: Int?

    @Option(help: "Host or address to put in Via, Contact and SDP (default: the listening address, or for a wildcard the first non-loopback address).")
    var advertise: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level?

    func validate() throws {
        if let port, !(0...65535).contains(port) { throw ValidationError("--port must be from 0 to 65535, not \(port)") }
    }

    func run() async throws {
        // A write to a pipe whose reader is gone (an ALSA `file` plugin writing to a pipe, a
        // door command that exited early) must fail with EPIPE, not kill the door phone.
        _ = signal(SIGPIPE, SIG_IGN)
        let configuration = try loadConfiguration()
        try await Self.runAgent(configuration: configuration) { try reloadConfiguration() }
    }

    /// Runs the agent and, when enabled, its control interface in one `ServiceGroup` until
    /// SIGTERM or SIGINT.
    static func runAgent(
        configuration: IntercomConfiguration, reload: @escaping @Sendable () throws -> IntercomConfiguration
    ) async throws {
        var logger = Logger(label: "intercom")
        logger.logLevel = Logger.Level(rawValue: configuration.log.level) ?? .info
        let registry = PrometheusCollectorRegistry()
        let metrics = IntercomMetrics(
            registry: registry, accounts: configuration.accounts.map(\.name), doors: configuration.doors.map(\.name))
        let controller = AgentController(metrics: metrics)
        let agentLogger = logger
        let service = IntercomService(
            configuration: configuration, logger: logger, reloadConfiguration: reload,
            onEvent: { event in controller.record(event) },
            onStart: { agent in
                controller.attach(agent)
                agentLogger.debug("control: agent attached")
            })
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: service)]
        if configuration.control.enabled {
            do {
                let server = try ControlServer(
                    configuration: configuration.control, agent: controller, metrics: metrics, logger: logger)
                // A control port already in use must not keep the door phone down: the agent
                // runs on without the interface, and the log says why.
                services.append(
                    .init(
                        service: OptionalService(name: "control interface", service: server, logger: logger),
                        successTerminationBehavior: .ignore))
            } catch {
                throw ValidationError("\(error)")
            }
        }
        let group = ServiceGroup(
            configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch let error as AgentError {
            throw ValidationError("\(error)")
        }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

/// A service whose failure is logged instead of ending the group (the control interface: the
/// agent keeps answering the door without it).
struct OptionalService<Wrapped: Service>: Service {
    let name: String
    let service: Wrapped
    let logger: Logger

    func run() async throws {
        do {
            try await service.run()
        } catch {
            logger.error("\(name) stopped: \(error); the agent runs on without it")
        }
    }
}
