import NIOCore
import SIPMessage

/// The client INVITE transaction of RFC 3261 §17.1.1 (Figure 5), with the Accepted state and
/// Timer M of RFC 6026 §8.4: a pure state machine that takes events and returns
/// ``TransactionAction``s, with no clock and no socket.
///
/// ```
///  requestSent ──> Calling ──1xx──> Proceeding ──300-699 / ACK──> Completed ──D──> Terminated
///                    │  └──────────300-699 / ACK──────────────────────^
///                    ├──2xx──> Accepted ──M──> Terminated    (Proceeding ──2xx──> Accepted)
///                    └──B or transport error──> Terminated
/// ```
///
/// Over an unreliable transport Timer A retransmits the INVITE at T1, 2*T1, 4*T1... until a
/// response arrives or Timer B (64*T1) times out. For a 300-699 final response the
/// transaction builds and sends the ACK itself (§17.1.1.3), and sends it again for every
/// retransmission of that response while Completed. The ACK of a 2xx is the TU's business
/// (§13.2.2.4); in Accepted the transaction only passes 2xx retransmissions up.
public struct ClientInviteTransaction: Sendable {
    /// The states of Figure 5 (RFC 3261 §17.1.1.2), plus Accepted (RFC 6026 §8.4).
    public enum State: Sendable, Hashable {
        case calling, proceeding, completed, accepted, terminated
    }

    /// What can happen to the transaction: the arcs of Figure 5 (RFC 3261 §17.1.1.2).
    public enum Event: Sendable {
        /// The TU hands the INVITE to the transaction: send it and start Timers A and B.
        case requestSent
        /// A response matching this transaction arrived (§17.1.3).
        case responseReceived(SIPMessage)
        /// A timer started by a ``TransactionAction/startTimer(_:_:)`` fired.
        case timerFired(TransactionTimer)
        /// The transport could not send the INVITE or the ACK (§17.1.4).
        case transportError
    }

    /// The INVITE this transaction sends.
    public let request: SIPMessage
    /// Whether the transport is reliable (TCP, TLS, WS): no Timer A, and Timer D is 0.
    public let isReliable: Bool
    /// The timer values.
    public let timers: TransactionTimers
    /// The current state.
    public private(set) var state: State = .calling
    /// The ACK built for the 300-699 final response, once one arrived.
    public private(set) var ack: ByteBuffer?

    private var hasSentRequest = false
    private var timerAInterval: TimeAmount

    /// A transaction for `request`, an INVITE with Via (and branch), Call-ID, CSeq, From and To.
    ///
    /// - Throws: ``TransactionError`` when `request` is not such an INVITE.
    public init(request: SIPMessage, reliable: Bool, timers: TransactionTimers = .default) throws(TransactionError) {
        try TransactionKey.checkClientRequest(request)
        guard request.method == .invite else {
            throw TransactionError(.wrongMethod, "a client INVITE transaction needs an INVITE")
        }
        self.request = request
        self.isReliable = reliable
        self.timers = timers
        self.timerAInterval = timers.t1
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
        guard state == .calling, !hasSentRequest else { return [] }
        hasSentRequest = true
        var actions: [TransactionAction] = [.send(request.bytes)]
        if let timerA = timers.duration(of: .timerA, reliable: isReliable) {
            timerAInterval = timerA
            actions.append(.startTimer(.timerA, timerA))
        }
        actions.append(.startTimer(.timerB, timers.transactionTimeout))
        return actions
    }

    private mutating func responseReceived(_ response: SIPMessage) -> [TransactionAction] {
        guard hasSentRequest, let status = response.statusCode, status >= 100 else { return [] }
        switch state {
        case .calling, .proceeding:
            var actions = state == .calling ? leaveCalling() : []
            switch status {
            case 100..<200:
                state = .proceeding
                actions.append(.passResponse(response))
            case 200..<300:
                state = .accepted
                actions.append(.startTimer(.timerM, timers.transactionTimeout))
                actions.append(.passResponse(response))
            default:
                let ack = Self.makeACK(for: request, response: response)
                self.ack = ack
                actions.append(.send(ack))
                let timerD = timers.duration(of: .timerD, reliable: isReliable) ?? .zero
                if timerD > .zero {
                    state = .completed
                    actions.append(.startTimer(.timerD, timerD))
                    actions.append(.passResponse(response))
                } else {
                    state = .terminated
                    actions.append(.passResponse(response))
                    actions.append(.terminate)
                }
            }
            return actions
        case .completed:
            // A retransmission of the final response: the ACK is lost, send it again.
            guard status >= 300, let ack else { return [] }
            return [.retransmit(ack)]
        case .accepted:
            // RFC 6026 §8.4: every 2xx (retransmissions, other forks) goes to the TU.
            return (200..<300).contains(status) ? [.passResponse(response)] : []
        case .terminated:
            return []
        }
    }

    /// Leaving Calling stops the retransmissions (A) and the timeout (B).
    private func leaveCalling() -> [TransactionAction] {
        isReliable ? [.cancelTimer(.timerB)] : [.cancelTimer(.timerA), .cancelTimer(.timerB)]
    }

    private mutating func timerFired(_ timer: TransactionTimer) -> [TransactionAction] {
        switch (state, timer) {
        case (.calling, .timerA) where hasSentRequest && !isReliable:
            timerAInterval = timers.nextTimerA(after: timerAInterval)
            return [.retransmit(request.bytes), .startTimer(.timerA, timerAInterval)]
        case (.calling, .timerB) where hasSentRequest:
            state = .terminated
            return [.timeout(.timerB), .terminate]
        case (.completed, .timerD), (.accepted, .timerM):
            state = .terminated
            return [.terminate]
        default:
            return []
        }
    }

    private mutating func transportError() -> [TransactionAction] {
        switch state {
        case .calling where hasSentRequest, .proceeding, .completed:
            state = .terminated
            return [.transportError, .terminate]
        case .accepted:
            return [.transportError]
        case .calling, .terminated:
            return []
        }
    }
}
