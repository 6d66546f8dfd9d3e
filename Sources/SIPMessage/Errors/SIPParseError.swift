/// Why bytes are not an acceptable SIP message, and where.
///
/// Compare errors by ``code``; ``offset`` is the byte offset (from the first byte handed to the
/// parser) where the problem was found, and ``detail`` a fixed English sentence. For a request
/// that a user agent must refuse, ``rejectStatus`` is the status code to answer with
/// (RFC 3261 §8.2, §18.3, §21); for a response it is nil: a bad response is discarded.
public struct SIPParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem this is. An extensible code, not an enum, so adding one is not a
    /// breaking change.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        @usableFromInline let rawValue: UInt8
        @usableFromInline let name: StaticString

        @inlinable
        init(_ rawValue: UInt8, _ name: StaticString) {
            self.rawValue = rawValue
            self.name = name
        }

        public static func == (lhs: Code, rhs: Code) -> Bool { lhs.rawValue == rhs.rawValue }
        public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }
        public var description: String { name.description }

        /// No start line: the bytes are empty, or only CRLFs.
        public static let empty = Code(1, "empty")
        /// The request line is not `Method SP Request-URI SP SIP-Version`.
        public static let malformedRequestLine = Code(2, "malformed request line")
        /// The status line is not `SIP-Version SP 3DIGIT SP Reason-Phrase`.
        public static let malformedStatusLine = Code(3, "malformed status line")
        /// The SIP version is not `SIP/` 1*DIGIT `.` 1*DIGIT.
        public static let malformedVersion = Code(4, "malformed SIP version")
        /// The Request-URI is not a URI, or is a SIP URI that breaks RFC 3261 §19.1.
        public static let malformedRequestURI = Code(5, "malformed Request-URI")
        /// A header line has no colon, or its name is not a token.
        public static let malformedHeaderLine = Code(6, "malformed header line")
        /// A header value breaks the grammar of its header.
        public static let malformedHeaderValue = Code(7, "malformed header value")
        /// Content-Length is not a decimal number within range.
        public static let invalidContentLength = Code(8, "invalid Content-Length")
        /// Content-Length says more bytes than the datagram holds.
        public static let truncatedBody = Code(9, "body shorter than Content-Length")
        /// The header section exceeds the size or count limit.
        public static let headersTooLarge = Code(10, "header section too large")
        /// The body exceeds the size limit.
        public static let bodyTooLarge = Code(11, "body too large")
        /// CSeq is not `1*DIGIT LWS Method`, or its number is above 2^32-1.
        public static let invalidCSeq = Code(12, "invalid CSeq")
        /// Two Content-Length values disagree, so a stream cannot be framed.
        public static let conflictingContentLength = Code(13, "conflicting Content-Length")
        /// The SIP version is well-formed but not SIP/2.0.
        public static let unsupportedVersion = Code(14, "unsupported SIP version")
        /// A line ends in a bare CR, or a header line is folded before the first header.
        public static let malformedLineEnding = Code(15, "malformed line ending")
        /// A number (Max-Forwards, Expires, Retry-After...) is out of its range.
        public static let valueOutOfRange = Code(16, "value out of range")
    }

    /// What is wrong.
    public let code: Code
    /// Byte offset of the problem from the first byte handed to the parser.
    public let offset: Int
    /// A fixed sentence naming what is wrong (no allocation on the error path).
    public let detail: StaticString
    /// Whether the bytes started with a request line (nil when that could not be told).
    public let isRequest: Bool?

    @inlinable
    public init(_ code: Code, at offset: Int, _ detail: StaticString, isRequest: Bool? = nil) {
        self.code = code
        self.offset = offset
        self.detail = detail
        self.isRequest = isRequest
    }

    /// `error` with ``isRequest`` filled in (the shared grammar scanners do not know it).
    @inlinable
    public init(_ error: SIPParseError, isRequest: Bool) {
        self.init(error.code, at: error.offset, error.detail, isRequest: error.isRequest ?? isRequest)
    }

    /// The status a user agent answers a request with when it fails this way; nil for a
    /// response (discarded, RFC 3261 §18.1.2) or when nothing can be answered (no start line).
    public var rejectStatus: Int? {
        guard isRequest == true else { return nil }
        switch code {
        case .headersTooLarge, .bodyTooLarge: return 513
        case .unsupportedVersion: return 505
        default: return 400
        }
    }

    public var description: String { "\(code) at byte \(offset): \(detail)" }

    public static func == (lhs: SIPParseError, rhs: SIPParseError) -> Bool {
        lhs.code == rhs.code && lhs.offset == rhs.offset && lhs.isRequest == rhs.isRequest
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        hasher.combine(offset)
    }
}
