import NIOCore
import SIPMessage
import SIPStack

/// The far side of a ``TransactionLayer`` for registration tests: records every message the
/// layer sends, parsed, and can be told to fail. The test answers with real responses through
/// ``RegistrationHarness/answer(status:reason:headers:)``.
final class RegistrarTransport: TransactionTransport {
    private(set) var sent: [SIPMessage] = []
    /// Where each message of ``sent`` went.
    private(set) var sentTo: [TransactionDestination] = []
    var fails = false

    func send(_ bytes: ByteBuffer, to destination: TransactionDestination) throws(TransactionError) {
        if fails { throw TransactionError(.transportFailed, "the fake registrar transport was told to fail") }
        if let message = try? SIPMessage(parsing: bytes) {
            sent.append(message)
            sentTo.append(destination)
        }
    }

    /// The CSeq numbers of the REGISTERs sent, in order.
    var cseqs: [UInt32] { sent.compactMap(\.cseqNumber) }
}
