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
    ///
    /// - Parameter source: the address the request came from (IP literal and port). When
    ///   given, the top Via gets `received` and, if the request asked with a bare `rport`,
    ///   `rport=port` (RFC 3261 §18.2.1, RFC 3581 §4), so the response can be routed back
    ///   through NAT. `received` is added whenever `rport` is asked for or the sent-by host
    ///   differs from the source address.
    public func writeResponseHead(
        status: Int, reason: String, toTag: String? = nil, source: (host: String, port: Int)? = nil, into buffer: inout ByteBuffer
    ) {
        buffer.writeSIPStatusLine(status: status, reason: reason)
        let firstVia = layout.headers.firstIndex(of: .via)
        for index in 0..<layout.headers.count {
            let field = layout.headers[index]
            switch field.name {
            case .via where index == firstVia && source != nil:
                if let source { writeTopVia(field, source: source, into: &buffer) }
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

    /// Writes the first Via line with `received` / `rport` filled in for `source`.
    private func writeTopVia(_ field: HeaderField, source: (host: String, port: Int), into buffer: inout ByteBuffer) {
        let value = field.valueRange
        let top = layout.topVia
        var wantsRPort = false
        var skip: [ByteRange] = []
        // Drop a bare `rport` and any `received` already there; they are written anew.
        readBytes { raw in
            try? scanParameters(raw, top.start, top.end, skipping: layout.viaSentBy.end) { parameter, range in
                let name = parameter.name
                if name.count == 5, literalEqualsLowercased(raw, name.start, "rport"), !parameter.hasValue {
                    wantsRPort = true
                    skip.append(range)
                } else if name.count == 8, literalEqualsLowercased(raw, name.start, "received") {
                    skip.append(range)
                }
            }
        }

        let sentByHost = slice(layout.viaHost).string
        let addReceived = wantsRPort || sentByHost.trimmingBrackets != source.host
        buffer.writeStaticString(field.name.canonicalName)
        buffer.writeStaticString(": ")
        var position = value.start
        for range in skip {
            buffer.writeImmutableBuffer(slice(ByteRange(position, range.start)).buffer)
            position = range.end
        }
        buffer.writeImmutableBuffer(slice(ByteRange(position, top.end)).buffer)
        if addReceived {
            buffer.writeStaticString(";received=")
            buffer.writeString(source.host)
        }
        if wantsRPort {
            buffer.writeStaticString(";rport=")
            buffer.writeDecimal(source.port)
        }
        buffer.writeImmutableBuffer(slice(ByteRange(top.end, value.end)).buffer)
        buffer.writeStaticString("\r\n")
    }
}

extension String {
    /// The string without surrounding `[` `]` (an IPv6 reference's brackets).
    fileprivate var trimmingBrackets: String {
        hasPrefix("[") && hasSuffix("]") ? String(dropFirst().dropLast()) : self
    }
}
