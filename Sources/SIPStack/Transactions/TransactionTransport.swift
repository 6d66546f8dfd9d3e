import NIOCore

/// What the transaction layer sends through (RFC 3261 §18): one method that hands the bytes
/// of a request or response to the transport for a destination. UDP, TCP, TLS and WebSocket
/// transports conform to it; tests use a recording fake.
///
/// - warning: ``TransactionLayer`` calls ``send(_:to:)`` on its event loop, and the call must
///   not block.
public protocol TransactionTransport {
    /// Sends `bytes` (one whole message) to `destination`.
    ///
    /// - Throws: ``TransactionError`` with code ``TransactionError/Code/transportFailed`` when
    ///   the bytes cannot be sent; the transaction then reports a transport error to its TU
    ///   (RFC 3261 §17.1.4, §17.2.4).
    func send(_ bytes: ByteBuffer, to destination: TransactionDestination) throws(TransactionError)
}
