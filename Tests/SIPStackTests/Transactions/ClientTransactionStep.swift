import SIPMessage
import SIPStack

/// One event given to a client transaction in a table row; responses are built from the
/// transaction's request with ``TransactionFixtures/response(_:to:toTag:)``.
enum ClientTransactionStep: Sendable, CustomStringConvertible {
    case sent
    case response(Int)
    case fire(TransactionTimer)
    case transportError

    var description: String {
        switch self {
        case .sent: "requestSent"
        case .response(let status): "responseReceived(\(status))"
        case .fire(let timer): "timerFired(\(timer))"
        case .transportError: "transportError"
        }
    }

    func event(for request: SIPMessage) throws -> ClientInviteTransaction.Event {
        switch self {
        case .sent: .requestSent
        case .response(let status): .responseReceived(try TransactionFixtures.response(status, to: request))
        case .fire(let timer): .timerFired(timer)
        case .transportError: .transportError
        }
    }

    func nonInviteEvent(for request: SIPMessage) throws -> ClientNonInviteTransaction.Event {
        switch self {
        case .sent: .requestSent
        case .response(let status): .responseReceived(try TransactionFixtures.response(status, to: request))
        case .fire(let timer): .timerFired(timer)
        case .transportError: .transportError
        }
    }
}
