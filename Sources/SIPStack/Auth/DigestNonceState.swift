/// What a client keeps about one realm between requests (RFC 7616 §3.4 `nc`, RFC 3261 §22.1
/// reuse of credentials): the challenge last answered, with its nonce, and how many requests
/// have used that nonce.
///
/// A registration client keeps it (inside ``DigestClient``) so a re-REGISTER can carry
/// credentials at once with the next `nc`, and so a repeated challenge can be told apart: a
/// `stale=true` one is retried silently, a `stale=false` one after answering a challenge means
/// the password is wrong.
public struct DigestNonceState: Sendable, Hashable, CustomStringConvertible {
    /// The challenge answered (realm, nonce, algorithm, qop options, opaque, userhash).
    public let challenge: DigestChallenge
    /// The last `nc` sent with this nonce (0 before the first).
    public private(set) var nonceCount: UInt32
    /// Whether the last credentials built from this state answered a challenge (rather than
    /// reusing the nonce on a new request).
    var answeredChallenge: Bool
    /// How many `stale=true` challenges in a row this realm has been retried for.
    var staleRetries: Int

    init(challenge: DigestChallenge, staleRetries: Int = 0) {
        self.challenge = challenge
        self.nonceCount = 0
        self.answeredChallenge = true
        self.staleRetries = staleRetries
    }

    /// The realm this state is for.
    public var realm: String { challenge.realm }
    /// The nonce in use.
    public var nonce: String { challenge.nonce }

    /// Counts one more request with this nonce and returns its `nc`.
    ///
    /// - Throws: ``DigestAuthError/Code/nonceCountExhausted`` after 0xFFFFFFFF requests.
    public mutating func nextNonceCount() throws(DigestAuthError) -> UInt32 {
        guard nonceCount < UInt32.max else {
            throw DigestAuthError(.nonceCountExhausted, "the nonce count is exhausted; a new challenge is needed")
        }
        nonceCount &+= 1
        return nonceCount
    }

    public var description: String {
        "DigestNonceState(realm: \"\(realm)\", algorithm: \(challenge.algorithm), nc: \(nonceCount))"
    }
}
