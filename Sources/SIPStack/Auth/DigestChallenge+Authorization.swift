import NIOCore
import SIPMessage

extension DigestChallenge {
    /// Answers this challenge (RFC 7616 §3.4, RFC 3261 §22.2): computes the request-digest and
    /// writes the Authorization (or Proxy-Authorization) header value.
    ///
    /// Values are quoted as RFC 3261 §25.1 says: `username`, `realm`, `nonce`, `uri`,
    /// `response`, `cnonce` and `opaque` are quoted strings; `algorithm`, `qop` and `nc` are
    /// tokens. Without qop in the challenge the answer has the RFC 2069 form (no cnonce, no nc).
    /// With `userhash=true` the user name is sent as `H(username ":" realm)` (RFC 7616 §3.4.4).
    ///
    /// - Parameters:
    ///   - credentials: the user's credentials; their realm restriction, if any, must match.
    ///   - method: the request method (`REGISTER`, `INVITE`...).
    ///   - uri: the digest-uri: the Request-URI of the request, exactly as it is sent.
    ///   - body: the request body, hashed for `auth-int` (nil hashes as empty).
    ///   - preferredQOP: used when offered; otherwise the first offered qop.
    ///   - nonceCount: the `nc` for this nonce, from 1 upwards.
    ///   - cnonce: the client nonce; nil draws 128 random bits. Fixed values are for tests
    ///     and known-answer vectors.
    /// - Throws: ``DigestAuthError/Code/realmNotAllowed`` or
    ///   ``DigestAuthError/Code/invalidValue``.
    public func authorization(
        credentials: DigestCredentials, method: String, uri: String, body: ByteBuffer? = nil,
        preferredQOP: DigestQOP = .auth, nonceCount: UInt32 = 1, cnonce: String? = nil
    ) throws(DigestAuthError) -> DigestAuthorization {
        guard credentials.accepts(realm: realm) else {
            throw DigestAuthError(.realmNotAllowed, "the credentials are restricted to another realm")
        }
        guard !credentials.username.isEmpty, DigestHeaderWriter.isQuotable(credentials.username) else {
            throw DigestAuthError(.invalidValue, "the user name is empty or holds a control character")
        }
        guard !uri.isEmpty, DigestHeaderWriter.isQuotable(uri) else {
            throw DigestAuthError(.invalidValue, "the digest-uri is empty or holds a control character")
        }
        guard SIPMethod(method) != nil else {
            throw DigestAuthError(.invalidValue, "the method is not a token")
        }
        let qop = qop(preferring: preferredQOP)
        let clientNonce = cnonce ?? Self.randomClientNonce()
        guard !clientNonce.isEmpty, DigestHeaderWriter.isQuotable(clientNonce) else {
            throw DigestAuthError(.invalidValue, "the cnonce is empty or holds a control character")
        }
        let nonceCountText = DigestComputation.nonceCountText(nonceCount)

        let response = DigestComputation.response(
            algorithm: algorithm, username: credentials.username, realm: realm,
            password: credentials.password, nonce: nonce, nonceCount: nonceCountText,
            cnonce: clientNonce, qop: qop, method: method, uri: uri, body: body)

        var writer = DigestHeaderWriter()
        if userhash {
            writer.quoted("username", DigestComputation.userhash(algorithm: algorithm, username: credentials.username, realm: realm))
        } else {
            writer.quoted("username", credentials.username)
        }
        writer.quoted("realm", realm)
        writer.quoted("nonce", nonce)
        writer.quoted("uri", uri)
        writer.quoted("response", response)
        writer.token("algorithm", algorithm.token)
        if let qop {
            writer.quoted("cnonce", clientNonce)
            writer.token("qop", qop.token)
            writer.token("nc", nonceCountText)
        }
        if let opaque { writer.quoted("opaque", opaque) }
        if userhash { writer.token("userhash", "true") }

        return DigestAuthorization(
            headerName: isProxy ? .proxyAuthorization : .authorization, value: writer.text,
            realm: realm, algorithm: algorithm, qop: qop, nonceCount: qop == nil ? nil : nonceCount,
            response: response)
    }

    /// 128 random bits as 32 hex digits (RFC 7616 §3.4 asks for an unpredictable cnonce; 64
    /// bits would do).
    static func randomClientNonce() -> String {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() as UInt64
        let low = generator.next() as UInt64
        return HexEncoding.encode(withUnsafeBytes(of: (high, low)) { Array($0) })
    }
}
