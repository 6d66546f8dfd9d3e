import NIOCore
import SIPMessage

/// The answer to a request on a stream that cannot be framed, or in a datagram that does not
/// parse (RFC 3261 §18.3, §21.5.14): 513 (Message Too Large) when the header section or body is
/// over the limits, 400 (Bad Request) for an unusable Content-Length or a body shorter than it
/// says. A Warning (§20.43) says what is wrong and at which byte.
///
/// No message exists then, so this re-reads the header lines that fit the header limit,
/// without Content-Length, as a datagram. It answers only when that is a request with Via,
/// From, To, Call-ID and CSeq, which the response must copy (§8.2.6.2).
enum SIPStreamRejection {
    /// The response to send before closing, or nil to close without one.
    ///
    /// - Parameter warningAgent: the host:port of this element, for the Warning header.
    static func response(
        to buffered: ByteBuffer, error: SIPParseError, limits: SIPParserLimits, source: (host: String, port: Int)?,
        warningAgent: String? = nil
    ) -> ByteBuffer? {
        guard let status = error.rejectStatus else { return nil }
        let length = min(buffered.readableBytes, limits.maxHeaderBytes)
        guard let bytes = buffered.getBytes(at: buffered.readerIndex, length: length) else { return nil }
        var head = ByteBuffer()
        head.reserveCapacity(length + 2)
        var lineStart = 0
        var isFirstLine = true
        var skippingContinuation = false
        while lineStart < bytes.count, let lineFeed = bytes[lineStart...].firstIndex(of: 0x0A) {
            var lineEnd = lineFeed
            if lineEnd > lineStart, bytes[lineEnd - 1] == 0x0D { lineEnd -= 1 }
            let line = bytes[lineStart..<lineEnd]
            lineStart = lineFeed + 1
            if line.isEmpty { break }
            if !isFirstLine, let first = line.first, first == 0x20 || first == 0x09 {
                if !skippingContinuation { writeLine(line, into: &head) }
                continue
            }
            skippingContinuation = !isFirstLine && isContentLength(line)
            if !skippingContinuation { writeLine(line, into: &head) }
            isFirstLine = false
        }
        head.writeStaticString("\r\n")
        guard let request = try? SIPMessage(parsing: head, limits: limits), request.isRequest, request.hasVia,
              request.callID != nil, request.cseqNumber != nil, request.firstValue(.from) != nil,
              request.firstValue(.to) != nil else { return nil }
        var response = ByteBuffer()
        let tag = String(UInt64.random(in: .min ... .max), radix: 36)
        request.writeResponseHead(status: status, reason: reason(status), toTag: tag, source: source, into: &response)
        if let warningAgent {
            response.writeSIPHeader(.warning, SIPWarning.miscellaneous(agent: warningAgent, "\(error)"))
        }
        response.writeSIPEndOfHeaders()
        return response
    }

    private static func writeLine(_ line: ArraySlice<UInt8>, into buffer: inout ByteBuffer) {
        buffer.writeBytes(line)
        buffer.writeStaticString("\r\n")
    }

    /// Whether `line` is a Content-Length header line (long or compact `l` form).
    private static func isContentLength(_ line: ArraySlice<UInt8>) -> Bool {
        guard let colon = line.firstIndex(of: 0x3A) else { return false }
        var nameEnd = colon
        while nameEnd > line.startIndex, line[nameEnd - 1] == 0x20 || line[nameEnd - 1] == 0x09 { nameEnd -= 1 }
        let name = String(decoding: line[line.startIndex..<nameEnd], as: UTF8.self).lowercased()
        return name == "content-length" || name == "l"
    }

    private static func reason(_ status: Int) -> String {
        switch status {
        case 513: "Message Too Large"
        case 505: "Version Not Supported"
        default: "Bad Request"
        }
    }
}
