import NIOHTTP1
@testable import SIPStack
import Testing

/// The SIP rules of the WebSocket opening handshake (RFC 7118 §4.1) as pure functions: which
/// requests a listener upgrades, what it answers the others, and the client's request.
@Suite("SIPWebSocketHandshake: the sip subprotocol and the path")
struct SIPWebSocketHandshakeTests {
    static func request(_ uri: String, method: HTTPMethod = .GET, headers: [(String, String)]) -> HTTPRequestHead {
        HTTPRequestHead(version: .http1_1, method: method, uri: uri, headers: HTTPHeaders(headers))
    }

    static let upgrade = [("Upgrade", "websocket"), ("Connection", "Upgrade")]

    @Test(
        "which requests are upgraded, and the refusal status of the others",
        arguments: [
            (request("/sip", headers: upgrade + [("Sec-WebSocket-Protocol", "sip")]), true, HTTPResponseStatus.badRequest),
            (request("/sip?token=1", headers: upgrade + [("Sec-WebSocket-Protocol", "sip")]), true, .badRequest),
            (request("/sip", headers: upgrade + [("Sec-WebSocket-Protocol", "xmpp, SIP")]), true, .badRequest),
            (request("/sip", headers: upgrade + [("Sec-WebSocket-Protocol", "xmpp"), ("Sec-WebSocket-Protocol", "sip")]), true, .badRequest),
            (request("/sip", headers: upgrade + [("Sec-WebSocket-Protocol", "sips")]), false, .badRequest),
            (request("/sip", headers: upgrade), false, .badRequest),
            (request("/", headers: upgrade + [("Sec-WebSocket-Protocol", "sip")]), false, .notFound),
            (request("/sip/x", headers: upgrade + [("Sec-WebSocket-Protocol", "sip")]), false, .notFound),
            (request("/sip", method: .POST, headers: upgrade + [("Sec-WebSocket-Protocol", "sip")]), false, .badRequest),
            (request("/sip", headers: [("Sec-WebSocket-Protocol", "sip")]), false, .upgradeRequired),
        ])
    func upgradeDecision(request: HTTPRequestHead, upgrades: Bool, refusal: HTTPResponseStatus) {
        let accepted = SIPWebSocketHandshake.acceptHeaders(for: request, path: "/sip")
        #expect((accepted != nil) == upgrades)
        if let accepted {
            #expect(accepted["Sec-WebSocket-Protocol"] == ["sip"])
        } else {
            #expect(SIPWebSocketHandshake.refusalStatus(for: request, path: "/sip") == refusal)
        }
    }

    @Test("the client's upgrade request names the path and host and offers sip")
    func clientRequest() {
        let head = SIPWebSocketHandshake.upgradeRequest(host: "[::1]:5066", path: "/ws")
        #expect(head.method == .GET)
        #expect(head.uri == "/ws")
        #expect(head.headers["Host"] == ["[::1]:5066"])
        #expect(SIPWebSocketHandshake.offersSIP(head.headers))
    }
}
