import NIOCore
import SIPMessage

/// The server INVITE transaction of RFC 3261 §17.2.1 (Figure 7), with the Accepted state and
/// Timer L of RFC 6026 (§7.1, §8.5-§8.7) and its handling of transport errors (§8.8): a pure
/// state machine that takes events and returns ``TransactionAction``s, with no clock and no
/// socket.
///
/// ```
///  requestReceived ──> Proceeding ──300-699 from TU──> Completed ──ACK──> Confirmed ──I──> Terminated
///                            │                           └──H (timeout)──> Terminated
///                            └──2xx from TU──> Accepted ──L──> Terminated
/// ```
///
/// The INVITE goes up to the TU at once. Unless the TU answers within ``TransactionTimers/trying``
/// (200 ms), the transaction sends 100 (Trying) itself (§17.2.1). A retransmitted INVITE gets
/// the most recent provisional response again in Proceeding and the final response in
/// Completed. Over an unreliable transport Timer G retransmits a 300-699 final response at T1,
/// doubling up to T2, until the ACK arrives or Timer H (64*T1) gives up. A 2xx leads to
/// Accepted (RFC 6026), where INVITE retransmissions are absorbed, the TU's 2xx
/// retransmissions are sent, and ACKs go up to the TU until Timer L (64*T1) fires.
///
/// A transport error is reported to the TU and the transaction stays in its state (RFC 6026
/// §8.8, replacing the Terminated arcs of Figure 7), so that retransmitted INVITEs are still
/// absorbed; Timers H and L end it as usual.
public struct ServerInviteTransaction: Sendable {
    /// The states of Figure 7 (RFC 3261 §17.2.1), plus Accepted (RFC 6026 §8.5).
    public enum State: Sendable, Hashable {
        case proceeding, completed, confirmed, accepted, terminated
    }

    /// What can happen to the transaction: the arcs of Figure 7 (RFC 3261 §17.2.1, RFC 6026 §8.5-§8.7).
    public enum Event: Sendable {
        /// The INVITE that creates the transaction arrived: pass it up and wait for the TU.
        case requestReceived
        /// The INVITE arrived again (it matched this transaction, §17.2.3).
        case requestRetransmitted
        /// An ACK matching this transaction arrived.
        case ackReceived(SIPMessage)
        /// The TU sends this response (any status from 100 to 699) through the transaction.
        case tuSent(SIPMessage)
        /// A timer started by a ``TransactionAction/startTimer(_:_:)`` fired.
        case timerFired(TransactionTimer)
        /// The transport could not send a response (§17.2.4, RFC 6026 §8.8).
        case transportError
    }

    /// The INVITE that created this transaction.
    public let request: SIPMessage
    /// Whether the transport is reliable (TCP, TLS, WS): no Timer G, and Timer I is 0.
    public let isReliable: Bool
    /// The timer values.
    public let timers: TransactionTimers
    /// Where the INVITE came from (IP literal and port), for the `received` and `rport` of
    /// the 100 (Trying) this transaction builds (RFC 3261 §18.2.1, RFC 3581), or nil.
    public let source: (host: String, port: Int)?
    /// The current state.
    public private(set) var state: State = .proceeding
    /// The response a retransmitted INVITE gets: the most recent provisional one in
    /// Proceeding, the final one in Completed.
    public private(set) var lastResponse: ByteBuffer?

    private var hasReceivedRequest = false
    private var tryingTimerIsRunning = false
    private var timerGInterval: TimeAmount

    /// A transaction for a received INVITE.
    ///
    /// - Throws: ``TransactionError`` when `request` is not an INVITE with a Via.
    public init(
        request: SIPMessage, reliable: Bool, timers: TransactionTimers = .default, source: (host: String, port: Int)? = nil
    ) throws(TransactionError) {
        guard request.isRequest else { throw TransactionError(.wrongKindOfMessage, "a server transaction needs a request") }
        guard request.method == .invite else {
            throw TransactionError(.wrongMethod, "a server INVITE transaction needs an INVITE")
        }
        guard request.hasVia else { throw TransactionError(.missingHeader, "the request has no Via") }
        self.request = request
        self.isReliable = reliable
        self.timers = timers
        self.source = source
        self.timerGInterval = timers.t1
    }

    /// Feeds one event to the machine and returns what to do, in order.
    public mutating func handle(_ event: Event) -> [TransactionAction] {
        if case .requestReceived = event { return requestReceived() }
        guard hasReceivedRequest else { return [] }
        switch event {
        case .requestReceived:
            return []
        case .requestRetransmitted:
            return requestRetransmitted()
        case .ackReceived(let ack):
            return ackReceived(ack)
        case .tuSent(let response):
            return tuSent(response)
        case .timerFired(let timer):
            return timerFired(timer)
        case .transportError:
            return transportError()
        }
    }

