import Logging
import NIOCore
import SIPMessage

/// The transaction layer of RFC 3261 §17: it owns the live client and server transactions,
/// matches every received message to one (§17.1.3, §17.2.3), feeds the state machines their
/// events, runs their timers on an event loop, sends through a ``TransactionTransport`` and
/// tells the ``TransactionUser`` what happened.
///
/// ```
///   TU ──sendRequest / sendResponse──> TransactionLayer ──send(bytes, to:)──> TransactionTransport
///   TU <──TransactionUserEvent──────── TransactionLayer <──receive(message, from:)── transport
///                                          │  ▲ scheduleTask(in:) / timerFired
///                                          ▼  │
///                            [TransactionKey: ClientInvite | ClientNonInvite |
///                                             ServerInvite | ServerNonInvite]
/// ```
///
/// The layer absorbs retransmissions: a retransmitted request gets the transaction's last
/// response again, and a retransmitted final response to a completed client INVITE
/// transaction gets its ACK again, without the TU hearing of either. Terminated transactions
/// are removed. At most ``Configuration/maximumTransactions`` live at once: a request that
/// would create one more server transaction gets 503 (Service Unavailable) with Retry-After
/// and is not stored. With a ``rateLimit``, new requests of its methods from a source over its
/// rate are dropped before that (see ``SIPRequestRateLimit``).
///
/// - warning: The layer is confined to ``eventLoop``: call every method there (each checks
///   with `preconditionInEventLoop`). The TU and the transport are called on it too.
public final class TransactionLayer: @unchecked Sendable {
    /// The event loop the layer runs on and schedules its timers with.
    public let eventLoop: any EventLoop
    /// Timer values and bounds.
    public let configuration: Configuration

    private let transport: any TransactionTransport
    private let logger: Logger
    private weak var _user: (any TransactionUser)?
    private var transactions: [TransactionKey: Entry] = [:]
    /// RFC 2543 ACK keys (To tag of the response) to the INVITE transaction they belong to.
    private var aliases: [TransactionKey: TransactionKey] = [:]
    private var timerGeneration: UInt64 = 0
    private var limiter: SIPRequestRateLimiter?
    private var loadRejections = 0

    /// A layer on `eventLoop` sending through `transport`. Set ``user`` before feeding it.
    public init(
        eventLoop: any EventLoop, transport: any TransactionTransport, configuration: Configuration = Configuration(),
        logger: Logger = Logger(label: "SwiftSIP.transactions")
    ) {
        self.eventLoop = eventLoop
        self.transport = transport
        self.configuration = configuration
        self.logger = logger
    }

    /// The transaction user, held weakly.
    public var user: (any TransactionUser)? {
        get {
            eventLoop.preconditionInEventLoop()
            return _user
        }
        set {
            eventLoop.preconditionInEventLoop()
            _user = newValue
        }
    }

    /// The per-source limit on new requests, or nil for none. Setting it starts counting afresh.
    public var rateLimit: SIPRequestRateLimit? {
        get {
            eventLoop.preconditionInEventLoop()
            return limiter?.limit
        }
        set {
            eventLoop.preconditionInEventLoop()
            guard newValue != limiter?.limit else { return }
            rateLimitedBefore += limiter?.dropped ?? 0
            limiter = newValue.map(SIPRequestRateLimiter.init(limit:))
        }
    }
    private var rateLimitedBefore = 0

    /// Requests dropped by the ``rateLimit`` so far.
    public var rateLimitedRequests: Int {
        eventLoop.preconditionInEventLoop()
        return rateLimitedBefore + (limiter?.dropped ?? 0)
    }

    /// The number of live transactions, client and server.
    public var liveTransactionCount: Int {
        eventLoop.preconditionInEventLoop()
        return transactions.count
    }

    /// Whether a live transaction has `key`.
    public func contains(_ key: TransactionKey) -> Bool {
        eventLoop.preconditionInEventLoop()
        return transactions[key] != nil
    }

