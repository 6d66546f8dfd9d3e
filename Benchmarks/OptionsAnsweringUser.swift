import NIOCore
import SIPMessage
import SIPStack

/// The benchmark's server-side transaction user: answers every request with 200 OK, the way a
/// user agent answers OPTIONS (RFC 3261 §11.2), and counts what it answered.
///
/// - warning: Confined to the event loop of its transaction layer.
final class OptionsAnsweringUser: TransactionUser, @unchecked Sendable {
    private(set) var answered = 0
    private var response = ByteBuffer()

    func transactionLayer(_ layer: TransactionLayer, didDeliver event: TransactionUserEvent) {
        guard case .request(let request, let key, let source) = event else { return }
        response.clear()
        request.writeResponseHead(
            status: 200, reason: "OK", toTag: "bench", source: source.address.hostAndPort, into: &response)
        response.writeSIPHeader(.allow, "INVITE, ACK, BYE, CANCEL, OPTIONS")
        response.writeSIPEndOfHeaders()
        guard let message = try? SIPMessage(parsing: response) else { return }
        if (try? layer.sendResponse(message, for: key)) != nil { answered &+= 1 }
    }
}
