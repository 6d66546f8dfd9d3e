import Logging
import NIOCore
import SIPMessage

/// The user agent core of RFC 3261 §8 and §12-15 on top of a ``TransactionLayer``: it places
/// and receives calls (INVITE, ACK, CANCEL, BYE, re-INVITE), keeps their dialogs (early and
/// confirmed, forks, route sets, remote target refresh, CSeq rules), answers OPTIONS, sends
/// and receives MESSAGE (RFC 3428), receives INFO, refuses what it does not support with the
/// RFC's status, answers challenges with its credentials and can challenge callers.
///
/// ```
///  app ──call/answer/ring/reject/hangUp/reinvite/sendMessage──> SIPUserAgent ──sendRequest/sendResponse──> TransactionLayer
///  app <──SIPUserAgentEvent (events, onEvent)────────────────── SIPUserAgent <──TransactionUserEvent────── TransactionLayer
///                                         RegistrationClient <──every event first──┘
/// ```
///
/// The agent is the layer's ``TransactionUser``; registration clients added with
/// ``addRegistration(_:)`` see every event first. Requests outside a dialog go to their URI's
/// address (IP literals) or to the outbound proxy; requests inside a dialog follow its route
/// set.
///
/// The application drives it either on the event loop (the methods without `async`, which
/// check with `preconditionInEventLoop`) or from any task with the `async` methods, which hop
/// to the loop. It sees events through ``events`` (an `AsyncStream`, fed from its first read
/// on) and ``onEvent`` (called on the loop); none is delivered on another thread.
public final class SIPUserAgent: TransactionUser, @unchecked Sendable {
    /// The event loop of the agent, its layer and its timers.
    public let eventLoop: any EventLoop
    /// Every event from the first read of this property on, in order; finished by
    /// ``shutdown()``. Read it before starting what it should report (an agent followed only
    /// through ``onEvent`` keeps no events for a stream nobody reads).
    public var events: AsyncStream<SIPUserAgentEvent> { eventStream.stream }

    let layer: TransactionLayer
    let transport: any TransactionTransport
    let logger: Logger
    var configuration: Configuration
    let eventStream = OnDemandEventStream<SIPUserAgentEvent>()
    var _onEvent: ((SIPUserAgentEvent) -> Void)?
    var registrations: [RegistrationClient] = []
    var calls: [SIPCallHandle: Call] = [:]
    var callsByDialog: [LocalDialogID: SIPCallHandle] = [:]
    /// Initial server INVITE transactions, for CANCEL (§9.2).
    var callsByServerInvite: [TransactionKey: SIPCallHandle] = [:]
    var clientRequests: [TransactionKey: ClientRequest] = [:]
    var nextHandle: UInt64 = 0
    var timerGeneration: UInt64 = 0
    var isShutDown = false
    /// The user a request being processed authenticated as (set by the challenge check).
    var pendingAuthenticatedUser: String?

    /// An agent using `layer` (and sending ACKs for 2xx, which have no transaction, through
    /// `transport`, the layer's own transport). It makes itself the layer's user.
    ///
    /// - warning: Create it on `layer.eventLoop`.
    public init(
        configuration: Configuration, layer: TransactionLayer, transport: any TransactionTransport,
        logger: Logger = Logger(label: "SwiftSIP.ua")
    ) {
        self.configuration = configuration
        self.layer = layer
        self.transport = transport
        self.eventLoop = layer.eventLoop
        self.logger = logger
        layer.user = self
    }

    /// Called on the event loop with every event, after ``events`` got it.
    public var onEvent: ((SIPUserAgentEvent) -> Void)? {
        get {
            eventLoop.preconditionInEventLoop()
            return _onEvent
        }
        set {
            eventLoop.preconditionInEventLoop()
            _onEvent = newValue
        }
    }

    /// Adds a registration client sharing the layer: it sees every transaction event before
    /// the agent does.
    public func addRegistration(_ client: RegistrationClient) {
        eventLoop.preconditionInEventLoop()
        registrations.append(client)
    }

    /// The state of a call, or nil for a handle the agent does not know (or forgot).
    public func state(of call: SIPCallHandle) -> SIPCallState? {
        eventLoop.preconditionInEventLoop()
        return calls[call]?.state
    }