    // MARK: - From the transaction user

    /// Starts a client transaction for `request` (INVITE or any other method but ACK) and
    /// sends it to `destination`. Returns the transaction's key (also
    /// ``TransactionKey/client(for:)`` of the request); its responses arrive as
    /// ``TransactionUserEvent/response(_:_:)``.
    ///
    /// If the first send fails, the TU hears of the transport error and the termination
    /// before this returns.
    ///
    /// - Throws: ``TransactionError``: the request lacks a branch, CSeq, Call-ID, From or To;
    ///   it is an ACK; a transaction with its key is alive; the bound is reached.
    @discardableResult
    public func sendRequest(_ request: SIPMessage, to destination: TransactionDestination) throws(TransactionError) -> TransactionKey {
        eventLoop.preconditionInEventLoop()
        try TransactionKey.checkClientRequest(request)
        guard let key = TransactionKey.client(for: request) else {
            throw TransactionError(.missingHeader, "the request lacks a Via branch or CSeq")
        }
        guard transactions[key] == nil else {
            throw TransactionError(.duplicateTransaction, "a live client transaction has this branch and method")
        }
        guard transactions.count < configuration.maximumTransactions else {
            throw TransactionError(.tooManyTransactions, "the number of live transactions is at its maximum")
        }
        let timers = configuration.timers
        let machine: Machine =
            if request.method == .invite {
                .clientInvite(try ClientInviteTransaction(request: request, reliable: destination.isReliable, timers: timers))
            } else {
                .clientNonInvite(try ClientNonInviteTransaction(request: request, reliable: destination.isReliable, timers: timers))
            }
        transactions[key] = Entry(machine: machine, destination: destination)
        feed(key, .requestSent)
        return key
    }

    /// Sends `response` through the server transaction `key` (RFC 3261 §17.2.1, §17.2.2).
    /// What the transaction does with it depends on its state: a response after the final
    /// one is dropped, except a 2xx retransmission in Accepted (RFC 6026).
    ///
    /// - Throws: ``TransactionError``: `response` is a request, or no live server transaction
    ///   has `key`.
    public func sendResponse(_ response: SIPMessage, for key: TransactionKey) throws(TransactionError) {
        eventLoop.preconditionInEventLoop()
        guard !response.isRequest else {
            throw TransactionError(.wrongKindOfMessage, "sendResponse needs a response")
        }
        guard var entry = transactions[key], entry.isServer else {
            throw TransactionError(.noSuchTransaction, "no live server transaction has this key")
        }
        if key.isRFC2543, entry.alias == nil, case .serverInvite(let invite) = entry.machine,
           let tag = response.toTag, tag != invite.request.toTag,
           let alias = TransactionKey.rfc2543ACK(forInvite: invite.request, responseToTag: tag) {
            // §17.2.3: an RFC 2543 ACK carries the To tag of this response.
            entry.alias = alias
            aliases[alias] = key
            transactions[key] = entry
        }
        feed(key, .tuSent(response))
    }

    /// Reports that the transport failed for transaction `key` after the fact (a connection
    /// closed, an ICMP error): the transaction informs the TU; a client transaction then ends
    /// (RFC 3261 §17.1.4), a server transaction stays (RFC 6026 §8.8).
    public func reportTransportError(for key: TransactionKey) {
        eventLoop.preconditionInEventLoop()
        feed(key, .transportError)
    }

