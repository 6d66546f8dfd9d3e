import NIOCore

extension SIPMessage {
    /// Writes this message back out: the start line, every header line with its value bytes as
    /// received (known names in canonical spelling), the empty line and the body.
    ///
    /// Parsing the result gives back the same message: same start line, same headers in the
    /// same order with the same values, same body.
    public func write(into buffer: inout ByteBuffer) {
        buffer.writeImmutableBuffer(startLine.buffer)
        buffer.writeStaticString("\r\n")
        for index in 0..<layout.headers.count {
            let field = layout.headers[index]
            if field.name == .other {
                buffer.writeImmutableBuffer(slice(field.nameRange).buffer)
            } else {
                buffer.writeStaticString(field.name.canonicalName)
            }
            buffer.writeStaticString(": ")
            buffer.writeImmutableBuffer(slice(field.valueRange).buffer)
            buffer.writeStaticString("\r\n")
        }
        buffer.writeStaticString("\r\n")
        buffer.writeImmutableBuffer(body.buffer)
    }

    /// Writes the start of a response to this request (RFC 3261 §8.2.6.2): the status line,
    /// then the Via, From, To, Call-ID and CSeq lines copied as bytes, adding `;tag=toTag` to To
    /// when it has no tag and a tag is given (any status but 100). Write further headers, then
    /// end with ``NIOCore/ByteBuffer/writeSIPEndOfHeaders()`` or
    /// ``NIOCore/ByteBuffer/writeSIPBody(_:contentType:)-(ByteBuffer,_)``.
    public func writeResponseHead(status: Int, reason: String, toTag: String? = nil, into buffer: inout ByteBuffer) {
        buffer.writeSIPStatusLine(status: status, reason: reason)
        for index in 0..<layout.headers.count {
            let field = layout.headers[index]
            switch field.name {
            case .via, .from, .callID, .cseq:
                buffer.writeSIPHeader(field.name, slice(field.valueRange))
            case .to:
                buffer.writeSIPHeader(field.name, slice(field.valueRange))
                if let toTag, status != 100, layout.toTag.isEmpty, layout.headers.firstIndex(of: .to) == index {
                    // Insert the tag before the CRLF just written.
                    buffer.moveWriterIndex(to: buffer.writerIndex &- 2)
                    buffer.writeStaticString(";tag=")
                    buffer.writeString(toTag)
                    buffer.writeStaticString("\r\n")
                }
            default:
                break
            }
        }
    }
}