    /// The calls not yet terminated.
    public var activeCalls: [SIPCallHandle] {
        eventLoop.preconditionInEventLoop()
        return calls.values.filter { !$0.state.isTerminated }.map(\.handle).sorted()
    }

    /// Ends every call (BYE, CANCEL or 480), unregisters every added registration (REGISTER
    /// with Expires: 0, RFC 3261 §10.2.2), stops the timers and finishes ``events``. The
    /// requests are sent; keep the loop and transport running until they complete (each
    /// registration's `states` reports `unregistered`).
    public func shutdown() {
        eventLoop.preconditionInEventLoop()
        guard !isShutDown else { return }
        for handle in activeCalls { end(handle, because: .shutdown) }
        for registration in registrations { registration.stop() }
        for call in calls.values {
            for timer in call.timers.values { timer.task.cancel() }
            call.timers.removeAll()
        }
        isShutDown = true
        eventStream.finish()
    }

    // MARK: - From the transaction layer

    public func transactionLayer(_ layer: TransactionLayer, didDeliver event: TransactionUserEvent) {
        for registration in registrations where registration.handle(event) { return }
        switch event {
        case .request(let request, let key, let source):
            handleRequest(request, key: key, source: source)
        case .ack(let ack, let source):
            handleACK(ack, source: source)
        case .response(let response, let key):
            handleResponse(response, key: key)
        case .strayResponse(let response, _):
            handleStrayResponse(response)
        case .timeout(let key, _):
            clientFailed(key, status: 408)
        case .transportError(let key):
            if clientRequests[key] != nil {
                clientFailed(key, status: 503)
            } else if let handle = callsByServerInvite[key] ?? calls.values.first(where: { $0.serverKey == key })?.handle {
                end(handle, because: .transportFailed)
            }
        case .terminated(let key):
            let pending = clientRequests.removeValue(forKey: key)
            callsByServerInvite.removeValue(forKey: key)
            // Only an INVITE whose transaction accepted 2xx responses is still here (other
            // outcomes were handled as they came); if none of them made a dialog (no To tag),
            // nothing else will end the call.
            if case .invite(let handle)? = pending?.purpose, let call = calls[handle], call.dialog == nil,
               !call.state.isTerminated, call.invite.flatMap(TransactionKey.client(for:)) == key {
                setState(call, .terminated(.unusableAnswer(reason: "no 2xx to the INVITE made a dialog")))
            }
        }
    }

    // MARK: - Shared machinery

    func emit(_ event: SIPUserAgentEvent) {
        eventStream.yield(event)
        _onEvent?(event)
    }

    /// Moves `call` to `state` and tells the application; a terminated call stops its timers
    /// and is forgotten after 64*T1.
    func setState(_ call: Call, _ state: SIPCallState) {
        guard !call.state.isTerminated else { return }
        call.state = state
        logger.debug("call state", metadata: ["call": "\(call.handle)", "state": "\(state)"])
        if state.isTerminated {
            // A BYE that waits for the ACK keeps the 2xx retransmissions and the ACK deadline.
            let kept: Set<CallTimer> = call.byeWhenACKed ? [.retransmit2xx, .ackDeadline] : []
            for (timer, running) in call.timers where !kept.contains(timer) {
                running.task.cancel()
                call.timers.removeValue(forKey: timer)
            }
            // A re-INVITE still waiting for its final response (after a provisional one no
            // timer ends its transaction) is of no use to an ended call.
            if let key = call.clientReinvite {
                call.clientReinvite = nil
                abandonClientRequest(key)
            }
            if !isShutDown {
                schedule(.forget, for: call, after: configuration.timers.t1 * 64) { [weak self] call in
                    self?.forget(call)
                }
            }
        }
        emit(.callStateChanged(call.handle, state))
    }

    /// Gives up client transaction `key` still waiting for its final response. Its request is
    /// forgotten first, so that the transaction's end, reported at once, is not taken for a
    /// call whose INVITE ended without a dialog.
    func abandonClientRequest(_ key: TransactionKey) {
        clientRequests.removeValue(forKey: key)
        layer.abandonClientTransaction(key)
    }

    func forget(_ call: Call) {
        calls.removeValue(forKey: call.handle)
        callsByDialog.removeValue(forKey: LocalDialogID(callID: call.callID, localTag: call.localTag))
    }

