import Crypto
import NIOCore
import SIPMessage

/// The server side of SIP digest authentication (RFC 3261 §22.3 and §22.4, RFC 7616 §3.3 to
/// §3.5, RFC 8760 §2): issues challenges and verifies the credentials that answer them.
///
/// Nonces are self-validating (see `DigestNonceCodec`): a time stamp, random bits and an
/// HMAC-SHA256 over both under a per-process key, so nothing is stored per challenge. A nonce
/// older than ``Configuration/nonceLifetime`` gets a `stale=true` challenge when the digest is
/// otherwise right. The highest `nc` accepted per nonce is kept in a bounded table, and a count
/// that is not higher is refused as a replay. Responses are compared in constant time.
///
/// ```swift
/// var challenger = try DigestChallenger(configuration: .init(realm: "door.example.com"))
/// switch challenger.verify(request: message, now: loop.now, password: { users[$0] }) {
/// case .accepted(let user): ...                       // process the request
/// case .challenge(let stale):                         // 401 with challenges
///     challenger.writeChallenges(stale: stale, now: loop.now, into: &buffer)
/// case .rejected(let why): ...                        // 403, or a new challenge
/// }
/// ```
///
/// Time is a `NIODeadline` the caller passes (an event loop's `now`), so tests run on virtual
/// time. The key lives only in this process: after a restart every old nonce gets `stale=true`.
///
/// - warning: A value type that changes on each accepted request (the replay table): keep it
///   on one event loop or actor. Its `description` never shows the key.
public struct DigestChallenger: Sendable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// What this challenger offers.
    public let configuration: Configuration
    private let codec: DigestNonceCodec
    private var replayTable: NonceCountTable

    /// Creates a challenger with `key` as its nonce secret (a fresh random 256-bit key by
    /// default).
    ///
    /// - Throws: ``DigestAuthError/Code/invalidConfiguration`` when no algorithm or qop is
    ///   offered, the realm cannot be quoted, or the lifetime or table size is not positive.
    public init(configuration: Configuration, key: SymmetricKey = SymmetricKey(size: .bits256)) throws(DigestAuthError) {
        guard !configuration.algorithms.isEmpty, !configuration.qopOptions.isEmpty else {
            throw DigestAuthError(.invalidConfiguration, "a digest challenger needs at least one algorithm and one qop")
        }
        guard DigestHeaderWriter.isQuotable(configuration.realm) else {
            throw DigestAuthError(.invalidConfiguration, "the realm holds a control character")
        }
        guard configuration.nonceLifetime.nanoseconds > 0, configuration.maximumTrackedNonces > 0 else {
            throw DigestAuthError(.invalidConfiguration, "the nonce lifetime and the replay table size must be positive")
        }
        self.configuration = configuration
        self.codec = DigestNonceCodec(key: key.withUnsafeBytes { Array($0) }, realm: configuration.realm)
        self.replayTable = NonceCountTable(capacity: configuration.maximumTrackedNonces)
    }

    /// `WWW-Authenticate`, or `Proxy-Authenticate` for a proxy.
    public var challengeHeaderName: SIPHeaderName { configuration.isProxy ? .proxyAuthenticate : .wwwAuthenticate }
    /// `Authorization`, or `Proxy-Authorization` for a proxy.
    public var credentialsHeaderName: SIPHeaderName { configuration.isProxy ? .proxyAuthorization : .authorization }
    /// 401, or 407 for a proxy.
    public var challengeStatus: Int { configuration.isProxy ? 407 : 401 }

    /// How many used nonces the replay table holds now.
    public var trackedNonceCount: Int { replayTable.count }

    // MARK: - Challenges

    /// The challenge header values for a 401 or 407, one per offered algorithm in order, all
    /// with one fresh nonce: `Digest realm="...", nonce="...", opaque="...", algorithm=SHA-256,
    /// qop="auth"` and `, stale=true` when `stale`.
    public func challenges(stale: Bool = false, now: NIODeadline = .now()) -> [String] {
        var generator = SystemRandomNumberGenerator()
        let nonce = codec.mint(issuedAt: now.uptimeNanoseconds, random: generator.next())
        let opaque = codec.opaque(for: nonce)
        let qop = configuration.qopOptions.map(\.token).joined(separator: ",")
        return configuration.algorithms.map { algorithm in
            var writer = DigestHeaderWriter()
            writer.quoted("realm", configuration.realm)
            writer.quoted("nonce", nonce)
            writer.quoted("opaque", opaque)
            writer.token("algorithm", algorithm.token)
            writer.quoted("qop", qop)
            if stale { writer.token("stale", "true") }
            return writer.text
        }
    }

    /// Writes the ``challenges(stale:now:)`` as ``challengeHeaderName`` header lines.
    public func writeChallenges(stale: Bool = false, now: NIODeadline = .now(), into buffer: inout ByteBuffer) {
        for value in challenges(stale: stale, now: now) {
            buffer.writeSIPHeader(challengeHeaderName, value)
        }
    }

    // MARK: - Verification

    /// Verifies the credentials of `request` (its ``credentialsHeaderName`` headers) against
    /// its method, Request-URI and body.
    ///
    /// - Parameter password: the password of a user name, or nil for an unknown user.
    public mutating func verify(
        request: SIPMessage, now: NIODeadline = .now(), password: (String) -> String?
    ) -> DigestVerification {
        guard let method = request.methodToken?.string, let uri = request.requestURI?.string else {
            return .rejected(.notARequest)
        }
        let credentials: [SIPAuthHeader]
        do {
            credentials = configuration.isProxy ? try request.proxyAuthorization() : try request.authorization()
        } catch {
            // Only Digest is ours to judge: a header of another scheme whose grammar SIPMessage
            // refuses (Basic's token68, RFC 3261 §22.4 forbids Basic anyway) means "no
            // credentials for us".
            let offersDigest = request.values(credentialsHeaderName).contains { value in
                let scheme = value.string.prefix { $0 != " " && $0 != "\t" && $0 != "\r" && $0 != "\n" }
                return scheme.lowercased() == "digest"
            }
            return offersDigest ? .rejected(.malformedCredentials) : .challenge(stale: false)
        }
        return verify(
            credentials: credentials, method: method, requestURI: uri, body: request.body.buffer,
            now: now, password: password)
    }

    /// Verifies `credentials` (every Authorization or Proxy-Authorization header of a request)
    /// for a request with `method`, `requestURI` and `body`.
    ///
    /// The order of checks: credentials for this realm (else a challenge), well-formed
    /// directives, offered algorithm and qop, the digest-uri, the user, the request-digest
    /// (constant time), then the nonce (authentic and fresh, else `stale=true`), the opaque and
    /// the nonce count (a replay is refused). Only a request with a right digest is recorded,
    /// so the replay table cannot be filled without a password.
    public mutating func verify(
        credentials: [SIPAuthHeader], method: String, requestURI: String, body: ByteBuffer? = nil,
        now: NIODeadline = .now(), password: (String) -> String?
    ) -> DigestVerification {
        guard let header = credentials.first(where: { $0.isDigest && $0.realm == configuration.realm }) else {
            return .challenge(stale: false)
        }
        for name in ["username", "realm", "nonce", "uri", "response", "algorithm", "cnonce", "opaque", "qop", "nc", "userhash"]
        where header.parameters.count(where: { $0.name.equalsIgnoringCase(name) }) > 1 {
            return .rejected(.malformedCredentials)
        }
        guard let username = header.username, let nonce = header.nonce, let uri = header.uri,
              let response = header.response
        else {
            return .rejected(.malformedCredentials)
        }

        var algorithm = DigestAlgorithm.md5
        if let token = header.algorithm {
            guard let named = try? DigestAlgorithm(token: token) else { return .rejected(.algorithmNotOffered) }
            algorithm = named
        }
        guard configuration.algorithms.contains(algorithm) else { return .rejected(.algorithmNotOffered) }
        guard !header.userhash else { return .rejected(.userhashNotSupported) }
        guard let qopToken = header.qop, let qop = DigestQOP(token: qopToken), configuration.qopOptions.contains(qop) else {
            return .rejected(.qopNotOffered)
        }
        guard let nonceCount = header.nonceCount, nonceCount > 0, let nonceCountText = header.value("nc"),
              let cnonce = header.cnonce, !cnonce.isEmpty
        else {
            return .rejected(.malformedCredentials)
        }
        guard uri == requestURI else { return .rejected(.uriMismatch) }
        guard let secret = password(username) else { return .rejected(.unknownUser) }

        let expected = DigestComputation.response(
            algorithm: algorithm, username: username, realm: configuration.realm, password: secret,
            nonce: nonce, nonceCount: nonceCountText, cnonce: cnonce, qop: qop,
            method: method, uri: uri, body: body)
        guard HexEncoding.constantTimeEquals(Array(expected.utf8), Array(response.lowercased().utf8)) else {
            return .rejected(.wrongResponse)
        }

        // The digest is right: whatever is wrong with the nonce now is staleness, not identity.
        let nowNanoseconds = now.uptimeNanoseconds
        let lifetime = UInt64(configuration.nonceLifetime.nanoseconds)
        guard let issuedAt = codec.issuedAt(of: nonce), issuedAt <= nowNanoseconds,
              nowNanoseconds &- issuedAt <= lifetime
        else {
            return .challenge(stale: true)
        }
        guard let opaque = header.opaque,
              HexEncoding.constantTimeEquals(Array(opaque.utf8), Array(codec.opaque(for: nonce).utf8))
        else {
            return .rejected(.opaqueMismatch)
        }

        switch replayTable.record(
            nonce: nonce, issuedAt: issuedAt, nonceCount: nonceCount, now: nowNanoseconds, lifetime: lifetime)
        {
        case .accepted: return .accepted(username: username)
        case .replayed: return .rejected(.replayedNonceCount)
        case .forgotten: return .challenge(stale: true)
        }
    }

    // MARK: - Description

    public var description: String {
        "DigestChallenger(realm: \"\(configuration.realm)\", algorithms: \(configuration.algorithms.map(\.token)), "
            + "trackedNonces: \(replayTable.count), key: <redacted>)"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(self, children: ["configuration": configuration, "trackedNonces": replayTable.count], displayStyle: .struct)
    }
}
