import SIPMessage

/// A checked digest challenge from a WWW-Authenticate (401) or Proxy-Authenticate (407) header
/// (RFC 3261 §22.2 and §25.1 `digest-cln`, RFC 7616 §3.3, RFC 8760 §2).
///
/// Creating one validates what a client needs to answer: the scheme is `Digest`, `realm` and a
/// non-empty `nonce` are present, no directive is repeated, the algorithm is one this stack
/// computes, qop (when given) offers `auth` or `auth-int`, and every value the answer echoes
/// (realm, nonce, opaque) can be put back into a header. A failure is a typed
/// ``DigestAuthError``, never a trap.
public struct DigestChallenge: Sendable, Hashable {
    /// The protection space (`realm`).
    public let realm: String
    /// The server nonce.
    public let nonce: String
    /// The `opaque` value to echo, if any.
    public let opaque: String?
    /// The algorithm (MD5 when the challenge names none).
    public let algorithm: DigestAlgorithm
    /// The offered qop values this stack understands, in the server's order; empty when the
    /// challenge has no qop (RFC 2069 compatibility: no cnonce, no nc).
    public let qopOptions: [DigestQOP]
    /// `stale=true`: the previous credentials were right but their nonce was too old.
    public let stale: Bool
    /// RFC 7616 §3.4.4 `userhash=true`: the server wants the user name hashed.
    public let userhash: Bool
    /// The space-separated protection domain, if given.
    public let domain: String?
    /// Whether this came from Proxy-Authenticate (so is answered with Proxy-Authorization).
    public let isProxy: Bool

    /// Directives that may appear at most once in a challenge (RFC 7616 §3.3).
    private static let singleDirectives = [
        "realm", "nonce", "opaque", "algorithm", "qop", "stale", "domain", "userhash", "charset",
    ]

    /// Checks `header` as a digest challenge.
    ///
    /// - Parameter isProxy: whether `header` is a Proxy-Authenticate header.
    /// - Throws: ``DigestAuthError`` with ``DigestAuthError/Code/notDigest``,
    ///   ``DigestAuthError/Code/missingRealm``, ``DigestAuthError/Code/missingNonce``,
    ///   ``DigestAuthError/Code/malformedChallenge``,
    ///   ``DigestAuthError/Code/unsupportedAlgorithm`` or
    ///   ``DigestAuthError/Code/unsupportedQOP``.
    public init(_ header: SIPAuthHeader, isProxy: Bool = false) throws(DigestAuthError) {
        guard header.isDigest else {
            throw DigestAuthError(.notDigest, "the challenge's scheme is not Digest")
        }
        for name in Self.singleDirectives where header.parameters.count(where: { $0.name.equalsIgnoringCase(name) }) > 1 {
            throw DigestAuthError(.malformedChallenge, "a digest challenge repeats a directive")
        }
        guard let realm = header.realm else {
            throw DigestAuthError(.missingRealm, "the digest challenge has no realm")
        }
        guard let nonce = header.nonce, !nonce.isEmpty else {
            throw DigestAuthError(.missingNonce, "the digest challenge has no nonce")
        }
        let opaque = header.opaque
        guard DigestHeaderWriter.isQuotable(realm), DigestHeaderWriter.isQuotable(nonce),
              opaque.map(DigestHeaderWriter.isQuotable) ?? true
        else {
            throw DigestAuthError(.malformedChallenge, "the realm, nonce or opaque holds a control character")
        }

        var algorithm = DigestAlgorithm.md5
        if let token = header.algorithm {
            algorithm = try DigestAlgorithm(token: token)
        }

        var qopOptions: [DigestQOP] = []
        if header.value("qop") != nil {
            for token in header.qopOptions {
                if let qop = DigestQOP(token: token), !qopOptions.contains(qop) { qopOptions.append(qop) }
            }
            guard !qopOptions.isEmpty else {
                throw DigestAuthError(.unsupportedQOP, "the challenge offers neither qop auth nor auth-int")
            }
        }
        guard !algorithm.isSession || !qopOptions.isEmpty else {
            throw DigestAuthError(.malformedChallenge, "a -sess algorithm needs a cnonce, so a qop")
        }

        self.realm = realm
        self.nonce = nonce
        self.opaque = opaque
        self.algorithm = algorithm
        self.qopOptions = qopOptions
        self.stale = header.stale
        self.userhash = header.userhash
        self.domain = header.domain
        self.isProxy = isProxy
    }

    /// The qop this challenge is answered with: `preferred` when offered, else the first
    /// offered value, else nil (RFC 2069 compatibility).
    public func qop(preferring preferred: DigestQOP) -> DigestQOP? {
        qopOptions.contains(preferred) ? preferred : qopOptions.first
    }
}
