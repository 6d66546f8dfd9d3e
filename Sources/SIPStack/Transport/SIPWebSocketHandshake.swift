import NIOHTTP1

/// The SIP rules of the WebSocket opening handshake (RFC 7118 §4.1, RFC 6455 §4): the request
/// must offer the `sip` subprotocol in `Sec-WebSocket-Protocol`, and the server echoes it.
/// Pure functions, so that the rules are tested without a connection.
enum SIPWebSocketHandshake {
    /// The subprotocol name of SIP over WebSocket (RFC 7118 §4.1).
    static let subprotocol = "sip"

    /// Whether a `Sec-WebSocket-Protocol` header of `headers` lists `sip` (the header may be
    /// repeated, each a comma-separated list).
    static func offersSIP(_ headers: HTTPHeaders) -> Bool {
        headers[canonicalForm: "sec-websocket-protocol"].contains { $0.lowercased() == subprotocol }
    }

    /// Whether `path` (the request target, perhaps with a query) names `configuredPath`.
    static func matches(path target: String, configuredPath: String) -> Bool {
        let path = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? target
        return path == configuredPath
    }

    /// The extra headers of the 101 answer to `request` on a listener for `path`
    /// (`Sec-WebSocket-Protocol: sip`), or nil to refuse the upgrade.
    static func acceptHeaders(for request: HTTPRequestHead, path: String) -> HTTPHeaders? {
        guard request.method == .GET, asksForWebSocket(request.headers), matches(path: request.uri, configuredPath: path),
              offersSIP(request.headers) else { return nil }
        return HTTPHeaders([("Sec-WebSocket-Protocol", subprotocol)])
    }

    /// Whether `headers` ask to upgrade to `websocket`.
    static func asksForWebSocket(_ headers: HTTPHeaders) -> Bool {
        headers[canonicalForm: "upgrade"].contains { $0.lowercased() == "websocket" }
    }

    /// The status a listener for `path` answers a request it does not upgrade with: 404 for
    /// another path, 426 (Upgrade Required) when it does not ask for a WebSocket, 400 otherwise
    /// (no `sip` subprotocol, a malformed upgrade).
    static func refusalStatus(for request: HTTPRequestHead, path: String) -> HTTPResponseStatus {
        if !matches(path: request.uri, configuredPath: path) { return .notFound }
        if !asksForWebSocket(request.headers) { return .upgradeRequired }
        return .badRequest
    }

    /// The upgrade request of an outgoing connection: `GET path` with `Host` and the `sip`
    /// subprotocol; the client upgrader adds `Upgrade`, `Connection`, `Sec-WebSocket-Key` and
    /// `Sec-WebSocket-Version`.
    static func upgradeRequest(host: String, path: String) -> HTTPRequestHead {
        var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: path)
        head.headers.add(name: "Host", value: host)
        head.headers.add(name: "Sec-WebSocket-Protocol", value: subprotocol)
        head.headers.add(name: "Content-Length", value: "0")
        return head
    }
}
