import NIOCore
import SIPMessage

/// A request the user agent core is about to send, field by field (RFC 3261 §8.1.1, §12.2.1.1):
/// written into bytes and parsed back by ``message()``, so that a value that breaks the
/// grammar is caught before anything leaves.
struct SIPRequestDraft {
    var method: SIPMethod
    var requestURI: String
    /// The complete top Via value (sent-protocol, sent-by, branch, rport).
    var via: String
    var routes: [String] = []
    /// The From value, with its tag.
    var from: String
    /// The To value, with the remote tag once the dialog has one.
    var to: String
    var callID: String
    var cseq: UInt32
    /// The Contact URI (written in angle brackets), or nil.
    var contact: String?
    /// Further headers, in order.
    var headers: [(SIPHeaderName, String)] = []
    var body: SIPBody?

    /// A Via value for `transport` with a fresh branch and `rport` (RFC 3581).
    static func via(sentBy: String, transport: SIPTransportKind) -> String {
        "SIP/2.0/\(transport.viaToken) \(sentBy);branch=\(SIPTransportLayer.makeBranch());rport"
    }

    func write(into buffer: inout ByteBuffer) {
        buffer.writeSIPRequestLine(method: method, uri: requestURI)
        buffer.writeSIPHeader(.via, via)
        buffer.writeSIPHeader(.maxForwards, decimal: 70)
        for route in routes { buffer.writeSIPHeader(.route, route) }
        buffer.writeSIPHeader(.from, from)
        buffer.writeSIPHeader(.to, to)
        buffer.writeSIPHeader(.callID, callID)
        buffer.writeSIPHeader(.cseq, "\(cseq) \(method.name)")
        if let contact { buffer.writeSIPHeader(.contact, "<\(contact)>") }
        for (name, value) in headers { buffer.writeSIPHeader(name, value) }
        if let body {
            buffer.writeSIPBody(body.bytes, contentType: body.contentType)
        } else {
            buffer.writeSIPEndOfHeaders()
        }
    }

    /// The request as a parsed and validated message.
    func message() throws(SIPUserAgentError) -> SIPMessage {
        var buffer = ByteBufferAllocator().buffer(capacity: 640 + (body?.bytes.readableBytes ?? 0))
        write(into: &buffer)
        return try SIPRequestDraft.parse(buffer)
    }

    static func parse(_ buffer: ByteBuffer) throws(SIPUserAgentError) -> SIPMessage {
        do {
            let message = try SIPMessage(parsing: buffer)
            try message.validate()
            return message
        } catch {
            throw SIPUserAgentError(.invalidMessage, "the request would not parse: \(error)")
        }
    }
}

extension SIPMessage {
    /// This request sent again as a new transaction (RFC 3261 §8.1.3.5, §22.2): a new top Via
    /// branch, CSeq `cseq`, the Authorization and Proxy-Authorization headers replaced by
    /// `authorizations` (kept when nil), every header named in `replacing` replaced by the
    /// values given there (a 422 retry's Session-Expires and Min-SE, RFC 4028 §7.3),
    /// everything else as it was.
    func resending(
        cseq: UInt32, authorizations: [DigestAuthorization]?, replacing: [(SIPHeaderName, String)] = []
    ) throws(SIPUserAgentError) -> SIPMessage {
        guard isRequest, let method = methodToken?.string, let branch = topViaBranch?.string else {
            throw SIPUserAgentError(.invalidMessage, "only a request with a Via branch can be resent")
        }
        let newBranch = SIPTransportLayer.makeBranch()
        var buffer = ByteBufferAllocator().buffer(capacity: bytes.readableBytes + 512)
        buffer.writeImmutableBuffer(startLine.buffer)
        buffer.writeStaticString("\r\n")
        var firstVia = true
        for header in headers {
            if replacing.contains(where: { $0.0 == header.name }) { continue }
            switch header.name {
            case .authorization where authorizations != nil, .proxyAuthorization where authorizations != nil:
                continue
            case .via where firstVia:
                firstVia = false
                buffer.writeSIPHeader(.via, header.value.string.replacingFirst(branch, with: newBranch))
            case .cseq:
                buffer.writeSIPHeader(.cseq, "\(cseq) \(method)")
            case .contentLength:
                continue
            default:
                buffer.writeImmutableBuffer(header.nameBytes.buffer)
                buffer.writeStaticString(": ")
                buffer.writeImmutableBuffer(header.value.buffer)
                buffer.writeStaticString("\r\n")
            }
            if header.name == .cseq {
                for authorization in authorizations ?? [] { buffer.writeSIPHeader(authorization.headerName, authorization.value) }
                for (name, value) in replacing { buffer.writeSIPHeader(name, value) }
            }
        }
        buffer.writeSIPHeader(.contentLength, decimal: body.count)
        buffer.writeStaticString("\r\n")
        buffer.writeImmutableBuffer(body.buffer)
        return try SIPRequestDraft.parse(buffer)
    }
}

extension String {
    /// The string with the first occurrence of `target` replaced (no Foundation).
    func replacingFirst(_ target: String, with replacement: String) -> String {
        let characters = Array(self)
        let needle = Array(target)
        guard !needle.isEmpty, characters.count >= needle.count else { return self }
        for start in 0...(characters.count - needle.count) where Array(characters[start..<start + needle.count]) == needle {
            return String(characters[..<start]) + replacement + String(characters[(start + needle.count)...])
        }
        return self
    }
}
