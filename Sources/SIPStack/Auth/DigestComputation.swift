import NIOCore

/// The request-digest of RFC 7616 §3.4.1 to §3.4.3 (RFC 2617 §3.2.2 for the RFC 2069 form
/// without qop), shared by the client and the server so both compute exactly the same text.
enum DigestComputation {
    /// The `response` value, lower-case hex.
    ///
    /// - Parameters:
    ///   - username: the user name as the user knows it (never the userhash).
    ///   - nonceCount: the `nc` text exactly as sent (8 hex digits); ignored without qop.
    ///   - cnonce: the client nonce; ignored without qop unless the algorithm is `-sess`.
    ///   - body: the message body, used for `auth-int` only (an absent body hashes as empty).
    static func response(
        algorithm: DigestAlgorithm, username: String, realm: String, password: String,
        nonce: String, nonceCount: String, cnonce: String, qop: DigestQOP?,
        method: String, uri: String, body: ByteBuffer?
    ) -> String {
        var ha1 = algorithm.hash("\(username):\(realm):\(password)")
        if algorithm.isSession {
            ha1 = algorithm.hash("\(ha1):\(nonce):\(cnonce)")
        }

        let ha2: String
        if qop == .authInt {
            let bodyHash = algorithm.hash(body ?? ByteBuffer())
            ha2 = algorithm.hash("\(method):\(uri):\(bodyHash)")
        } else {
            ha2 = algorithm.hash("\(method):\(uri)")
        }

        guard let qop else {
            return algorithm.hash("\(ha1):\(nonce):\(ha2)")
        }
        return algorithm.hash("\(ha1):\(nonce):\(nonceCount):\(cnonce):\(qop.token):\(ha2)")
    }

    /// The `userhash` form of a user name (RFC 7616 §3.4.4): `H(username ":" realm)`.
    static func userhash(algorithm: DigestAlgorithm, username: String, realm: String) -> String {
        algorithm.hash("\(username):\(realm)")
    }

    /// `nc` as 8 lower-case hex digits (RFC 7616 §3.4, RFC 3261 §25.1 `nc-value`).
    static func nonceCountText(_ count: UInt32) -> String {
        let digits = String(count, radix: 16)
        return String(repeating: "0", count: max(0, 8 &- digits.utf8.count)) + digits
    }
}
