import ArgumentParser
import Intercom
import Logging

/// `intercom run`: starts the agent (the default subcommand).
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the agent (the default when no subcommand is given).",
        discussion: """
            On built-in defaults the agent listens for SIP on UDP and TCP port 5060 on all \
            interfaces with the SwiftSIP stack, answers OPTIONS with its capabilities and \
            refuses malformed or unsupported requests with the RFC 3261 status. Incoming calls \
            are refused with 480 until the media and agent layers handle them.
            """
    )

    @Option(help: "YAML configuration file (see docs/configuration.md); the options below override it.")
    var config: String?

    @Option(help: "Address to listen on (0.0.0.0 for every IPv4 interface, :: for IPv6; default 0.0.0.0).")
    var listen: String?

    @Option(help: "SIP port for UDP and TCP (0 picks a free one; default 5060).")
    var port: Int?

    @Option(help: "Host or address to put in Via and Contact (default: the listening address, or for a wildcard the first non-loopback address).")
    var advertise: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical (default info).")
    var logLevel: Logger.Level?

    func validate() throws {
        if let port, !(0...65535).contains(port) { throw ValidationError("--port must be from 0 to 65535, not \(port)") }
    }

    func run() async throws {
        // The file (or the defaults), then the options: see RunCommand+Configuration.swift.
        let configuration = try loadConfiguration()
        let (listen, port) = signalingAddress(of: configuration)
        let advertise = configuration.sip.advertise
        var logger = Logger(label: "intercom")
        logger.logLevel = Logger.Level(rawValue: configuration.log.level) ?? .info
        if config == nil {
            logger.warning("running on built-in defaults: no accounts, no allow list and no door action are configured")
        }
        logger.warning("calls are not handled yet: INVITE is answered 480 Temporarily Unavailable")
        let listener: SignalingListener
        do {
            listener = try await SignalingListener.start(
                configuration: .init(host: listen, port: port, advertisedHost: advertise), logger: logger)
        } catch {
            throw ValidationError("cannot listen on \(listen):\(port) (UDP and TCP): \(error)")
        }
        for address in listener.localAddresses { logger.notice("listening for SIP on \(address)") }
        try await listener.waitUntilClosed()
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
