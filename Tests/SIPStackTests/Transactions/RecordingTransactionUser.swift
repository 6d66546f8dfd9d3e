import SIPMessage
import SIPStack

/// A ``TransactionUser`` that records every event and can answer requests from inside the
/// callback, as a real TU may.
final class RecordingTransactionUser: TransactionUser {
    private(set) var events: [TransactionUserEvent] = []
    /// Called for each new request, inside the layer's callback.
    var onRequest: ((SIPMessage, TransactionKey, TransactionLayer) throws -> Void)?

    func transactionLayer(_ layer: TransactionLayer, didDeliver event: TransactionUserEvent) {
        events.append(event)
        if case .request(let request, let key, _) = event {
            try? onRequest?(request, key, layer)
        }
    }

    /// The events as `request INVITE`, `response 486`, `timeout timerB`, `terminated`...
    var summaries: [String] { events.map(TransactionFixtures.summary) }

    /// The key of the last request delivered.
    var lastRequestKey: TransactionKey? {
        for case .request(_, let key, _) in events.reversed() { return key }
        return nil
    }
}
