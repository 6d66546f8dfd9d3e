import NIOCore

/// A SIP request or response: a view over the bytes it was received in.
///
/// Parsing records offsets and never copies a header value: every accessor returns a
/// ``SIPBytes`` that shares the message's storage, and typed views (``via``, ``from``,
/// ``contacts``...) decode their header only when asked. The fields a transaction layer needs
/// for every message (top Via, From/To tags, Call-ID, CSeq, Content-Length) are checked and
/// located at parse time.
///
/// ```
///  bytes:  INVITE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP ...\r\n...\r\n\r\nv=0...
///          ^method ^requestURI        ^version  ^headers[0]                    ^body
/// ```
///
/// Parse a UDP datagram with ``init(parsing:limits:)``; cut messages out of a TCP, TLS or
/// WebSocket stream with ``SIPStreamFramer`` and parse each with ``init(parsingFrame:limits:)``.
/// Parsing does not check the grammar of every header: call ``validate()`` for that, and
/// ``rejection(profile:)`` for the checks a user agent makes before processing a request.
public struct SIPMessage: Sendable {
    /// The bytes of this message (start line, headers and body), and nothing after them.
    public private(set) var bytes: ByteBuffer
    @usableFromInline private(set) var layout: MessageLayout

    init(bytes: ByteBuffer, layout: MessageLayout) {
        self.bytes = bytes
        self.layout = layout
    }

    /// Parses one UDP datagram (RFC 3261 §18.3): without Content-Length the body runs to the end
    /// of the datagram, and bytes after the declared body are ignored.
    ///
    /// - Throws: ``SIPParseError`` naming what is wrong and its byte offset in `datagram`.
    public init(parsing datagram: ByteBuffer, limits: SIPParserLimits = .default) throws(SIPParseError) {
        self.bytes = datagram
        self.layout = MessageLayout()
        let length = try Self.scan(datagram, .datagram, limits, into: &layout)
        self.bytes = datagram.getSlice(at: datagram.readerIndex, length: length) ?? datagram
    }

    /// Parses one message that ``SIPStreamFramer`` cut from a stream transport: the bytes must
    /// be exactly one message.
    public init(parsingFrame frame: ByteBuffer, limits: SIPParserLimits = .default) throws(SIPParseError) {
        self.bytes = frame
        self.layout = MessageLayout()
        let length = try Self.scan(frame, .stream, limits, into: &layout)
        self.bytes = frame.getSlice(at: frame.readerIndex, length: length) ?? frame
    }

    /// Parses the UTF-8 bytes of `text` as a datagram (for tests, tools and examples).
    public init(parsing text: String, limits: SIPParserLimits = .default) throws(SIPParseError) {
        try self.init(parsing: ByteBuffer(string: text), limits: limits)
    }

    /// Scans `input` straight into `layout` (large: scanned in place, never copied); returns
    /// the length of the message.
    private static func scan(
        _ input: ByteBuffer, _ framing: Framing, _ limits: SIPParserLimits, into layout: inout MessageLayout
    ) throws(SIPParseError) -> Int {
        var failure: SIPParseError?
        let length = withUnsafeMutablePointer(to: &layout) { output in
            input.withUnsafeReadableBytes { raw -> Int in
                do throws(SIPParseError) {
                    return try MessageScanner.scan(raw, framing: framing, limits: limits, into: output)
                } catch {
                    failure = error
                    return 0
                }
            }
        }
        if let failure { throw failure }
        return length
    }

    /// The bytes of `range` as a view sharing this message's storage.
    @usableFromInline
    func slice(_ range: ByteRange) -> SIPBytes {
        SIPBytes(bytes.getSlice(at: bytes.readerIndex &+ range.start, length: range.count) ?? ByteBuffer())
    }

    /// The bytes of `range`, or nil when the range is empty (an absent field).
    @usableFromInline
    func optionalSlice(_ range: ByteRange) -> SIPBytes? {
        range.isEmpty ? nil : slice(range)
    }

    /// Runs `body` over this message's bytes (offsets in ranges are relative to them).
    @usableFromInline
    func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws(SIPParseError) -> R) throws(SIPParseError) -> R {
        let result: Result<R, SIPParseError> = bytes.withUnsafeReadableBytes { raw in
            do throws(SIPParseError) {
                return .success(try body(raw))
            } catch {
                return .failure(SIPParseError(error, isRequest: layout.isRequest))
            }
        }
        return try result.get()
    }

    /// Runs a non-throwing `body` over this message's bytes.
    @usableFromInline
    func readBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        bytes.withUnsafeReadableBytes(body)
    }
}

// MARK: - Start line

