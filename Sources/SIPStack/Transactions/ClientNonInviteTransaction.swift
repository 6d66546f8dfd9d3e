import NIOCore
import SIPMessage

/// The client non-INVITE transaction of RFC 3261 §17.1.2 (Figure 6): a pure state machine
/// that takes events and returns ``TransactionAction``s, with no clock and no socket.
///
/// ```
///  requestSent ──> Trying ──1xx──> Proceeding ──200-699──> Completed ──K──> Terminated
///                    │  └───────────200-699──────────────────^
///                    └──F or transport error──> Terminated   (also from Proceeding)
/// ```
///
/// Over an unreliable transport Timer E retransmits the request at T1, then MIN(2*E, T2) while
/// Trying and every T2 while Proceeding; Timer F (64*T1) times the transaction out. In
/// Completed, Timer K (T4 over UDP, 0 over TCP/TLS) absorbs response retransmissions.
public struct ClientNonInviteTransaction: Sendable {
    /// The states of Figure 6 (RFC 3261 §17.1.2.2).
    public enum State: Sendable, Hashable {
        case trying, proceeding, completed, terminated
    }

    /// What can happen to the transaction: the arcs of Figure 6 (RFC 3261 §17.1.2.2).
    public enum Event: Sendable {
        /// The TU hands the request to the transaction: send it and start Timers E and F.
        case requestSent
        /// A response matching this transaction arrived (§17.1.3).
        case responseReceived(SIPMessage)
        /// A timer started by a ``TransactionAction/startTimer(_:_:)`` fired.
        case timerFired(TransactionTimer)
        /// The transport could not send the request (§17.1.4).
        case transportError
    }

    /// The request this transaction sends (any method but INVITE and ACK).
    public let request: SIPMessage
    /// Whether the transport is reliable (TCP, TLS, WS): no Timer E, and Timer K is 0.
    public let isReliable: Bool
    /// The timer values.
    public let timers: TransactionTimers
    /// The current state.
    public private(set) var state: State = .trying

    private var hasSentRequest = false
    private var timerEInterval: TimeAmount

    /// A transaction for `request`: not INVITE, not ACK, with Via (and branch), Call-ID, CSeq,
    /// From and To.
    ///
    /// - Throws: ``TransactionError`` when `request` is not such a request.
    public init(request: SIPMessage, reliable: Bool, timers: TransactionTimers = .default) throws(TransactionError) {
        try TransactionKey.checkClientRequest(request)
        guard request.method != .invite else {
            throw TransactionError(.wrongMethod, "an INVITE needs a client INVITE transaction")
        }
        self.request = request
        self.isReliable = reliable
        self.timers = timers
        self.timerEInterval = timers.t1
    }

    /// Feeds one event to the machine and returns what to do, in order.
    public mutating func handle(_ event: Event) -> [TransactionAction] {
        switch event {
        case .requestSent:
            return requestSent()
        case .responseReceived(let response):
            return responseReceived(response)
        case .timerFired(let timer):
            return timerFired(timer)
        case .transportError:
            return transportError()
        }
    }

    private mutating func requestSent() -> [TransactionAction] {
        guard state == .trying, !hasSentRequest else { return [] }
        hasSentRequest = true
        var actions: [TransactionAction] = [.send(request.bytes)]
        if let timerE = timers.duration(of: .timerE, reliable: isReliable) {
            timerEInterval = timerE
            actions.append(.startTimer(.timerE, timerE))
        }
        actions.append(.startTimer(.timerF, timers.transactionTimeout))
        return actions
    }

    private mutating func responseReceived(_ response: SIPMessage) -> [TransactionAction] {
        guard hasSentRequest, let status = response.statusCode, status >= 100 else { return [] }
        switch state {
        case .trying, .proceeding:
            if status < 200 {
                state = .proceeding
                return [.passResponse(response)]
            }
            var actions: [TransactionAction] = isReliable ? [.cancelTimer(.timerF)] : [.cancelTimer(.timerE), .cancelTimer(.timerF)]
            let timerK = timers.duration(of: .timerK, reliable: isReliable) ?? .zero
            if timerK > .zero {
                state = .completed
                actions.append(.startTimer(.timerK, timerK))
                actions.append(.passResponse(response))
            } else {
                state = .terminated
                actions.append(.passResponse(response))
                actions.append(.terminate)
            }
            return actions
        case .completed, .terminated:
            // Completed absorbs retransmitted responses (§17.1.2.2).
            return []
        }
    }

    private mutating func timerFired(_ timer: TransactionTimer) -> [TransactionAction] {
        switch (state, timer) {
        case (.trying, .timerE) where hasSentRequest && !isReliable:
            timerEInterval = timers.nextCappedInterval(after: timerEInterval)
            return [.retransmit(request.bytes), .startTimer(.timerE, timerEInterval)]
        case (.proceeding, .timerE) where !isReliable:
            // §17.1.2.2: in Proceeding, Timer E is reset to T2 each time.
            timerEInterval = timers.t2
            return [.retransmit(request.bytes), .startTimer(.timerE, timerEInterval)]
        case (.trying, .timerF) where hasSentRequest, (.proceeding, .timerF):
            state = .terminated
            return [.timeout(.timerF), .terminate]
        case (.completed, .timerK):
            state = .terminated
            return [.terminate]
        default:
            return []
        }
    }

    private mutating func transportError() -> [TransactionAction] {
        switch state {
        case .trying where hasSentRequest, .proceeding:
            state = .terminated
            return [.transportError, .terminate]
        case .trying, .completed, .terminated:
            return []
        }
    }
}
