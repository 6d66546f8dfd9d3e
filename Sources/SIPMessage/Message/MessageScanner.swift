#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// How the message's bytes were delimited by the transport (RFC 3261 §18.3).
enum Framing: Sendable {
    /// One UDP datagram: Content-Length may be absent (the body runs to the end) and bytes
    /// after the declared body are ignored.
    case datagram
    /// Exactly one message cut from a stream by ``SIPStreamFramer``.
    case stream
}

/// The single pass over a message's bytes that fills a ``MessageLayout``.
///
/// Lines end in CRLF; a bare LF is accepted too (and flagged), as robust parsers do. The start
/// line, every header line and the pre-parsed headers are checked here; other header values are
/// only located.
struct MessageScanner: ~Copyable {
    let bytes: UnsafeRawBufferPointer
    let framing: Framing
    let limits: SIPParserLimits
    /// The layout being filled, addressed in place (it is large: no copies on the hot path).
    let output: UnsafeMutablePointer<MessageLayout>

    var layout: MessageLayout {
        unsafeAddress { UnsafePointer(output) }
        nonmutating unsafeMutableAddress { output }
    }

    /// Scans `bytes` into `layout` (which must be fresh); returns the message's length.
    static func scan(
        _ bytes: UnsafeRawBufferPointer, framing: Framing, limits: SIPParserLimits, into output: UnsafeMutablePointer<MessageLayout>
    ) throws(SIPParseError) -> Int {
        let scanner = MessageScanner(bytes: bytes, framing: framing, limits: limits, output: output)
        return try scanner.run()
    }

    /// The position of the next LF at or after `position`, or nil (memchr: vectorised).
    func findLineFeed(_ position: Int) -> Int? {
        guard position < bytes.count, let base = bytes.baseAddress else { return nil }
        guard let found = memchr(base + position, Int32(ASCII.lf), bytes.count &- position) else { return nil }
        return base.distance(to: UnsafeRawPointer(found))
    }

    func error(_ code: SIPParseError.Code, _ offset: Int, _ detail: StaticString) -> SIPParseError {
        SIPParseError(code, at: offset, detail, isRequest: layout.isRequest)
    }

