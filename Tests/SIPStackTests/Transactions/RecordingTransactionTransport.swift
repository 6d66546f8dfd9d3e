import NIOCore
import SIPStack

/// A ``TransactionTransport`` that records what it is asked to send, and can be told to fail.
final class RecordingTransactionTransport: TransactionTransport {
    private(set) var sent: [(bytes: ByteBuffer, destination: TransactionDestination)] = []
    var fails = false

    func send(_ bytes: ByteBuffer, to destination: TransactionDestination) throws(TransactionError) {
        if fails { throw TransactionError(.transportFailed, "the fake transport was told to fail") }
        sent.append((bytes, destination))
    }

    /// What was sent, as the method or status of each message: `INVITE`, `ACK`, `100`, `486`.
    var summaries: [String] { sent.map { TransactionFixtures.firstToken($0.bytes) } }
}
