import NIOCore
import SIPMessage

extension ClientInviteTransaction {
    /// Builds the ACK for a 300-699 final response to `request` (RFC 3261 §17.1.1.3):
    ///
    /// ```
    /// ACK <Request-URI of the INVITE> SIP/2.0
    /// Via: <top Via of the INVITE, and only it>
    /// Route: <each Route line of the INVITE, in order>
    /// Max-Forwards: <the INVITE's, or 70>
    /// From: <From of the INVITE>
    /// To: <To of the response, with its tag>
    /// Call-ID: <Call-ID of the INVITE>
    /// CSeq: <CSeq number of the INVITE> ACK
    /// Content-Length: 0
    /// ```
    ///
    /// Every value is copied as bytes from the two messages; nothing is re-encoded.
    public static func makeACK(for request: SIPMessage, response: SIPMessage) -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: 384)
        if let uri = request.requestURI {
            buffer.writeSIPRequestLine(method: .ack, uri: uri)
        } else {
            buffer.writeSIPRequestLine(method: .ack, uri: "")
        }
        if let via = request.firstValue(.via) {
            buffer.writeSIPHeader(.via, firstElement(of: via))
        }
        for route in request.values(.route) {
            buffer.writeSIPHeader(.route, route)
        }
        if let maxForwards = request.firstValue(.maxForwards) {
            buffer.writeSIPHeader(.maxForwards, maxForwards)
        } else {
            buffer.writeSIPHeader(.maxForwards, decimal: 70)
        }
        if let from = request.firstValue(.from) {
            buffer.writeSIPHeader(.from, from)
        }
        if let to = response.firstValue(.to) ?? request.firstValue(.to) {
            buffer.writeSIPHeader(.to, to)
        }
        if let callID = request.firstValue(.callID) {
            buffer.writeSIPHeader(.callID, callID)
        }
        buffer.writeStaticString("CSeq: ")
        buffer.writeString(String(request.cseqNumber ?? 0))
        buffer.writeStaticString(" ACK\r\n")
        buffer.writeSIPEndOfHeaders()
        return buffer
    }

    /// The first comma-separated value of a header line (a Via line may carry several), with
    /// commas inside quoted strings and `<...>` ignored and trailing white space trimmed.
    static func firstElement(of value: SIPBytes) -> SIPBytes {
        let end: Int = value.withUnsafeBytes { raw in
            var inQuotes = false
            var inAngle = false
            var index = 0
            while index < raw.count {
                let byte = raw[index]
                if inQuotes {
                    if byte == UInt8(ascii: "\\") {
                        index &+= 1
                    } else if byte == UInt8(ascii: "\"") {
                        inQuotes = false
                    }
                } else if byte == UInt8(ascii: "\"") {
                    inQuotes = true
                } else if byte == UInt8(ascii: "<") {
                    inAngle = true
                } else if byte == UInt8(ascii: ">") {
                    inAngle = false
                } else if byte == UInt8(ascii: ","), !inAngle {
                    break
                }
                index &+= 1
            }
            var end = min(index, raw.count)
            while end > 0, raw[end &- 1] == UInt8(ascii: " ") || raw[end &- 1] == UInt8(ascii: "\t")
                || raw[end &- 1] == UInt8(ascii: "\r") || raw[end &- 1] == UInt8(ascii: "\n") {
                end &-= 1
            }
            return end
        }
        guard end < value.count else { return value }
        return SIPBytes(value.buffer.getSlice(at: value.buffer.readerIndex, length: end) ?? value.buffer)
    }
}
