import NIOCore
import SIPMessage

/// The server non-INVITE transaction of RFC 3261 §17.2.2 (Figure 8), with the handling of
/// transport errors of RFC 6026 §8.8: a pure state machine that takes events and returns
/// ``TransactionAction``s, with no clock and no socket.
///
/// ```
///  requestReceived ──> Trying ──1xx from TU──> Proceeding ──200-699 from TU──> Completed ──J──> Terminated
///                        └──────────200-699 from TU──────────────────────────────^
/// ```
///
/// The request goes up to the TU at once. Retransmissions are discarded while Trying, answered
/// with the most recent provisional response while Proceeding and with the final response
/// while Completed, until Timer J (64*T1 over UDP, 0 over TCP/TLS) fires.
///
/// A transport error is reported to the TU and the transaction stays in its state: RFC 6026
/// §8.8 replaces the text of RFC 3261 §17.2.4, which covers every server transaction, so
/// retransmissions keep being absorbed until Timer J ends the transaction.
public struct ServerNonInviteTransaction: Sendable {
    /// The states of Figure 8 (RFC 3261 §17.2.2).
    public enum State: Sendable, Hashable {
        case trying, proceeding, completed, terminated
    }

    /// What can happen to the transaction: the arcs of Figure 8 (RFC 3261 §17.2.2).
    public enum Event: Sendable {
        /// The request that creates the transaction arrived: pass it up.
        case requestReceived
        /// The request arrived again (it matched this transaction, §17.2.3).
        case requestRetransmitted
        /// The TU sends this response (any status from 100 to 699) through the transaction.
        case tuSent(SIPMessage)
        /// A timer started by a ``TransactionAction/startTimer(_:_:)`` fired.
        case timerFired(TransactionTimer)
        /// The transport could not send a response (§17.2.4, RFC 6026 §8.8).
        case transportError
    }

    /// The request that created this transaction (any method but INVITE and ACK).
    public let request: SIPMessage
    /// Whether the transport is reliable (TCP, TLS, WS): Timer J is 0.
    public let isReliable: Bool
    /// The timer values.
    public let timers: TransactionTimers
    /// The current state.
    public private(set) var state: State = .trying
    /// The response a retransmitted request gets: the most recent provisional one in
    /// Proceeding, the final one in Completed.
    public private(set) var lastResponse: ByteBuffer?

    private var hasReceivedRequest = false

    /// A transaction for a received request other than INVITE and ACK.
    ///
    /// - Throws: ``TransactionError`` when `request` is not such a request with a Via.
    public init(request: SIPMessage, reliable: Bool, timers: TransactionTimers = .default) throws(TransactionError) {
        guard request.isRequest else { throw TransactionError(.wrongKindOfMessage, "a server transaction needs a request") }
        guard request.method != .invite, request.method != .ack else {
            throw TransactionError(.wrongMethod, "INVITE and ACK do not make a server non-INVITE transaction")
        }
        guard request.hasVia else { throw TransactionError(.missingHeader, "the request has no Via") }
        self.request = request
        self.isReliable = reliable
        self.timers = timers
    }

    /// Feeds one event to the machine and returns what to do, in order.
    public mutating func handle(_ event: Event) -> [TransactionAction] {
        if case .requestReceived = event {
            guard state == .trying, !hasReceivedRequest else { return [] }
            hasReceivedRequest = true
            return [.passRequest(request)]
        }
        guard hasReceivedRequest else { return [] }
        switch event {
        case .requestReceived:
            return []
        case .requestRetransmitted:
            // §17.2.2: discarded while Trying; the last response again afterwards.
            guard state == .proceeding || state == .completed, let lastResponse else { return [] }
            return [.retransmit(lastResponse)]
        case .tuSent(let response):
            return tuSent(response)
        case .timerFired(.timerJ) where state == .completed:
            state = .terminated
            return [.terminate]
        case .timerFired:
            return []
        case .transportError:
            // RFC 6026 §8.8: inform the TU, and remain in the current state.
            return state == .terminated ? [] : [.transportError]
        }
    }

    private mutating func tuSent(_ response: SIPMessage) -> [TransactionAction] {
        guard let status = response.statusCode, status >= 100, state == .trying || state == .proceeding else {
            // §17.2.2: once Completed, further responses from the TU are discarded.
            return []
        }
        lastResponse = response.bytes
        if status < 200 {
            state = .proceeding
            return [.send(response.bytes)]
        }
        let timerJ = timers.duration(of: .timerJ, reliable: isReliable) ?? .zero
        if timerJ > .zero {
            state = .completed
            return [.send(response.bytes), .startTimer(.timerJ, timerJ)]
        }
        state = .terminated
        return [.send(response.bytes), .terminate]
    }
}
