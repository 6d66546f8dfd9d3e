import NIOCore
import SIPMessage
import SIPStack
import Testing

/// Known-answer tests: the published examples of RFC 7616 §3.9.1, RFC 2617 §3.5 and the SIP
/// examples of draft-smith-sipping-auth-examples-01 §3, each challenge parsed from a real 401
/// and each answer parsed back from a real request.
@Suite("Digest known-answer vectors")
struct DigestVectorTests {
    // RFC 7616 §3.9.1 inputs.
    static let rfc7616Nonce = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v"
    static let rfc7616Opaque = "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"
    static let rfc7616CNonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"
    static let mufasa = DigestCredentials(username: "Mufasa", password: "Circle of Life")

    static func rfc7616Challenge(_ algorithm: String) -> String {
        "Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", algorithm=\(algorithm), "
            + "nonce=\"\(rfc7616Nonce)\", opaque=\"\(rfc7616Opaque)\""
    }

    @Test("RFC 7616 §3.9.1: MD5 and SHA-256 responses", arguments: [
        ("MD5", "8ca523f5e9506fed4657c9700eebdbec"),
        ("SHA-256", "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"),
        // Not in the RFC: the same inputs with SHA-256-sess, computed independently (Python hashlib).
        ("SHA-256-sess", "2fd51b3a77ad75bad6afad6003e818d767133c46d9e2749e7f5232ae1ea3efd7"),
    ])
    func rfc7616(algorithm: String, expected: String) throws {
        let response = try AuthMessages.challenge([Self.rfc7616Challenge(algorithm)])
        let challenge = try DigestChallenge(try #require(try response.wwwAuthenticate().first))
        #expect(challenge.algorithm.token == algorithm)
        #expect(challenge.qopOptions == [.auth, .authInt])

        let authorization = try challenge.authorization(
            credentials: Self.mufasa, method: "GET", uri: "/dir/index.html",
            nonceCount: 1, cnonce: Self.rfc7616CNonce)
        #expect(authorization.response == expected)
        #expect(authorization.headerName == .authorization)

        // The header as the RFC shows it, read back from a real request.
        let request = try AuthMessages.request(authorizations: [authorization])
        let header = try AuthMessages.credentials(of: request)
        #expect(header.isDigest)
        #expect(header.username == "Mufasa")
        #expect(header.realm == "http-auth@example.org")
        #expect(header.uri == "/dir/index.html")
        #expect(header.nonce == Self.rfc7616Nonce)
        #expect(header.cnonce == Self.rfc7616CNonce)
        #expect(header.opaque == Self.rfc7616Opaque)
        #expect(header.response == expected)
        #expect(header.nonceCount == 1)
        // RFC 3261 §25.1: algorithm, qop and nc are tokens; the others are quoted strings.
        #expect(AuthMessages.raw("algorithm", in: header) == algorithm)
        #expect(AuthMessages.raw("qop", in: header) == "auth")
        #expect(AuthMessages.raw("nc", in: header) == "00000001")
        #expect(AuthMessages.raw("response", in: header) == "\"\(expected)\"")
        #expect(AuthMessages.raw("uri", in: header) == "\"/dir/index.html\"")
        #expect(AuthMessages.raw("cnonce", in: header) == "\"\(Self.rfc7616CNonce)\"")
    }

    @Test("RFC 2617 §3.5: qop=auth, no algorithm (MD5)")
    func rfc2617() throws {
        let response = try AuthMessages.challenge([
            "Digest realm=\"testrealm@host.com\", qop=\"auth,auth-int\", "
                + "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"",
        ])
        let challenge = try DigestChallenge(try #require(try response.wwwAuthenticate().first))
        #expect(challenge.algorithm == .md5)
        let authorization = try challenge.authorization(
            credentials: DigestCredentials(username: "Mufasa", password: "Circle Of Life"),
            method: "GET", uri: "/dir/index.html", nonceCount: 1, cnonce: "0a4f113b")
        #expect(authorization.response == "6629fae49393a05397450978507c4ef1")

        let header = try AuthMessages.credentials(of: try AuthMessages.request(authorizations: [authorization]))
        #expect(header.response == "6629fae49393a05397450978507c4ef1")
        #expect(header.opaque == "5ccc069c403ebaf9f0171e9517f40e41")
        #expect(header.cnonce == "0a4f113b")
        #expect(AuthMessages.raw("nc", in: header) == "00000001")
    }

    @Test("RFC 2069 form: no qop means no cnonce and no nc")
    func rfc2069Form() throws {
        // RFC 2617 §3.5 inputs without qop, as the RFC 2069 compatibility form computes them.
        let response = try AuthMessages.challenge([
            "Digest realm=\"testrealm@host.com\", nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", "
                + "opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"",
        ])
        let challenge = try DigestChallenge(try #require(try response.wwwAuthenticate().first))
        #expect(challenge.qopOptions.isEmpty)
        let authorization = try challenge.authorization(
            credentials: DigestCredentials(username: "Mufasa", password: "Circle Of Life"),
            method: "GET", uri: "/dir/index.html")
        #expect(authorization.response == "670fd8c2df070c60b045671b8b24ff02")
        #expect(authorization.qop == nil)
        #expect(authorization.nonceCount == nil)

        let header = try AuthMessages.credentials(of: try AuthMessages.request(authorizations: [authorization]))
        #expect(header.cnonce == nil)
        #expect(header.qop == nil)
        #expect(header.value("nc") == nil)
        #expect(header.response == "670fd8c2df070c60b045671b8b24ff02")
    }

    /// draft-smith-sipping-auth-examples-01 §3: bob / zanzibar at biloxi.com, INVITE
    /// sip:bob@biloxi.com, the auth-int variants over the SDP body of the INVITE.
    @Test("SIP examples of draft-smith-sipping-auth-examples-01 §3", arguments: [
        ("3.1 no qop", "", "", "bf57e4e0d0bffc0fbaedce64d59add5e"),
        ("3.2 auth, no algorithm", "", "auth", "89eb0059246c02b2f6ee02c7961d5ea3"),
        ("3.3 auth, MD5", "MD5", "auth", "89eb0059246c02b2f6ee02c7961d5ea3"),
        ("3.4 auth, MD5-sess", "MD5-sess", "auth", "e4e4ea61d186d07a92c9e1f6919902e9"),
        ("3.5 auth-int, MD5", "MD5", "auth-int", "bdbeebb2da6adb6bca02599c2239e192"),
        ("3.6 auth-int, MD5-sess", "MD5-sess", "auth-int", "91984da2d8663716e91554859c22ca70"),
    ])
    func sippingExamples(section: String, algorithm: String, qop: String, expected: String) throws {
        var challengeText = "Digest realm=\"biloxi.com\", nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", "
            + "opaque=\"5ccc069c403ebaf9f0171e9517f40e41\""
        if !algorithm.isEmpty { challengeText += ", algorithm=\(algorithm)" }
        if !qop.isEmpty { challengeText += ", qop=\"\(qop)\"" }
        let response = try AuthMessages.challenge([challengeText])
        let challenge = try DigestChallenge(try #require(try response.wwwAuthenticate().first))

        let invite = try AuthMessages.request(method: "INVITE", uri: "sip:bob@biloxi.com", body: AuthMessages.biloxiSDP)
        let authorization = try challenge.authorization(
            credentials: DigestCredentials(username: "bob", password: "zanzibar"),
            method: try #require(invite.methodToken?.string), uri: try #require(invite.requestURI?.string),
            body: invite.body.buffer, nonceCount: 1, cnonce: "0a4f113b")
        #expect(authorization.response == expected, "\(section)")
    }
}
