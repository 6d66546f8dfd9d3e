/// Why an offer or answer cannot be used. A SIP layer answers an offer that fails this way
/// with 488 Not Acceptable Here (RFC 3261 §13.3.1.1), and ends a call whose answer fails.
public struct SDPNegotiationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem this is (extensible).
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        let rawValue: UInt8
        let name: StaticString

        init(_ rawValue: UInt8, _ name: StaticString) {
            self.rawValue = rawValue
            self.name = name
        }

        public static func == (lhs: Code, rhs: Code) -> Bool { lhs.rawValue == rhs.rawValue }
        public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }
        public var description: String { name.description }

        /// No audio stream in the offer has an RTP profile, a connection and a codec we have.
        public static let noAcceptableMedia = Code(1, "no acceptable media")
        /// The answer rejected our audio stream (port 0) or shares no codec with our offer.
        public static let mediaRejected = Code(2, "media rejected")
        /// The answer's m-lines do not match the offer's in count (RFC 3264 §6).
        public static let mediaMismatch = Code(3, "m-lines do not match")
        /// An answer arrived with no offer of ours outstanding.
        public static let noPendingOffer = Code(4, "no pending offer")
        /// An offer arrived while ours is outstanding (SIP answers 491, RFC 3261 §14.2).
        public static let offerPending = Code(5, "offer pending")
        /// A re-offer has fewer m-lines than the session (RFC 3264 §8).
        public static let mediaRemoved = Code(6, "m-lines removed")
        /// The answer's SRTP crypto (RFC 4568) is missing where we required it, or names no
        /// line we offered.
        public static let cryptoRejected = Code(7, "crypto rejected")
    }

    /// What is wrong.
    public let code: Code
    /// The m-line concerned, when one is.
    public let mediaIndex: Int?
    /// A fixed sentence naming what is wrong.
    public let detail: StaticString

    /// An error of kind `code`.
    public init(_ code: Code, mediaIndex: Int? = nil, _ detail: StaticString) {
        self.code = code
        self.mediaIndex = mediaIndex
        self.detail = detail
    }

    public var description: String {
        mediaIndex.map { "\(code) (m-line \($0)): \(detail)" } ?? "\(code): \(detail)"
    }

    public static func == (lhs: SDPNegotiationError, rhs: SDPNegotiationError) -> Bool {
        lhs.code == rhs.code && lhs.mediaIndex == rhs.mediaIndex
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
