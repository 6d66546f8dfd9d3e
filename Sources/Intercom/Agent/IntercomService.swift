import Logging
import NIOCore
import ServiceLifecycle
import SIPStack
import Synchronization
import UnixSignals

/// The agent as a swift-service-lifecycle `Service`: starts it, reloads the configuration on
/// SIGHUP (a configuration that does not load is refused and the old one kept; calls go on),
/// and on graceful shutdown (SIGTERM, SIGINT through the `ServiceGroup`) unregisters, hangs up
/// with BYE and returns.
///
/// Its description is its name only: the service group logs each service it starts (at debug),
/// and the configuration in it holds passwords.
public struct IntercomService: Service, CustomStringConvertible {
    public var description: String { "IntercomService" }

    /// The configuration to start with.
    public let configuration: IntercomConfiguration
    /// Loads the configuration again (on SIGHUP): the file and the environment; throws with
    /// every error when it does not load.
    public let reloadConfiguration: @Sendable () throws -> IntercomConfiguration
    public let logger: Logger
    /// Every event of the agent (for the control interface and the metrics).
    public let onEvent: @Sendable (AgentEvent) -> Void
    /// Called once the agent has started (the control interface attaches there).
    public let onStart: @Sendable (IntercomAgent) async -> Void

    public init(
        configuration: IntercomConfiguration, logger: Logger,
        reloadConfiguration: @escaping @Sendable () throws -> IntercomConfiguration,
        onEvent: @escaping @Sendable (AgentEvent) -> Void = { _ in },
        onStart: @escaping @Sendable (IntercomAgent) async -> Void = { _ in }
    ) {
        self.configuration = configuration
        self.logger = logger
        self.reloadConfiguration = reloadConfiguration
        self.onEvent = onEvent
        self.onStart = onStart
    }

    public func run() async throws {
        let pageRelease = Mutex<SettledPageRelease?>(nil)
        let onEvent = self.onEvent
        let agent = try await IntercomAgent.start(configuration: configuration, logger: logger) { event in
            onEvent(event)
            if Self.settlesPages(event) { pageRelease.withLock { $0 }?.arm() }
        }
        for (kind, address) in agent.localAddresses.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            logger.notice("listening for SIP over \(kind) on \(address)")
        }
        await onStart(agent)
        let logger = self.logger
        let singlePage: SinglePageFaults?
        do {
            singlePage = try SinglePageFaults()
        } catch {
            singlePage = nil
            logger.info("code given back faults in again in 64 KB windows: \(error)")
        }
        let release = SettledPageRelease(
            eventLoop: agent.eventLoop, settle: Self.settleBeforePageRelease,
            release: {
                // Not inside the log call: its message is not evaluated below debug level.
                let released = ReadOnlyPages.release(singlePage: singlePage)
                let trimmed = FreeHeapPages.release()
                logger.debug("settled: released \(released)\(trimmed ? ", and free heap pages" : "")")
            })
        pageRelease.withLock { $0 = release }
        release.arm()
        defer { release.cancel() }
        let hangUps = await UnixSignalsSequence(trapping: .sighup)
        for await _ in hangUps.cancelOnGracefulShutdown() {
            await reload(agent)
        }
        logger.notice("shutting down: hanging up calls and unregistering")
        await agent.shutdown()
    }

    /// How long the agent must have been without events (start, a call's set-up, answer or end,
    /// a reload) before the pages start-up and calls faulted in are given back
    /// (``ReadOnlyPages``, ``SettledPageRelease``): long enough for the registrations' first
    /// answers and for a call's media to be running.
    static let settleBeforePageRelease = TimeAmount.seconds(2)

    /// The events after which the agent runs code it will not run again soon.
    static func settlesPages(_ event: AgentEvent) -> Bool {
        switch event {
        case .incomingCall, .outgoingCall, .callAnswered, .callEnded, .configurationReloaded: true
        default: false
        }
    }

    /// SIGHUP: the new configuration, or the old one kept with the reasons.
    func reload(_ agent: IntercomAgent) async {
        logger.notice("SIGHUP: reloading the configuration")
        let new: IntercomConfiguration
        do {
            new = try reloadConfiguration()
        } catch {
            let event = AgentEvent.configurationRefused(errors: ["\(error)"])
            logger.error("\(event.kind): \(event.detail)")
            onEvent(event)
            return
        }
        do {
            _ = try await agent.reload(new)
        } catch {
            let event = AgentEvent.configurationRefused(errors: ["\(error)"])
            logger.error("\(event.kind): \(event.detail)")
            onEvent(event)
        }
    }
}