    private mutating func requestReceived() -> [TransactionAction] {
        guard state == .proceeding, !hasReceivedRequest else { return [] }
        hasReceivedRequest = true
        if timers.trying > .zero {
            tryingTimerIsRunning = true
            // The timer first: a TU answering from inside passRequest then cancels it.
            return [.startTimer(.trying, timers.trying), .passRequest(request)]
        }
        let trying = makeTrying()
        lastResponse = trying
        return [.send(trying), .passRequest(request)]
    }

    private func requestRetransmitted() -> [TransactionAction] {
        switch state {
        case .proceeding, .completed:
            guard let lastResponse else { return [] }
            return [.retransmit(lastResponse)]
        case .confirmed, .accepted, .terminated:
            // Confirmed absorbs, and so does Accepted (RFC 6026 §7.1).
            return []
        }
    }

    private mutating func ackReceived(_ ack: SIPMessage) -> [TransactionAction] {
        switch state {
        case .completed:
            var actions: [TransactionAction] = isReliable ? [.cancelTimer(.timerH)] : [.cancelTimer(.timerG), .cancelTimer(.timerH)]
            let timerI = timers.duration(of: .timerI, reliable: isReliable) ?? .zero
            if timerI > .zero {
                state = .confirmed
                actions.append(.startTimer(.timerI, timerI))
            } else {
                state = .terminated
                actions.append(.terminate)
            }
            return actions
        case .accepted:
            // RFC 6026 §7.1: ACKs received in Accepted go up to the TU.
            return [.passRequest(ack)]
        case .proceeding, .confirmed, .terminated:
            return []
        }
    }

    private mutating func tuSent(_ response: SIPMessage) -> [TransactionAction] {
        guard let status = response.statusCode, status >= 100 else { return [] }
        switch state {
        case .proceeding:
            var actions: [TransactionAction] = []
            if tryingTimerIsRunning {
                tryingTimerIsRunning = false
                actions.append(.cancelTimer(.trying))
            }
            actions.append(.send(response.bytes))
            switch status {
            case 100..<200:
                lastResponse = response.bytes
            case 200..<300:
                state = .accepted
                lastResponse = nil
                actions.append(.startTimer(.timerL, timers.transactionTimeout))
            default:
                state = .completed
                lastResponse = response.bytes
                if let timerG = timers.duration(of: .timerG, reliable: isReliable) {
                    timerGInterval = timerG
                    actions.append(.startTimer(.timerG, timerG))
                }
                actions.append(.startTimer(.timerH, timers.transactionTimeout))
            }
            return actions
        case .accepted:
            // RFC 6026 §7.1: the TU's retransmissions of its 2xx go out.
            return (200..<300).contains(status) ? [.send(response.bytes)] : []
        case .completed, .confirmed, .terminated:
            return []
        }
    }

    private mutating func timerFired(_ timer: TransactionTimer) -> [TransactionAction] {
        switch (state, timer) {
        case (.proceeding, .trying) where tryingTimerIsRunning:
            tryingTimerIsRunning = false
            let trying = makeTrying()
            lastResponse = trying
            return [.send(trying)]
        case (.completed, .timerG) where !isReliable:
            timerGInterval = timers.nextCappedInterval(after: timerGInterval)
            guard let lastResponse else { return [] }
            return [.retransmit(lastResponse), .startTimer(.timerG, timerGInterval)]
        case (.completed, .timerH):
            // §17.2.1: the ACK never came; the TU learns of a transaction failure.
            state = .terminated
            return [.timeout(.timerH), .terminate]
        case (.confirmed, .timerI), (.accepted, .timerL):
            state = .terminated
            return [.terminate]
        default:
            return []
        }
    }

    /// RFC 6026 §8.8: inform the TU, and remain in the current state.
    private func transportError() -> [TransactionAction] {
        state == .terminated ? [] : [.transportError]
    }

    /// 100 (Trying) for the INVITE: Via, From, To (no tag), Call-ID, CSeq and Timestamp copied
    /// (RFC 3261 §8.2.6.1), no body.
    private func makeTrying() -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: 256)
        request.writeResponseHead(status: 100, reason: "Trying", toTag: nil, source: source, into: &buffer)
        if let timestamp = request.firstValue(.timestamp) {
            buffer.writeSIPHeader(.timestamp, timestamp)
        }
        buffer.writeSIPEndOfHeaders()
        return buffer
    }
}