    /// Reports that the connection to `destination` (a TCP, TLS or WebSocket flow) closed
    /// (RFC 5626 §4.4: the flow failed): every client transaction sent over it that still
    /// waits for its final response hears a transport error and ends (RFC 3261 §17.1.4), so
    /// the TU learns at once instead of at Timer B or F. Server transactions stay: their
    /// responses may take a new connection (§18.2.2). Returns how many were told.
    @discardableResult
    public func reportConnectionLost(to destination: TransactionDestination) -> Int {
        eventLoop.preconditionInEventLoop()
        guard destination.isReliable else { return 0 }
        let waiting = transactions.compactMap { key, entry -> TransactionKey? in
            guard entry.destination == destination else { return nil }
            switch entry.machine {
            case .clientInvite(let transaction) where transaction.state == .calling || transaction.state == .proceeding:
                return key
            case .clientNonInvite(let transaction) where transaction.state == .trying || transaction.state == .proceeding:
                return key
            default:
                return nil
            }
        }
        for key in waiting { feed(key, .transportError) }
        return waiting.count
    }

    /// Ends client transaction `key` that still waits for its final response, telling the TU
    /// it terminated: an INVITE whose CANCEL brought no final response within 64*T1 (RFC 3261
    /// §9.1: the client "SHOULD then consider the original transaction cancelled and SHOULD
    /// destroy the client transaction"), which no timer of the transaction itself ends once a
    /// provisional response came. Server transactions and unknown keys are left alone.
    public func abandonClientTransaction(_ key: TransactionKey) {
        eventLoop.preconditionInEventLoop()
        switch transactions[key]?.machine {
        case .clientInvite?, .clientNonInvite?: apply([.terminate], for: key)
        default: break
        }
    }

    /// Cancels every timer and forgets every transaction, telling the TU nothing.
    public func shutdown() {
        eventLoop.preconditionInEventLoop()
        for entry in transactions.values {
            for timer in entry.timers.values { timer.scheduled.cancel() }
        }
        transactions.removeAll()
        aliases.removeAll()
    }

    // MARK: - From the transport

    /// Matches a message received from `source` to its transaction and feeds it (§17.1.3,
    /// §17.2.3), or creates a server transaction for a new request. A request that matches
    /// no transaction and would exceed the bound gets 503 with Retry-After; an ACK that
    /// matches none goes to the TU as ``TransactionUserEvent/ack(_:source:)``, a response as
    /// ``TransactionUserEvent/strayResponse(_:source:)``. A request without the fields
    /// matching needs is dropped.
    public func receive(_ message: SIPMessage, from source: TransactionDestination) {
        eventLoop.preconditionInEventLoop()
        guard message.isRequest else {
            if let key = TransactionKey.client(for: message), transactions[key] != nil {
                feed(key, .responseReceived(message))
            } else {
                deliver(.strayResponse(message, source: source))
            }
            return
        }
        guard let key = TransactionKey.server(for: message) else {
            logger.debug("dropping a request that cannot be matched to a transaction", metadata: ["source": "\(source)"])
            return
        }
        let isACK = message.method == .ack
        if let live = transactions[key] != nil ? key : aliases[key] {
            feed(live, isACK ? .ackReceived(message) : .requestRetransmitted)
            return
        }
        if isACK {
            deliver(.ack(message, source: source))
            return
        }
        if case .drop(let first)? = limiter?.decide(message, from: source.address, now: eventLoop.now) {
            if first {
                logger.notice(
                    "rate limit: dropping new \(message.method.map(\.description) ?? "?") requests from this source",
                    metadata: ["source": "\(source)"])
            }
            return
        }
        guard transactions.count < configuration.maximumTransactions else {
            rejectForLoad(message, source: source)
            return
        }
        let timers = configuration.timers
        let machine: Machine
        do throws(TransactionError) {
            machine =
                if message.method == .invite {
                    .serverInvite(try ServerInviteTransaction(
                        request: message, reliable: source.isReliable, timers: timers, source: source.hostAndPort))
                } else {
                    .serverNonInvite(try ServerNonInviteTransaction(request: message, reliable: source.isReliable, timers: timers))
                }
        } catch {
            logger.debug("dropping a request: \(error)", metadata: ["source": "\(source)"])
            return
        }
        transactions[key] = Entry(machine: machine, destination: source)
        feed(key, .requestReceived)
    }

    // MARK: - Driving the machines