    /// Scans the message; returns the number of bytes it occupies (for a datagram, trailing
    /// bytes after the body are not part of it).
    func run() throws(SIPParseError) -> Int {
        let count = bytes.count
        var position = 0
        // RFC 3261 §7.5: ignore CRLFs before the start line.
        while position < count, bytes[position] == ASCII.cr || bytes[position] == ASCII.lf { position &+= 1 }
        guard position < count else { throw SIPParseError(.empty, at: position, "no start line", isRequest: nil) }

        // Start line.
        let startLineEnd = findLineFeed(position) ?? count
        var contentEnd = startLineEnd
        if contentEnd > position, bytes[contentEnd &- 1] == ASCII.cr { contentEnd &-= 1 }
        guard contentEnd &- position <= limits.maxHeaderBytes else {
            throw SIPParseError(
                .headersTooLarge, at: position, "the start line is longer than the header size limit",
                isRequest: !hasSIPVersionPrefix(bytes, position, contentEnd))
        }
        try scanStartLine(position, contentEnd)
        if startLineEnd < count, contentEnd == startLineEnd { layout.flags.insert(.bareLineFeed) }

        // Header lines.
        position = startLineEnd &+ 1
        // The header being read: committed (stored and, for routing headers, decoded) once
        // its continuation lines are known, when the next header or the empty line comes.
        var pending: HeaderField?
        var terminated = false
        while position < count {
            let lineEnd = findLineFeed(position) ?? count
            var lineContentEnd = lineEnd
            if lineContentEnd > position, bytes[lineContentEnd &- 1] == ASCII.cr {
                lineContentEnd &-= 1
            } else if lineEnd < count {
                layout.flags.insert(.bareLineFeed)
            }
            guard lineEnd &- layout.startLineRange.start < limits.maxHeaderBytes else {
                throw error(.headersTooLarge, position, "the header section is larger than the limit")
            }
            if lineContentEnd == position {
                // The empty line: the header section ends here.
                position = lineEnd &+ 1
                terminated = lineEnd < count
                break
            }

            let first = bytes[position]
            if ASCII.isBlank(first) {
                // A continuation line (RFC 3261 §7.3.1): extend the previous header's value.
                guard var field = pending else {
                    throw error(.malformedLineEnding, position, "a folded continuation line comes before any header")
                }

                let trimmedEnd = trimTrailingWhitespace(bytes, position, lineContentEnd)
                if trimmedEnd > position {
                    if field.valueRange.isEmpty {
                        // The value starts on this continuation line.
                        let valueStart = skipWhitespace(bytes, position, trimmedEnd)
                        guard valueStart &- field.nameRange.start <= HeaderField.maxValueOffset else {
                            throw error(.malformedHeaderLine, position, "a header value starts more than 65535 bytes after its name")
                        }
                        field.valueOffset = UInt16(truncatingIfNeeded: valueStart &- field.nameRange.start)
                    }
                    field.valueEnd = UInt32(truncatingIfNeeded: trimmedEnd)
                    pending = field
                }
            } else {
                let nameEnd = scanRun(bytes, position, lineContentEnd, ASCII.token)
                guard nameEnd > position else {
                    throw error(.malformedHeaderLine, position, "a header name is not a token")
                }

                var index = nameEnd
                while index < lineContentEnd, ASCII.isBlank(bytes[index]) { index &+= 1 }
                guard index < lineContentEnd, bytes[index] == ASCII.colon else {
                    throw error(.malformedHeaderLine, index, "a header line has no ':' after its name")
                }
                index &+= 1
                while index < lineContentEnd, ASCII.isBlank(bytes[index]) { index &+= 1 }
                let valueEnd = trimTrailingWhitespace(bytes, index, lineContentEnd)
                guard layout.headers.count &+ (pending == nil ? 0 : 1) < limits.maxHeaderCount else {
                    throw error(.headersTooLarge, position, "the message has more header lines than the limit")
                }

                let name = SIPHeaderName.lookup(bytes, position, nameEnd &- position)
                if let complete = pending { try commit(complete) }
                guard nameEnd &- position <= HeaderField.maxNameLength, index &- position <= HeaderField.maxValueOffset else {
                    throw error(.malformedHeaderLine, position, "a header name is longer than 255 bytes or its value starts too far after it")
                }
                pending = HeaderField(name: name, nameStart: position, nameEnd: nameEnd, valueStart: index, valueEnd: valueEnd)
            }
            position = lineEnd &+ 1
        }
        if !terminated {
            guard framing == .datagram else {
                throw error(.malformedLineEnding, count, "the header section does not end with an empty line")
            }
            // A datagram that ends after its last header line: accept it with an empty body.
            layout.flags.insert(.unterminatedHeaders)
            position = count
        }
        layout.bodyStart = position
        if let complete = pending { try commit(complete) }

        // Body (RFC 3261 §18.3, §20.14).
        let available = count &- position
        var bodyLength: Int
        if layout.contentLength >= 0 {
            bodyLength = layout.contentLength
            guard bodyLength <= available else {
                throw error(.truncatedBody, position, "Content-Length is larger than the bytes received")
            }
        } else {
            bodyLength = framing == .datagram ? available : 0
        }
        guard bodyLength <= limits.maxBodyBytes else {
            throw error(.bodyTooLarge, position, "the body is larger than the limit")
        }
        if framing == .stream { bodyLength = min(bodyLength, available) }
        layout.bodyRange = ByteRange(position, position &+ bodyLength)
        return position &+ bodyLength
    }

    // MARK: Start line
    func scanStartLine(_ start: Int, _ end: Int) throws(SIPParseError) {
        layout.startLineRange = ByteRange(start, end)
        if hasSIPVersionPrefix(bytes, start, end) {
            try scanStatusLine(start, end)
        } else {
            try scanRequestLine(start, end)
        }
    }

