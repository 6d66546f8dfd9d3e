import SIPMessage
import SIPStack

/// One event given to a server transaction in a table row; the TU's responses are built from
/// the transaction's request.
enum ServerTransactionStep: Sendable, CustomStringConvertible {
    case received
    case retransmitted
    case ack
    case tu(Int)
    case fire(TransactionTimer)
    case transportError

    var description: String {
        switch self {
        case .received: "requestReceived"
        case .retransmitted: "requestRetransmitted"
        case .ack: "ackReceived"
        case .tu(let status): "tuSent(\(status))"
        case .fire(let timer): "timerFired(\(timer))"
        case .transportError: "transportError"
        }
    }

    func event(for request: SIPMessage) throws -> ServerInviteTransaction.Event {
        switch self {
        case .received: .requestReceived
        case .retransmitted: .requestRetransmitted
        case .ack: .ackReceived(try TransactionFixtures.request("ACK", toTag: "a6c85cf"))
        case .tu(let status): .tuSent(try TransactionFixtures.response(status, to: request))
        case .fire(let timer): .timerFired(timer)
        case .transportError: .transportError
        }
    }

    func nonInviteEvent(for request: SIPMessage) throws -> ServerNonInviteTransaction.Event? {
        switch self {
        case .received: .requestReceived
        case .retransmitted: .requestRetransmitted
        case .ack: nil
        case .tu(let status): .tuSent(try TransactionFixtures.response(status, to: request))
        case .fire(let timer): .timerFired(timer)
        case .transportError: .transportError
        }
    }
}