extension SIPMessage {
    /// Whether this is a request (else a response).
    public var isRequest: Bool { layout.isRequest }

    /// The request method, or nil for a response.
    public var method: SIPMethod? {
        guard layout.isRequest else { return nil }
        if layout.methodID != 0 { return SIPMethod(rawValue: layout.methodID) }
        return SIPMethod(slice(layout.methodRange).string)
    }

    /// The method token as received, or nil for a response.
    public var methodToken: SIPBytes? { layout.isRequest ? slice(layout.methodRange) : nil }

    /// The Request-URI as received, or nil for a response.
    public var requestURI: SIPBytes? { layout.isRequest ? slice(layout.requestURIRange) : nil }

    /// The SIP version of the start line, such as `SIP/2.0`.
    public var version: SIPBytes { slice(layout.versionRange) }

    /// Whether the start line says `SIP/2.0` (the only version this stack speaks).
    public var isVersion2: Bool {
        let range = layout.versionRange
        return range.count == 7 && readBytes { raw in
            raw[range.start &+ 4] == 0x32 && raw[range.start &+ 5] == ASCII.dot && raw[range.start &+ 6] == ASCII.zero
        }
    }

    /// The status code of a response, or nil for a request.
    public var statusCode: Int? { layout.isRequest ? nil : Int(layout.statusCode) }

    /// The reason phrase of a response (possibly empty), or nil for a request.
    public var reasonPhrase: SIPBytes? { layout.isRequest ? nil : slice(layout.reasonRange) }

    /// The start line without its CRLF.
    public var startLine: SIPBytes { slice(layout.startLineRange) }
}

// MARK: - Pre-parsed fields

extension SIPMessage {
    /// The Call-ID (first Call-ID header), or nil when there is none.
    public var callID: SIPBytes? { layout.flags.contains(.hasCallID) ? slice(layout.callID) : nil }

    /// The CSeq sequence number, or nil when there is no CSeq header.
    public var cseqNumber: UInt32? { layout.flags.contains(.hasCSeq) ? layout.cseqNumber : nil }

    /// The CSeq method, or nil when there is no CSeq header.
    public var cseqMethod: SIPMethod? {
        guard layout.flags.contains(.hasCSeq) else { return nil }
        if layout.cseqMethodID != 0 { return SIPMethod(rawValue: layout.cseqMethodID) }
        return SIPMethod(slice(layout.cseqMethodRange).string)
    }

    /// The CSeq method token as received, or nil when there is no CSeq header.
    public var cseqMethodToken: SIPBytes? { layout.flags.contains(.hasCSeq) ? slice(layout.cseqMethodRange) : nil }

    /// The top Via's branch parameter, or nil when the top Via has none (RFC 2543 peers).
    public var topViaBranch: SIPBytes? { optionalSlice(layout.viaBranch) }

    /// The top Via's sent-by (`host[:port]`), or nil when there is no Via.
    public var topViaSentBy: SIPBytes? { optionalSlice(layout.viaSentBy) }

    /// The top Via's host (IPv6 references keep their brackets), or nil when there is no Via.
    public var topViaHost: SIPBytes? { optionalSlice(layout.viaHost) }

    /// The top Via's port, or nil when the sent-by has none.
    public var topViaPort: Int? { layout.flags.contains(.hasViaPort) ? Int(layout.viaPort) : nil }

    /// The top Via's transport (`UDP`, `TCP`, `TLS`, `WS`...), or nil when there is no Via.
    public var topViaTransport: SIPBytes? { optionalSlice(layout.viaTransport) }

    /// Whether the message has a Via header.
    public var hasVia: Bool { layout.flags.contains(.hasVia) }

    /// The From tag, or nil when From has none (or there is no From).
    public var fromTag: SIPBytes? { optionalSlice(layout.fromTag) }

    /// The To tag, or nil when To has none (or there is no To).
    public var toTag: SIPBytes? { optionalSlice(layout.toTag) }

    /// The Content-Length value, or nil when there is no Content-Length header.
    public var contentLength: Int? { layout.contentLength >= 0 ? layout.contentLength : nil }

    /// The body (empty when there is none).
    public var body: SIPBytes { slice(layout.bodyRange) }

    /// Whether two Content-Length headers disagree (RFC 4475 §3.3.9; a request gets 400).
    public var hasConflictingContentLength: Bool { layout.flags.contains(.conflictingContentLength) }

    /// Whether the header section ended at the end of the datagram without an empty line.
    public var headerSectionIsUnterminated: Bool { layout.flags.contains(.unterminatedHeaders) }

    /// Whether some line ended in a bare LF instead of CRLF.
    public var usesBareLineFeeds: Bool { layout.flags.contains(.bareLineFeed) }
}