    func makeHandle() -> SIPCallHandle {
        nextHandle &+= 1
        return SIPCallHandle(rawValue: nextHandle)
    }

    /// A random token for tags and Call-IDs (RFC 3261 §19.3: at least 32 random bits).
    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return String(generator.next() as UInt64, radix: 36) + String(generator.next() as UInt32, radix: 36)
    }

    /// Runs `body` after `delay` unless the timer is cancelled or replaced first.
    func schedule(_ timer: CallTimer, for call: Call, after delay: TimeAmount, _ body: @escaping @Sendable (Call) -> Void) {
        timerGeneration &+= 1
        let generation = timerGeneration
        let task = eventLoop.scheduleTask(in: delay) { [weak call] () -> Void in
            guard let call, call.timers[timer]?.generation == generation else { return }
            call.timers.removeValue(forKey: timer)
            body(call)
        }
        call.timers.updateValue((generation, task), forKey: timer)?.task.cancel()
    }

    func cancelTimer(_ timer: CallTimer, for call: Call) {
        call.timers.removeValue(forKey: timer)?.task.cancel()
    }

    /// Starts a client transaction for `request` and remembers what it is for.
    @discardableResult
    func send(
        _ request: SIPMessage, to destination: TransactionDestination, purpose: ClientPurpose,
        promise: EventLoopPromise<Int>? = nil
    ) -> TransactionKey? {
        guard let key = TransactionKey.client(for: request) else { return nil }
        clientRequests[key] = ClientRequest(purpose: purpose, request: request, destination: destination, promise: promise)
        do {
            try layer.sendRequest(request, to: destination)
        } catch {
            logger.notice("the transaction layer refused a request: \(error)")
            if clientRequests[key] != nil { clientFailed(key, status: 503) }
            return nil
        }
        return clientRequests[key] != nil || layer.contains(key) ? key : nil
    }

    /// Answers `request` (server transaction `key`) with `status`. `toTag` is added when the
    /// request's To has none; `contact` adds a Contact for that transport; for a 2xx to a
    /// dialog-creating request, the Record-Route headers are copied (§12.1.1).
    @discardableResult
    func respond(
        to request: SIPMessage, key: TransactionKey, source: TransactionDestination, status: Int, reason: String,
        toTag: String? = nil, contact: SIPTransportKind? = nil, headers: [(SIPHeaderName, String)] = [],
        body: SIPBody? = nil
    ) -> SIPMessage? {
        var buffer = ByteBufferAllocator().buffer(capacity: 512 + (body?.bytes.readableBytes ?? 0))
        let tag = status == 100 ? nil : (toTag ?? SIPUserAgent.randomToken())
        request.writeResponseHead(status: status, reason: reason, toTag: tag, source: source.address.hostAndPort, into: &buffer)
        if status >= 200, status < 300, request.method == .invite {
            for value in request.values(.recordRoute) { buffer.writeSIPHeader(.recordRoute, value) }
        }
        if let contact { buffer.writeSIPHeader(.contact, "<\(configuration.contactURI(for: contact))>") }
        for (name, value) in headers { buffer.writeSIPHeader(name, value) }
        buffer.writeSIPHeader(.server, configuration.product)
        if let body {
            buffer.writeSIPBody(body.bytes, contentType: body.contentType)
        } else {
            buffer.writeSIPEndOfHeaders()
        }
        let response: SIPMessage
        do {
            response = try SIPMessage(parsing: buffer)
        } catch {
            logger.error("could not build a \(status) response: \(error)")
            return nil
        }
        do {
            try layer.sendResponse(response, for: key)
        } catch {
            logger.debug("could not send a \(status) response: \(error)")
            return nil
        }
        return response
    }

    /// Allow, Accept and Supported, as OPTIONS and 405 answers carry them (RFC 3261 §11.2).
    var capabilityHeaders: [(SIPHeaderName, String)] {
        let profile = requestProfile
        var headers: [(SIPHeaderName, String)] = [(.allow, allowValue)]
        headers.append((.accept, profile.producedBodyTypes.sorted().joined(separator: ", ")))
        // Present even when empty (§11.2): "no extensions" is an answer too.
        headers.append((.supported, profile.supportedExtensions.sorted().joined(separator: ", ")))
        return headers
    }

    var allowValue: String { configuration.profile.allowedMethods.map(\.name).sorted().joined(separator: ", ") }
}
