/// Why bytes are not an acceptable session description (RFC 8866), and where.
///
/// Compare errors by ``code``. ``line`` is the 1-based number of the offending line (0 when the
/// problem is not on one line, such as a missing `t=` line), ``offset`` the byte offset of the
/// problem from the first byte handed to the parser, and ``detail`` a fixed English sentence.
///
/// ```
///  v=0\r\n o=- 1 x IN IP4 192.0.2.1\r\n
///          ^ line 2, offset 11: malformedOrigin, "the session version is not a number"
/// ```
public struct SDPParseError: Error, Sendable, Hashable, CustomStringConvertible {
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

        /// No lines at all.
        public static let empty = Code(1, "empty")
        /// A line is not `<letter>=<value>`.
        public static let malformedLine = Code(2, "malformed line")
        /// A line's type letter is not one RFC 8866 defines (§5: such a description is ignored).
        public static let unknownLineType = Code(3, "unknown line type")
        /// A line appears where RFC 8866 §5 does not allow it (a session line after `m=`, or
        /// a second `v=`, `o=` or `s=`).
        public static let misplacedLine = Code(4, "misplaced line")
        /// A line that must be present is missing (`v=`, `o=`, `s=`, `t=`, or `c=` for a media
        /// description).
        public static let missingLine = Code(5, "missing line")
        /// `v=` is not `0`.
        public static let unsupportedVersion = Code(6, "unsupported version")
        /// `o=` is not `username sess-id sess-version nettype addrtype address`.
        public static let malformedOrigin = Code(7, "malformed origin")
        /// `c=` (or the address in `a=rtcp`) is not `nettype addrtype address`.
        public static let malformedConnection = Code(8, "malformed connection")
        /// `b=` is not `bwtype:bandwidth`.
        public static let malformedBandwidth = Code(9, "malformed bandwidth")
        /// `t=` is not `start stop`.
        public static let malformedTiming = Code(10, "malformed timing")
        /// `m=` is not `media port[/count] proto fmt...`.
        public static let malformedMedia = Code(11, "malformed media")
        /// An attribute SwiftSIP interprets (`rtpmap`, `fmtp`, `ptime`, `maxptime`, `rtcp`,
        /// `rtcp-mux`, a direction) breaks its grammar.
        public static let malformedAttribute = Code(12, "malformed attribute")
        /// A byte that no SDP line may hold (NUL, or a CR not followed by LF).
        public static let invalidCharacter = Code(13, "invalid character")
        /// The description exceeds ``SDPParserLimits``.
        public static let tooLarge = Code(14, "too large")
    }

    /// What is wrong.
    public let code: Code
    /// The 1-based line number of the problem; 0 when it concerns no single line.
    public let line: Int
    /// The byte offset of the problem from the first byte handed to the parser.
    public let offset: Int
    /// A fixed sentence naming what is wrong (no allocation on the error path).
    public let detail: StaticString

    /// An error of kind `code` on `line`, at byte `offset`.
    @inlinable
    public init(_ code: Code, line: Int, offset: Int, _ detail: StaticString) {
        self.code = code
        self.line = line
        self.offset = offset
        self.detail = detail
    }

    public var description: String { "\(code) on line \(line) (byte \(offset)): \(detail)" }

    public static func == (lhs: SDPParseError, rhs: SDPParseError) -> Bool {
        lhs.code == rhs.code && lhs.line == rhs.line && lhs.offset == rhs.offset
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        hasher.combine(line)
    }
}
