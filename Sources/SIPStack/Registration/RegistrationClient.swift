import Logging
import NIOCore
import SIPMessage

/// Registers one account (RFC 3261 §10.2): runs a ``RegistrationStateMachine`` on an event
/// loop, sends its REGISTERs through a ``TransactionLayer``, runs its refresh and retry timers
/// with `scheduleTask`, and tells the application each ``RegistrationState``.
///
/// ```
///  app ──start()/stop()──> RegistrationClient ──sendRequest──> TransactionLayer ──> registrar
///  app <──states / onStateChange── │   ▲ handle(_:) (TransactionUserEvent)  │
///                                  └───┴──── scheduleTask: refresh, retry ◀──┘
/// ```
///
/// Several accounts are several clients, each with its own configuration, Call-ID and timers,
/// sharing one layer. The layer has one ``TransactionUser``: make a client that user when it is
/// the only one, or let the UA core be the user and pass each event to
/// ``handle(_:)`` of every client (it returns whether the event was the client's).
///
/// The application sees states through ``states`` (an `AsyncStream`, fed from its first read
/// on and finished by ``shutdown()``) and through ``onStateChange``, called on the event loop.
///
/// - warning: Confined to ``eventLoop``: call every method there (each checks with
///   `preconditionInEventLoop`), as for ``TransactionLayer``.
public final class RegistrationClient: TransactionUser, @unchecked Sendable {
    /// The event loop the client, its layer and its timers run on.
    public let eventLoop: any EventLoop
    /// Where REGISTERs go now: the registrar, or the outbound proxy (RFC 3261 §8.1.2); one of
    /// ``destinations``.
    public private(set) var destination: TransactionDestination
    /// Every destination to try, in order (RFC 3263 §4.3: the servers DNS gave for the
    /// registrar). After a REGISTER that timed out, could not be sent, or got a 503, the retry
    /// goes to the next one, wrapping around; any other outcome keeps the current one.
    public let destinations: [TransactionDestination]
    private var destinationIndex = 0
    /// Every state change from the first read of this property on, in order; finished by
    /// ``shutdown()``. Read it before ``start()`` to see them all.
    public var states: AsyncStream<RegistrationState> { stateStream.stream }
    /// Called on the event loop with each new state, after ``states`` got it.
    public var onStateChange: ((RegistrationState) -> Void)? {
        get {
            eventLoop.preconditionInEventLoop()
            return _onStateChange
        }
        set {
            eventLoop.preconditionInEventLoop()
            _onStateChange = newValue
        }
    }

    private let layer: TransactionLayer
    private let logger: Logger
    private let stateStream = OnDemandEventStream<RegistrationState>()
    private var machine: RegistrationStateMachine
    private var _onStateChange: ((RegistrationState) -> Void)?
    private var currentKey: TransactionKey?
    private var timers: [RegistrationTimer: (generation: UInt64, task: Scheduled<Void>)] = [:]
    private var timerGeneration: UInt64 = 0
    private var pending: [RegistrationStateMachine.Event] = []
    private var isRunning = false

    /// A client for `machine` sending through `layer` to `destination`. It does not make
    /// itself the layer's user; set `layer.user = client` when it is the only one.
    /// `alternatives` are tried after `destination`, in order, when it fails (see
    /// ``destinations``).
    public init(
        machine: RegistrationStateMachine, layer: TransactionLayer, destination: TransactionDestination,
        alternatives: [TransactionDestination] = [], logger: Logger = Logger(label: "SwiftSIP.registration")
    ) {
        self.machine = machine
        self.layer = layer
        self.eventLoop = layer.eventLoop
        self.destination = destination
        self.destinations = [destination] + alternatives.filter { $0 != destination }
        self.logger = logger
    }

    /// A client for `configuration` with a new Call-ID and From tag.
    public convenience init(
        configuration: RegistrationConfiguration, layer: TransactionLayer, destination: TransactionDestination,
        alternatives: [TransactionDestination] = [], logger: Logger = Logger(label: "SwiftSIP.registration")
    ) {
        self.init(
            machine: RegistrationStateMachine(configuration: configuration), layer: layer, destination: destination,
            alternatives: alternatives, logger: logger)
    }

    /// The current state.
    public var state: RegistrationState {
        eventLoop.preconditionInEventLoop()
        return machine.state
    }

    /// The machine, to inspect (CSeq, Call-ID, expiry asked for).
    public var stateMachine: RegistrationStateMachine {
        eventLoop.preconditionInEventLoop()
        return machine
    }

