import NIOCore
import SIPMessage

extension TransactionLayer {
    /// One of the four state machines.
    enum Machine {
        case clientInvite(ClientInviteTransaction)
        case clientNonInvite(ClientNonInviteTransaction)
        case serverInvite(ServerInviteTransaction)
        case serverNonInvite(ServerNonInviteTransaction)
    }

    /// What the driver feeds a machine; each machine ignores what does not apply to it.
    enum Input {
        case requestSent
        case requestReceived
        case requestRetransmitted
        case responseReceived(SIPMessage)
        case ackReceived(SIPMessage)
        case tuSent(SIPMessage)
        case timerFired(TransactionTimer)
        case transportError
    }

    /// A running timer; `generation` tells a stale firing from the current one.
    struct RunningTimer {
        let generation: UInt64
        let scheduled: Scheduled<Void>
    }

    /// A live transaction: its machine, where it sends, its timers and its RFC 2543 ACK key.
    struct Entry {
        var machine: Machine
        let destination: TransactionDestination
        var timers: [TransactionTimer: RunningTimer] = [:]
        var alias: TransactionKey?

        init(machine: Machine, destination: TransactionDestination) {
            self.machine = machine
            self.destination = destination
        }

        var isServer: Bool {
            switch machine {
            case .serverInvite, .serverNonInvite: true
            case .clientInvite, .clientNonInvite: false
            }
        }

        mutating func handle(_ input: Input) -> [TransactionAction] {
            switch machine {
            case .clientInvite(var transaction):
                let actions: [TransactionAction]
                switch input {
                case .requestSent: actions = transaction.handle(.requestSent)
                case .responseReceived(let response): actions = transaction.handle(.responseReceived(response))
                case .timerFired(let timer): actions = transaction.handle(.timerFired(timer))
                case .transportError: actions = transaction.handle(.transportError)
                case .requestReceived, .requestRetransmitted, .ackReceived, .tuSent: actions = []
                }
                machine = .clientInvite(transaction)
                return actions
            case .clientNonInvite(var transaction):
                let actions: [TransactionAction]
                switch input {
                case .requestSent: actions = transaction.handle(.requestSent)
                case .responseReceived(let response): actions = transaction.handle(.responseReceived(response))
                case .timerFired(let timer): actions = transaction.handle(.timerFired(timer))
                case .transportError: actions = transaction.handle(.transportError)
                case .requestReceived, .requestRetransmitted, .ackReceived, .tuSent: actions = []
                }
                machine = .clientNonInvite(transaction)
                return actions
            case .serverInvite(var transaction):
                let actions: [TransactionAction]
                switch input {
                case .requestReceived: actions = transaction.handle(.requestReceived)
                case .requestRetransmitted: actions = transaction.handle(.requestRetransmitted)
                case .ackReceived(let ack): actions = transaction.handle(.ackReceived(ack))
                case .tuSent(let response): actions = transaction.handle(.tuSent(response))
                case .timerFired(let timer): actions = transaction.handle(.timerFired(timer))
                case .transportError: actions = transaction.handle(.transportError)
                case .requestSent, .responseReceived: actions = []
                }
                machine = .serverInvite(transaction)
                return actions
            case .serverNonInvite(var transaction):
                let actions: [TransactionAction]
                switch input {
                case .requestReceived: actions = transaction.handle(.requestReceived)
                case .requestRetransmitted: actions = transaction.handle(.requestRetransmitted)
                case .tuSent(let response): actions = transaction.handle(.tuSent(response))
                case .timerFired(let timer): actions = transaction.handle(.timerFired(timer))
                case .transportError: actions = transaction.handle(.transportError)
                case .requestSent, .responseReceived, .ackReceived: actions = []
                }
                machine = .serverNonInvite(transaction)
                return actions
            }
        }
    }
}
