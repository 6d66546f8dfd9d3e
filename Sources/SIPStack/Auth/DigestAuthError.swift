/// Why the client side of digest authentication (RFC 3261 §22.2, RFC 7616 §3.4) could not
/// produce credentials: a code that tests and callers compare, plus a fixed sentence for logs.
///
/// The sentence never contains a password, a hash of one or a request-digest, so an error can
/// be logged as it is.
public struct DigestAuthError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, as a small extensible code (compare codes, not sentences).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let rawValue: UInt8
        let name: StaticString

        private init(_ rawValue: UInt8, _ name: StaticString) {
            self.rawValue = rawValue
            self.name = name
        }

        public static func == (lhs: Code, rhs: Code) -> Bool { lhs.rawValue == rhs.rawValue }
        public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }
        public var description: String { name.description }

        /// The response is neither a 401 nor a 407, or has no challenge header.
        public static let notAChallenge = Code(1, "notAChallenge")
        /// The challenge's scheme is not `Digest`.
        public static let notDigest = Code(2, "notDigest")
        /// The challenge has no `realm` (RFC 3261 §25.1 requires one).
        public static let missingRealm = Code(3, "missingRealm")
        /// The challenge has no `nonce`, or an empty one.
        public static let missingNonce = Code(4, "missingNonce")
        /// The challenge repeats a parameter, carries a value that cannot be echoed, pairs a
        /// `-sess` algorithm with no qop, or its header does not parse.
        public static let malformedChallenge = Code(5, "malformedChallenge")
        /// The algorithm is not one this stack computes (SHA-512-256 included: swift-crypto
        /// offers no SHA-512/256).
        public static let unsupportedAlgorithm = Code(6, "unsupportedAlgorithm")
        /// The challenge offers qop values, none of them `auth` or `auth-int`.
        public static let unsupportedQOP = Code(7, "unsupportedQOP")
        /// Only MD5 challenges were offered and MD5 is not allowed.
        public static let md5NotAllowed = Code(8, "md5NotAllowed")
        /// The credentials are restricted to another realm.
        public static let realmNotAllowed = Code(9, "realmNotAllowed")
        /// Credentials that answered a challenge were challenged again with `stale=false`: the
        /// user name or password is wrong (RFC 7616 §3.3). Ask the user; do not retry.
        public static let credentialsRejected = Code(10, "credentialsRejected")
        /// The server kept answering with `stale=true`; retrying further would loop.
        public static let tooManyStaleChallenges = Code(11, "tooManyStaleChallenges")
        /// The nonce count reached 0xFFFFFFFF; a new challenge is needed.
        public static let nonceCountExhausted = Code(12, "nonceCountExhausted")
        /// A user name, URI, method or cnonce holds a character a header cannot carry (a
        /// control character such as CR or LF), or is empty where a value is required.
        public static let invalidValue = Code(13, "invalidValue")
        /// The challenged message is not a request (for the request side of the API).
        public static let notARequest = Code(14, "notARequest")
        /// A server configuration that cannot issue challenges (empty realm list, bad realm...).
        public static let invalidConfiguration = Code(15, "invalidConfiguration")

        /// Which error to report when several challenges all fail: the most actionable first.
        var priority: Int {
            switch rawValue {
            case 10: 0
            case 11: 1
            case 8: 2
            case 9: 3
            case 6: 4
            case 7: 5
            case 3: 6
            case 4: 7
            case 5: 8
            case 13: 9
            default: 10
            }
        }
    }

    /// What went wrong.
    public let code: Code
    /// A fixed sentence for people; never holds a credential.
    public let reason: String

    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { "DigestAuthError.\(code): \(reason)" }
}
