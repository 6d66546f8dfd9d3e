/// Why a datagram is not an acceptable RTP or RTCP packet, and where.
///
/// Compare errors by ``code``; ``offset`` is the byte offset from the start of the datagram
/// where the problem was found, and ``detail`` a fixed sentence. Building never fails; only
/// received bytes do.
public struct RTPParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem this is. An extensible code, not an enum.
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

        /// Fewer bytes than the header, its CSRCs, its extension or a length field announce.
        public static let truncated = Code(1, "truncated")
        /// The version field is not 2.
        public static let badVersion = Code(2, "bad version")
        /// The padding count is 0 or longer than the payload (RFC 3550 §5.1), or padding is set
        /// on an RTCP packet that is not the last of its compound (§6.4.1).
        public static let badPadding = Code(3, "bad padding")
        /// A compound RTCP packet does not start with SR or RR (RFC 3550 §6.1), or its lengths
        /// do not add up to the datagram.
        public static let badCompound = Code(4, "bad compound packet")
        /// An RTCP packet's body breaks its type's layout (report count, SDES items, BYE).
        public static let badRTCPPacket = Code(5, "bad RTCP packet")
        /// A telephone-event payload is not 4 bytes, or an event is out of range (RFC 4733).
        public static let badTelephoneEvent = Code(6, "bad telephone event")
    }

    /// What is wrong.
    public let code: Code
    /// The byte offset of the problem from the start of the datagram.
    public let offset: Int
    /// A fixed sentence naming what is wrong.
    public let detail: StaticString

    /// An error of kind `code` at `offset`.
    @inlinable
    public init(_ code: Code, at offset: Int, _ detail: StaticString) {
        self.code = code
        self.offset = offset
        self.detail = detail
    }

    public var description: String { "\(code) at byte \(offset): \(detail)" }

    public static func == (lhs: RTPParseError, rhs: RTPParseError) -> Bool {
        lhs.code == rhs.code && lhs.offset == rhs.offset
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        hasher.combine(offset)
    }
}
