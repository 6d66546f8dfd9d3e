/// Why ``DigestChallenger`` refused credentials (RFC 3261 §22.3, RFC 7616 §3.4 and §3.5): a
/// code to compare plus a fixed sentence for logs, which never holds a credential.
///
/// A server answers a rejection with 403 (Forbidden), or with a new challenge (401 or 407,
/// `stale=false`), which a client takes as "wrong credentials".
public struct DigestRejection: Hashable, Sendable, CustomStringConvertible {
    let rawValue: UInt8
    /// A fixed sentence saying what was wrong.
    public let reason: StaticString

    private init(_ rawValue: UInt8, _ reason: StaticString) {
        self.rawValue = rawValue
        self.reason = reason
    }

    public static func == (lhs: DigestRejection, rhs: DigestRejection) -> Bool { lhs.rawValue == rhs.rawValue }
    public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }
    public var description: String { reason.description }

    /// A directive is missing, repeated or malformed, or the header does not parse.
    public static let malformedCredentials = DigestRejection(1, "the credentials are malformed or miss a directive")
    /// The user name is not known.
    public static let unknownUser = DigestRejection(2, "the user is not known")
    /// The request-digest is wrong: the password (or user name) is wrong.
    public static let wrongResponse = DigestRejection(3, "the request-digest does not match")
    /// `uri` is not the Request-URI (RFC 7616 §3.4.6).
    public static let uriMismatch = DigestRejection(4, "the digest-uri is not the Request-URI")
    /// The algorithm is not one this server offered.
    public static let algorithmNotOffered = DigestRejection(5, "the algorithm was not offered")
    /// The qop is missing or is not one this server offered.
    public static let qopNotOffered = DigestRejection(6, "the qop is missing or was not offered")
    /// `userhash=true`, which this server does not offer.
    public static let userhashNotSupported = DigestRejection(7, "userhash was not offered")
    /// The `opaque` is not the one issued with the nonce.
    public static let opaqueMismatch = DigestRejection(8, "the opaque does not belong to the nonce")
    /// The nonce count is not higher than one already accepted for this nonce: a replay.
    public static let replayedNonceCount = DigestRejection(9, "the nonce count was already used")
    /// The message is not a request.
    public static let notARequest = DigestRejection(10, "only a request carries credentials")
}
