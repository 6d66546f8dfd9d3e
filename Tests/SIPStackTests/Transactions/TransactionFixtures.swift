import NIOCore
import SIPMessage
import SIPStack
import Testing

/// Messages and helpers shared by the transaction tests.
enum TransactionFixtures {
    /// CRLF-joined lines plus the empty line that ends the header section.
    static func wire(_ lines: [String], body: String = "") -> String {
        lines.joined(separator: "\r\n") + "\r\n\r\n" + body
    }

    /// An INVITE from Alice to Bob (RFC 3261 §24.2, shortened) with the given top Via.
    static func invite(
        branch: String? = "z9hG4bK776asdhds", sentBy: String = "pc33.atlanta.example.com:5060", cseq: Int = 314159,
        callID: String = "a84b4c76e66710@pc33.atlanta.example.com", toTag: String? = nil
    ) throws -> SIPMessage {
        try request("INVITE", branch: branch, sentBy: sentBy, cseq: cseq, callID: callID, toTag: toTag)
    }

    /// A request of `method` from Alice to Bob, with `CSeq: cseq method`.
    static func request(
        _ method: String, branch: String? = "z9hG4bK776asdhds", sentBy: String = "pc33.atlanta.example.com:5060",
        cseq: Int = 314159, callID: String = "a84b4c76e66710@pc33.atlanta.example.com", toTag: String? = nil,
        cseqMethod: String? = nil
    ) throws -> SIPMessage {
        let via = "SIP/2.0/UDP \(sentBy)" + (branch.map { ";branch=\($0)" } ?? "")
        return try SIPMessage(parsing: wire([
            "\(method) sip:bob@biloxi.example.com SIP/2.0",
            "Via: \(via)",
            "Max-Forwards: 70",
            "To: Bob <sip:bob@biloxi.example.com>" + (toTag.map { ";tag=\($0)" } ?? ""),
            "From: Alice <sip:alice@atlanta.example.com>;tag=1928301774",
            "Call-ID: \(callID)",
            "CSeq: \(cseq) \(cseqMethod ?? method)",
            "Contact: <sip:alice@pc33.atlanta.example.com>",
            "Content-Length: 0",
        ]))
    }

    /// A response to `request` with `status`, its Via, From, To, Call-ID and CSeq copied, and
    /// `toTag` added to To (unless the status is 100).
    static func response(_ status: Int, to request: SIPMessage, toTag: String? = "a6c85cf") throws -> SIPMessage {
        var buffer = ByteBuffer()
        request.writeResponseHead(status: status, reason: reason(status), toTag: toTag, into: &buffer)
        buffer.writeSIPEndOfHeaders()
        return try SIPMessage(parsing: buffer)
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 100: "Trying"
        case 180: "Ringing"
        case 200: "OK"
        case 404: "Not Found"
        case 486: "Busy Here"
        case 500: "Server Internal Error"
        case 503: "Service Unavailable"
        case 603: "Decline"
        default: "Status"
        }
    }

    /// A compact, readable form of an action for tables: `send INVITE`, `retransmit 486`,
    /// `start timerA 500ms`, `cancel timerB`, `pass 180`, `pass ACK`, `timeout timerB`...
    static func summary(_ action: TransactionAction) -> String {
        switch action {
        case .send(let bytes): "send \(firstToken(bytes))"
        case .retransmit(let bytes): "retransmit \(firstToken(bytes))"
        case .startTimer(let timer, let duration): "start \(timer) \(duration.nanoseconds / 1_000_000)ms"
        case .cancelTimer(let timer): "cancel \(timer)"
        case .passRequest(let request): "pass \(request.methodToken?.string ?? "?")"
        case .passResponse(let response): "pass \(response.statusCode ?? 0)"
        case .timeout(let timer): "timeout \(timer)"
        case .transportError: "transport error"
        case .terminate: "terminate"
        }
    }

    static func summaries(_ actions: [TransactionAction]) -> [String] {
        actions.map(summary)
    }

    /// The method of a request, or the status code of a response, in `bytes`.
    static func firstToken(_ bytes: ByteBuffer) -> String {
        let line = String(buffer: bytes).prefix { $0 != "\r" }
        let parts = line.split(separator: " ")
        guard let first = parts.first else { return "" }
        if first == "SIP/2.0", parts.count > 1 { return String(parts[1]) }
        return String(first)
    }

    /// A compact form of what the TU heard.
    static func summary(_ event: TransactionUserEvent) -> String {
        switch event {
        case .request(let request, _, _): "request \(request.methodToken?.string ?? "?")"
        case .ack: "ack"
        case .response(let response, _): "response \(response.statusCode ?? 0)"
        case .strayResponse(let response, _): "stray \(response.statusCode ?? 0)"
        case .timeout(_, let timer): "timeout \(timer)"
        case .transportError: "transport error"
        case .terminated: "terminated"
        }
    }
}
