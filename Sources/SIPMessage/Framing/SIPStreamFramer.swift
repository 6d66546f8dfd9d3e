import NIOCore

/// Cuts SIP messages out of a byte stream (TCP, TLS, WebSocket without message framing),
/// using Content-Length (RFC 3261 §18.3).
///
/// Feed it the bytes received so far; each call answers with one ``Frame``: not enough bytes
/// yet, a run of CRLF keep-alives to consume (RFC 5626 §4.4.1), or one complete message of N
/// bytes. It remembers how far it has looked, so a message that arrives byte by byte is
/// scanned once. A header section larger than ``SIPParserLimits/maxHeaderBytes``, a body
/// larger than ``SIPParserLimits/maxBodyBytes`` or an unusable Content-Length throws: the
/// stream cannot be framed any more and the connection should be closed (after answering 513
/// or 400 when the start line was a request).
///
/// ```swift
/// var framer = SIPStreamFramer()
/// while true {
///     switch try framer.nextFrame(in: buffer) {
///     case .needMoreBytes: return                     // wait for the next read
///     case .keepAlive(let count): buffer.moveReaderIndex(forwardBy: count)
///     case .message(let count):
///         let message = try SIPMessage(parsingFrame: buffer.readSlice(length: count)!)
///     }
/// }
/// ```
public struct SIPStreamFramer: Sendable {
    /// What the next bytes of the stream are.
    public enum Frame: Sendable, Hashable {
        /// The bytes so far are the start of a message; read more.
        case needMoreBytes
        /// The first `byteCount` bytes are CR/LF keep-alives (a ping is CRLFCRLF and should
        /// be answered with a CRLF pong); consume them and ask again.
        case keepAlive(byteCount: Int)
        /// The first `byteCount` bytes are one message: parse them with
        /// ``SIPMessage/init(parsingFrame:limits:)``.
        case message(byteCount: Int)
    }

    /// The limits applied to every message on this stream.
    public let limits: SIPParserLimits

    /// How far the search for the end of the header section has got (bytes from the start).
    private var scannedBytes = 0
    /// The total length of the current message, once its header section has been read.
    private var pendingLength = -1

    public init(limits: SIPParserLimits = .default) {
        self.limits = limits
    }

    /// Examines the readable bytes of `buffer`, which must start where the previous frame
    /// ended (the framer keeps state between calls until it returns a frame).
    public mutating func nextFrame(in buffer: ByteBuffer) throws(SIPParseError) -> Frame {
        if pendingLength >= 0 {
            guard buffer.readableBytes >= pendingLength else { return .needMoreBytes }
            let length = pendingLength
            reset()
            return .message(byteCount: length)
        }

        let result: Result<Frame, SIPParseError> = buffer.withUnsafeReadableBytes { raw in
            do throws(SIPParseError) {
                return .success(try scan(raw))
            } catch {
                return .failure(error)
            }
        }

        let frame = try result.get()
        if case .needMoreBytes = frame {} else { reset() }
        return frame
    }

    private mutating func reset() {
        scannedBytes = 0
        pendingLength = -1
    }