    /// `SIP/` 1*DIGIT `.` 1*DIGIT at `start`; returns the position after it, or nil.
    func scanVersion(_ start: Int, _ end: Int) -> Int? {
        guard end &- start >= 7, hasSIPVersionPrefix(bytes, start, end) else { return nil }
        var index = start &+ 4
        let major = index
        while index < end, ASCII.isDigit(bytes[index]) { index &+= 1 }
        guard index > major, index < end, bytes[index] == ASCII.dot else { return nil }
        index &+= 1
        let minor = index
        while index < end, ASCII.isDigit(bytes[index]) { index &+= 1 }
        guard index > minor else { return nil }
        return index
    }

    func scanRequestLine(_ start: Int, _ end: Int) throws(SIPParseError) {
        layout.isRequest = true
        // Method SP Request-URI SP SIP-Version, single spaces (RFC 3261 §7.1, §25.1).
        let methodEnd = scanRun(bytes, start, end, ASCII.token)
        guard methodEnd > start else {
            throw error(.malformedRequestLine, start, "the request line does not start with a method token")
        }
        guard methodEnd < end, bytes[methodEnd] == ASCII.space else {
            throw error(.malformedRequestLine, methodEnd, "expected one SP after the method")
        }
        layout.methodRange = ByteRange(start, methodEnd)
        layout.methodID = SIPMethod.lookup(bytes, start, methodEnd &- start)
        // The URI ends at the next SP; its characters are checked by `validate()`.
        let uriStart = methodEnd &+ 1
        let uriEnd = findByte(bytes, uriStart, end, ASCII.space) ?? end
        guard uriEnd > uriStart else {
            throw error(.malformedRequestLine, uriStart, "expected a Request-URI after one SP")
        }
        guard hasScheme(bytes, uriStart, uriEnd) else {
            throw error(.malformedRequestURI, uriStart, "the Request-URI is not a URI")
        }
        guard uriEnd < end else {
            throw error(.malformedRequestLine, uriEnd, "the request line has no SIP version")
        }
        layout.requestURIRange = ByteRange(uriStart, uriEnd)
        let versionStart = uriEnd &+ 1
        guard let versionEnd = scanVersion(versionStart, end) else {
            throw error(.malformedRequestLine, versionStart, "expected 'SIP/2.0' after the Request-URI and one SP")
        }
        guard versionEnd == end else {
            throw error(.malformedRequestLine, versionEnd, "unexpected bytes after the SIP version")
        }
        layout.versionRange = ByteRange(versionStart, versionEnd)
    }

    func scanStatusLine(_ start: Int, _ end: Int) throws(SIPParseError) {
        layout.isRequest = false
        // SIP-Version SP Status-Code SP Reason-Phrase (RFC 3261 §7.2).
        guard let versionEnd = scanVersion(start, end) else {
            throw error(.malformedVersion, start, "the status line does not start with SIP/x.y")
        }
        layout.versionRange = ByteRange(start, versionEnd)
        guard versionEnd < end, bytes[versionEnd] == ASCII.space else {
            throw error(.malformedStatusLine, versionEnd, "expected one SP after the SIP version")
        }

        let codeStart = versionEnd &+ 1
        var index = codeStart
        while index < end, ASCII.isDigit(bytes[index]) { index &+= 1 }
        guard index &- codeStart == 3 else {
            throw error(.malformedStatusLine, codeStart, "the status code is not three digits")
        }

        let code = UInt16(bytes[codeStart] &- ASCII.zero) &* 100 &+ UInt16(bytes[codeStart &+ 1] &- ASCII.zero) &* 10
            &+ UInt16(bytes[codeStart &+ 2] &- ASCII.zero)
        guard code >= 100, code <= 699 else {
            throw error(.malformedStatusLine, codeStart, "the status code is not from 100 to 699")
        }
        layout.statusCode = code
        if index < end {
            guard bytes[index] == ASCII.space else {
                throw error(.malformedStatusLine, index, "expected SP after the status code")
            }
            index &+= 1
        }
        layout.reasonRange = ByteRange(index, end)
    }