    /// Registers (RFC 3261 §10.2.1) and keeps the binding refreshed.
    public func start() {
        eventLoop.preconditionInEventLoop()
        feed(.start)
    }

    /// Unregisters (REGISTER with Expires: 0, RFC 3261 §10.2.2).
    public func stop() {
        eventLoop.preconditionInEventLoop()
        feed(.stop)
    }

    /// Cancels the timers and finishes ``states``, sending nothing (use ``stop()`` first to
    /// unregister).
    public func shutdown() {
        eventLoop.preconditionInEventLoop()
        for timer in timers.values { timer.task.cancel() }
        timers.removeAll()
        currentKey = nil
        stateStream.finish()
    }

    // MARK: - From the transaction layer

    public func transactionLayer(_ layer: TransactionLayer, didDeliver event: TransactionUserEvent) {
        _ = handle(event)
    }

    /// Takes `event` if it concerns this client's REGISTER transaction and returns whether it
    /// did.
    @discardableResult
    public func handle(_ event: TransactionUserEvent) -> Bool {
        eventLoop.preconditionInEventLoop()
        guard let key = currentKey else { return false }
        switch event {
        case .response(let response, let responseKey) where responseKey == key:
            if let status = response.statusCode, status >= 200 { currentKey = nil }
            feed(.responseReceived(response))
        case .timeout(let timeoutKey, _) where timeoutKey == key:
            currentKey = nil
            feed(.transactionTimedOut)
        case .transportError(let errorKey) where errorKey == key:
            currentKey = nil
            feed(.transportError)
        case .terminated(let terminatedKey) where terminatedKey == key:
            currentKey = nil
        default:
            return false
        }
        return true
    }

    // MARK: - Driving the machine

    /// Feeds `event`, or queues it when an action of an earlier event called back (a failed
    /// send reports the transport error before `sendRequest` returns), so actions run in order.
    private func feed(_ event: RegistrationStateMachine.Event) {
        pending.append(event)
        guard !isRunning else { return }
        isRunning = true
        defer { isRunning = false }
        while !pending.isEmpty {
            let next = pending.removeFirst()
            let actions = machine.handle(next)
            for action in actions { apply(action) }
        }
    }

    private func apply(_ action: RegistrationAction) {
        switch action {
        case .sendRegister(let request):
            send(request)
        case .startTimer(let timer, let delay):
            startTimer(timer, after: delay)
        case .cancelTimer(let timer):
            timers.removeValue(forKey: timer)?.task.cancel()
        case .stateChanged(let state):
            logger.debug("registration state", metadata: ["state": "\(state)"])
            stateStream.yield(state)
            _onStateChange?(state)
            // After the observers, which see ``destination`` as the server that failed.
            if case .retrying(_, _, let reason) = state, destinations.count > 1, Self.triesAnotherServer(after: reason) {
                destinationIndex = (destinationIndex + 1) % destinations.count
                destination = destinations[destinationIndex]
                logger.notice("registration: \(reason); the retry goes to \(destination)")
            }
        }
    }

    private func send(_ request: RegisterRequest) {
        let message: SIPMessage
        do {
            message = try request.message(for: machine.configuration)
        } catch {
            // The machine built the same bytes before asking; this cannot fail.
            logger.error("could not build REGISTER: \(error)")
            pending.append(.transportError)
            return
        }
        currentKey = TransactionKey.client(for: message)
        do {
            try layer.sendRequest(message, to: destination)
        } catch {
            logger.notice("the transaction layer refused the REGISTER: \(error)")
            if currentKey != nil {
                currentKey = nil
                pending.append(.transportError)
            }
        }
    }

    /// A server that did not answer, could not be reached, or is overloaded (503): RFC 3263
    /// §4.3 moves on to the next one. Other answers came from a working registrar.
    static func triesAnotherServer(after failure: RegistrationFailure) -> Bool {
        failure.code == .timeout || failure.code == .transportError || (failure.code == .rejected && failure.status == 503)
    }

    private func startTimer(_ timer: RegistrationTimer, after delay: TimeAmount) {
        timerGeneration &+= 1
        let generation = timerGeneration
        let task = eventLoop.scheduleTask(in: delay) { [weak self] () -> Void in
            guard let self, self.timers[timer]?.generation == generation else { return }
            self.timers.removeValue(forKey: timer)
            self.feed(.timerFired(timer))
        }
        timers.updateValue((generation, task), forKey: timer)?.task.cancel()
    }
}
