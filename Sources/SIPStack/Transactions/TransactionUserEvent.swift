import SIPMessage

/// What the transaction layer tells its transaction user (TU, RFC 3261 §17, §8): requests
/// that created server transactions, responses of client transactions, ACKs and responses
/// that belong to no transaction, timeouts, transport errors and terminations.
public enum TransactionUserEvent: Sendable {
    /// A new request created a server transaction: answer it with
    /// ``TransactionLayer/sendResponse(_:for:)`` and this key. `source` is where it came from.
    case request(SIPMessage, TransactionKey, source: TransactionDestination)
    /// An ACK the transaction layer does not absorb: the ACK of a 2xx, which matches no
    /// transaction (RFC 3261 §17.2.3, §13.3.1.4) or arrives in Accepted (RFC 6026 §7.1).
    case ack(SIPMessage, source: TransactionDestination)
    /// A response for a client transaction (provisional and final, and in the INVITE
    /// transaction's Accepted state every 2xx, RFC 6026 §8.4).
    case response(SIPMessage, TransactionKey)
    /// A response that matches no client transaction (RFC 3261 §18.1.2: passed to the core),
    /// such as a 2xx retransmitted after its transaction ended.
    case strayResponse(SIPMessage, source: TransactionDestination)
    /// The transaction timed out: Timer B or F (no final response) or H (no ACK).
    case timeout(TransactionKey, TransactionTimer)
    /// The transport failed to send for the transaction (RFC 3261 §17.1.4, §17.2.4).
    case transportError(TransactionKey)
    /// The transaction reached Terminated and was forgotten.
    case terminated(TransactionKey)
}
