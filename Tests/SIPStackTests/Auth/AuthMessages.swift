import NIOCore
import SIPMessage
import SIPStack
import Testing

/// Builds the SIP messages of a digest exchange as wire text with SIPMessage's writers, and
/// parses them back, so every test goes through the real header grammar.
enum AuthMessages {
    static let registrar = "sip:pbx.example.com"

    /// The SDP body of draft-smith-sipping-auth-examples-01 §3.5 (auth-int examples).
    static let biloxiSDP =
        "v=0\r\n" + "o=bob 2890844526 2890844526 IN IP4 media.biloxi.com\r\n" + "s=-\r\n"
        + "c=IN IP4 media.biloxi.com\r\n" + "t=0 0\r\n" + "m=audio 49170 RTP/AVP 0\r\n"
        + "a=rtpmap:0 PCMU/8000\r\n" + "m=video 51372 RTP/AVP 31\r\n" + "a=rtpmap:31 H261/90000\r\n"
        + "m=video 53000 RTP/AVP 32\r\n" + "a=rtpmap:32 MPV/90000\r\n"

    /// A request carrying `authorizations` (each in its own header) and `headers`.
    static func request(
        method: String = "REGISTER", uri: String = registrar, authorizations: [DigestAuthorization] = [],
        headers: [(SIPHeaderName, String)] = [], body: String? = nil, cseq: Int = 1
    ) throws -> SIPMessage {
        var buffer = ByteBuffer()
        buffer.writeSIPRequestLine(method: try #require(SIPMethod(method)), uri: uri)
        buffer.writeSIPHeader(.via, "SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-auth-\(cseq);rport")
        buffer.writeSIPHeader(.maxForwards, "70")
        buffer.writeSIPHeader(.from, "<sip:door@pbx.example.com>;tag=a73kszlfl")
        buffer.writeSIPHeader(.to, "<sip:door@pbx.example.com>")
        buffer.writeSIPHeader(.callID, "1j9FpLxk3uxtm8tn@192.0.2.10")
        buffer.writeSIPHeader(.cseq, "\(cseq) \(method)")
        for authorization in authorizations {
            buffer.writeSIPHeader(authorization.headerName, authorization.value)
        }
        for (name, value) in headers {
            buffer.writeSIPHeader(name, value)
        }
        if let body {
            buffer.writeSIPBody(body, contentType: "application/sdp")
        } else {
            buffer.writeSIPEndOfHeaders()
        }
        return try SIPMessage(parsing: buffer)
    }

    /// A 401 (or 407 with `proxy`) whose challenge headers hold `challenges`.
    static func challenge(_ challenges: [String], proxy: Bool = false) throws -> SIPMessage {
        var buffer = ByteBuffer()
        writeChallengeHead(proxy: proxy, into: &buffer)
        for value in challenges {
            buffer.writeSIPHeader(proxy ? .proxyAuthenticate : .wwwAuthenticate, value)
        }
        buffer.writeSIPEndOfHeaders()
        return try SIPMessage(parsing: buffer)
    }

    /// The 401 or 407 `challenger` answers with.
    static func challenge(from challenger: DigestChallenger, stale: Bool = false, now: NIODeadline) throws -> SIPMessage {
        var buffer = ByteBuffer()
        writeChallengeHead(proxy: challenger.configuration.isProxy, into: &buffer)
        challenger.writeChallenges(stale: stale, now: now, into: &buffer)
        buffer.writeSIPEndOfHeaders()
        return try SIPMessage(parsing: buffer)
    }

    /// A response with any status and no challenge.
    static func response(status: Int, reason: String) throws -> SIPMessage {
        var buffer = ByteBuffer()
        buffer.writeSIPStatusLine(status: status, reason: reason)
        writeResponseHeaders(into: &buffer)
        buffer.writeSIPEndOfHeaders()
        return try SIPMessage(parsing: buffer)
    }

    private static func writeChallengeHead(proxy: Bool, into buffer: inout ByteBuffer) {
        buffer.writeSIPStatusLine(
            status: proxy ? 407 : 401, reason: proxy ? "Proxy Authentication Required" : "Unauthorized")
        writeResponseHeaders(into: &buffer)
    }

    private static func writeResponseHeaders(into buffer: inout ByteBuffer) {
        buffer.writeSIPHeader(.via, "SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-auth-1;rport=5060")
        buffer.writeSIPHeader(.from, "<sip:door@pbx.example.com>;tag=a73kszlfl")
        buffer.writeSIPHeader(.to, "<sip:door@pbx.example.com>;tag=srv-1")
        buffer.writeSIPHeader(.callID, "1j9FpLxk3uxtm8tn@192.0.2.10")
        buffer.writeSIPHeader(.cseq, "1 REGISTER")
    }

    /// The parsed credentials header of `request` (Authorization, or Proxy-Authorization).
    static func credentials(of request: SIPMessage, proxy: Bool = false) throws -> SIPAuthHeader {
        try #require(try (proxy ? request.proxyAuthorization() : request.authorization()).first)
    }

    /// The raw text of parameter `name` in `header`, as received (quotes kept).
    static func raw(_ name: String, in header: SIPAuthHeader) -> String? {
        header.parameters.first(named: name)?.value?.string
    }
}