    private mutating func scan(_ bytes: UnsafeRawBufferPointer) throws(SIPParseError) -> Frame {
        let count = bytes.count
        // Keep-alives: CRLF pairs (or lone LFs) before a message.
        if scannedBytes == 0 {
            var index = 0
            while index < count {
                if bytes[index] == ASCII.lf {
                    index &+= 1
                } else if bytes[index] == ASCII.cr, index &+ 1 < count, bytes[index &+ 1] == ASCII.lf {
                    index &+= 2
                } else {
                    break
                }
            }
            if index > 0 { return .keepAlive(byteCount: index) }
            if count == 1, bytes[0] == ASCII.cr { return .needMoreBytes }
        }
        // The end of the header section: an empty line (CRLFCRLF, or LF LF / LF CRLF). The
        // whole section, empty line included, must fit in maxHeaderBytes, as for the parser.
        var index = max(0, scannedBytes &- 3)
        var headerEnd = -1
        let searchLimit = min(count, limits.maxHeaderBytes)
        while index < searchLimit {
            if bytes[index] == ASCII.lf {
                var next = index &+ 1
                if next < count, bytes[next] == ASCII.cr { next &+= 1 }
                if next < count, bytes[next] == ASCII.lf {
                    headerEnd = next &+ 1
                    break
                }
            }
            index &+= 1
        }
        if headerEnd > limits.maxHeaderBytes {
            throw SIPParseError(.headersTooLarge, at: limits.maxHeaderBytes, "no end of the header section within the header size limit", isRequest: startsWithRequestLine(bytes))
        }
        if headerEnd < 0 {
            guard count < limits.maxHeaderBytes else {
                throw SIPParseError(.headersTooLarge, at: limits.maxHeaderBytes, "no end of the header section within the header size limit", isRequest: startsWithRequestLine(bytes))
            }
            scannedBytes = count
            return .needMoreBytes
        }

        let bodyLength = try contentLength(bytes, headerEnd)
        guard bodyLength <= limits.maxBodyBytes else {
            throw SIPParseError(.bodyTooLarge, at: headerEnd, "Content-Length exceeds the body size limit", isRequest: startsWithRequestLine(bytes))
        }

        let total = headerEnd &+ bodyLength
        guard count >= total else {
            pendingLength = total
            return .needMoreBytes
        }
        return .message(byteCount: total)
    }

    /// The Content-Length of the header section `bytes[0..<headerEnd]`; 0 when absent.
    private func contentLength(_ bytes: UnsafeRawBufferPointer, _ headerEnd: Int) throws(SIPParseError) -> Int {
        var found = -1
        var lineStart = 0
        let isRequest = startsWithRequestLine(bytes)
        // Skip the start line.
        while lineStart < headerEnd, bytes[lineStart] != ASCII.lf { lineStart &+= 1 }
        lineStart &+= 1
        while lineStart < headerEnd {
            var lineEnd = lineStart
            while lineEnd < headerEnd, bytes[lineEnd] != ASCII.lf { lineEnd &+= 1 }
            let nameEnd = scanRun(bytes, lineStart, lineEnd, ASCII.token)
            if nameEnd > lineStart {
                let name = SIPHeaderName.lookup(bytes, lineStart, nameEnd &- lineStart)
                if name == .contentLength {
                    var valueStart = skipWhitespace(bytes, nameEnd, lineEnd)
                    if valueStart < lineEnd, bytes[valueStart] == ASCII.colon { valueStart &+= 1 }
                    // The value runs to the end of the line and over any continuation lines.
                    var valueEnd = lineEnd
                    while valueEnd &+ 1 < headerEnd, ASCII.isBlank(bytes[valueEnd &+ 1]) {
                        valueEnd &+= 1
                        while valueEnd < headerEnd, bytes[valueEnd] != ASCII.lf { valueEnd &+= 1 }
                    }

                    let start = skipWhitespace(bytes, valueStart, valueEnd)
                    let end = trimTrailingWhitespace(bytes, start, valueEnd)
                    guard let value = parseDecimal(bytes, start, end), value <= UInt64(Int32.max) else {
                        throw SIPParseError(.invalidContentLength, at: start, "Content-Length is not a decimal number below 2^31", isRequest: isRequest)
                    }
                    if found >= 0, found != Int(value) {
                        throw SIPParseError(.conflictingContentLength, at: start, "two Content-Length headers disagree, so the stream cannot be framed", isRequest: isRequest)
                    }
                    found = Int(value)
                    lineEnd = valueEnd
                }
            }
            lineStart = lineEnd &+ 1
        }
        return max(found, 0)
    }

    private func startsWithRequestLine(_ bytes: UnsafeRawBufferPointer) -> Bool? {
        guard bytes.count >= 4 else { return nil }
        return !hasSIPVersionPrefix(bytes, 0, bytes.count)
    }
}
