/// What ``DigestChallenger`` decided about a request's credentials (RFC 3261 §22.3).
public enum DigestVerification: Sendable, Hashable, CustomStringConvertible {
    /// The credentials are right; `username` is who sent the request.
    case accepted(username: String)
    /// No credentials for this realm, or right ones with an expired or unknown nonce: answer
    /// 401 or 407 with ``DigestChallenger/challenges(stale:now:)``, passing `stale`.
    case challenge(stale: Bool)
    /// The credentials are wrong or malformed: answer 403, or a new challenge with
    /// `stale=false`.
    case rejected(DigestRejection)

    public var description: String {
        switch self {
        case .accepted(let username): "accepted(\(username))"
        case .challenge(let stale): "challenge(stale: \(stale))"
        case .rejected(let rejection): "rejected(\(rejection))"
        }
    }
}