    // MARK: Pre-parsed headers
    /// Stores a complete header line and decodes it when routing needs it.
    func commit(_ field: HeaderField) throws(SIPParseError) {
        layout.headers.append(field)
        do throws(SIPParseError) {
            try decodeRoutingHeader(field)
        } catch {
            throw SIPParseError(error, isRequest: layout.isRequest)
        }
    }

    func decodeRoutingHeader(_ field: HeaderField) throws(SIPParseError) {
            let value = field.valueRange
            switch field.name {
            case .via where !layout.flags.contains(.hasVia):
                let via = try ViaLayout.scan(bytes, value.start, value.end)
                layout.viaTransport = via.transport
                layout.viaHost = via.host
                layout.viaPort = via.port
                if via.hasPort { layout.flags.insert(.hasViaPort) }
                layout.viaSentBy = via.sentBy
                layout.viaBranch = via.branch
                layout.topVia = ByteRange(value.start, trimTrailingWhitespace(bytes, value.start, via.end))
                layout.flags.insert(.hasVia)
            case .from where !layout.flags.contains(.hasFrom):
                let address = try NameAddrLayout.scan(bytes, value.start, value.end)
                layout.fromTag = address.tag
                layout.flags.insert(.hasFrom)
            case .to where !layout.flags.contains(.hasTo):
                let address = try NameAddrLayout.scan(bytes, value.start, value.end)
                layout.toTag = address.tag
                layout.flags.insert(.hasTo)
            case .callID where !layout.flags.contains(.hasCallID):
                guard !value.isEmpty else { throw error(.malformedHeaderValue, value.start, "Call-ID is empty") }
                var probe = value.start
                while probe < value.end {
                    let byte = bytes[probe]
                    guard byte > ASCII.space, byte != 0x7F else {
                        throw error(.malformedHeaderValue, probe, "Call-ID contains white space or a control character")
                    }
                    probe &+= 1
                }
                layout.callID = value
                layout.flags.insert(.hasCallID)
            case .cseq where !layout.flags.contains(.hasCSeq):
                try decodeCSeq(value)
            case .contentLength:
                guard let length = parseDecimal(bytes, value.start, value.end), length <= UInt64(Int32.max) else {
                    throw error(.invalidContentLength, value.start, "Content-Length is not a decimal number below 2^31")
                }
                if layout.contentLength < 0 {
                    layout.contentLength = Int(length)
                } else if layout.contentLength != Int(length) {
                    layout.flags.insert(.conflictingContentLength)
                }
            default:
                break
            }
    }

    /// CSeq = 1*DIGIT LWS Method (RFC 3261 §20.16); the number must fit 32 bits (§8.1.1.5).
    func decodeCSeq(_ value: ByteRange) throws(SIPParseError) {
        var index = value.start
        while index < value.end, ASCII.isDigit(bytes[index]) { index &+= 1 }
        guard index > value.start, let number = parseDecimal(bytes, value.start, index), number <= UInt64(UInt32.max) else {
            throw error(.invalidCSeq, value.start, "the CSeq number is not a decimal number below 2^32")
        }

        let methodStart = skipWhitespace(bytes, index, value.end)
        guard methodStart > index else {
            throw error(.invalidCSeq, index, "expected white space between the CSeq number and method")
        }

        let methodEnd = scanRun(bytes, methodStart, value.end, ASCII.token)
        guard methodEnd > methodStart, methodEnd == value.end else {
            throw error(.invalidCSeq, methodEnd, "the CSeq method is not a single token")
        }
        layout.cseqNumber = UInt32(number)
        layout.cseqMethodRange = ByteRange(methodStart, methodEnd)
        layout.cseqMethodID = SIPMethod.lookup(bytes, methodStart, methodEnd &- methodStart)
        layout.flags.insert(.hasCSeq)
    }
}