    /// Feeds `input` to transaction `key` (in place) and carries out the actions. The machine
    /// has its new state before any action runs, so a TU that calls back into the layer sees
    /// it current.
    private func feed(_ key: TransactionKey, _ input: Input) {
        guard let actions = transactions[key]?.handle(input) else { return }
        apply(actions, for: key)
    }

    private func apply(_ actions: [TransactionAction], for key: TransactionKey) {
        // Taken first: a request is still passed up if a failed send ended the transaction.
        let source = transactions[key]?.destination
        for action in actions {
            switch action {
            case .send(let bytes), .retransmit(let bytes):
                guard let destination = transactions[key]?.destination else { continue }
                do {
                    try transport.send(bytes, to: destination)
                } catch {
                    logger.debug("transport error: \(error)", metadata: ["transaction": "\(key)"])
                    feed(key, .transportError)
                }
            case .startTimer(let timer, let duration):
                startTimer(timer, duration, for: key)
            case .cancelTimer(let timer):
                transactions[key]?.timers.removeValue(forKey: timer)?.scheduled.cancel()
            case .passRequest(let request):
                if let source {
                    deliver(request.method == .ack ? .ack(request, source: source) : .request(request, key, source: source))
                }
            case .passResponse(let response):
                deliver(.response(response, key))
            case .timeout(let timer):
                deliver(.timeout(key, timer))
            case .transportError:
                deliver(.transportError(key))
            case .terminate:
                guard let entry = transactions.removeValue(forKey: key) else { continue }
                for timer in entry.timers.values { timer.scheduled.cancel() }
                if let alias = entry.alias { aliases.removeValue(forKey: alias) }
                deliver(.terminated(key))
            }
        }
    }

    private func startTimer(_ timer: TransactionTimer, _ duration: TimeAmount, for key: TransactionKey) {
        guard transactions[key] != nil else { return }
        timerGeneration &+= 1
        let generation = timerGeneration
        let scheduled = eventLoop.scheduleTask(in: duration) { [weak self] () -> Void in
            guard let self else { return }
            self.timerFired(timer, generation: generation, for: key)
        }
        let previous = transactions[key]?.timers.updateValue(RunningTimer(generation: generation, scheduled: scheduled), forKey: timer)
        previous?.scheduled.cancel()
    }

    private func timerFired(_ timer: TransactionTimer, generation: UInt64, for key: TransactionKey) {
        // A timer cancelled or replaced after it was queued must not fire.
        guard let running = transactions[key]?.timers[timer], running.generation == generation else { return }
        transactions[key]?.timers.removeValue(forKey: timer)
        feed(key, .timerFired(timer))
    }

    private func deliver(_ event: TransactionUserEvent) {
        guard let user = _user else {
            logger.trace("no transaction user for an event")
            return
        }
        user.transactionLayer(self, didDeliver: event)
    }

    /// Answers a request over the bound with 503 and Retry-After (RFC 3261 §21.5.4), keeping
    /// no state.
    private func rejectForLoad(_ request: SIPMessage, source: TransactionDestination) {
        loadRejections += 1
        if loadRejections % 1_000 == 1 {
            logger.notice("too many transactions: answering 503 (\(loadRejections) so far)", metadata: ["source": "\(source)"])
        }
        guard request.callID != nil, request.cseqNumber != nil else { return }
        var buffer = ByteBufferAllocator().buffer(capacity: 320)
        let tag = String(UInt64.random(in: .min ... .max), radix: 36)
        request.writeResponseHead(status: 503, reason: "Service Unavailable", toTag: tag, source: source.hostAndPort, into: &buffer)
        buffer.writeSIPHeader(.retryAfter, decimal: configuration.retryAfterSeconds)
        buffer.writeSIPEndOfHeaders()
        do {
            try transport.send(buffer, to: source)
        } catch {
            logger.debug("could not send 503: \(error)", metadata: ["source": "\(source)"])
        }
    }
}
