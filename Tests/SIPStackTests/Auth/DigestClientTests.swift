import NIOCore
import SIPMessage
import SIPStack
import Testing

/// The client: choosing among challenges, MD5 policy, realm restriction, cnonce and nc, stale
/// retries and the "wrong credentials" verdict, over hand-written 401 and 407 responses.
@Suite("Digest client")
struct DigestClientTests {
    static let realm = "pbx.example.com"
    static let credentials = DigestCredentials(username: "door", password: "s3cret-door", realm: realm)

    static func challenge(
        _ algorithm: String? = "SHA-256", realm: String = realm, nonce: String = "n1", qop: String? = "auth",
        stale: Bool = false, extra: String = ""
    ) -> String {
        var text = "Digest realm=\"\(realm)\", nonce=\"\(nonce)\", opaque=\"op-\(nonce)\""
        if let algorithm { text += ", algorithm=\(algorithm)" }
        if let qop { text += ", qop=\"\(qop)\"" }
        if stale { text += ", stale=true" }
        return text + extra
    }

    /// The error `body` throws, or nil.
    static func error(_ body: () throws(DigestAuthError) -> Void) -> DigestAuthError? {
        do {
            try body()
            return nil
        } catch {
            return error
        }
    }

    @Test("SHA-256 is preferred over MD5 whatever the order", arguments: [
        (["MD5", "SHA-256"], DigestAlgorithm.sha256),
        (["MD5", "SHA-256-sess", "SHA-256"], .sha256),
        (["SHA-256-sess", "MD5"], .sha256Session),
        (["MD5-sess", "MD5"], .md5),
        (["SHA-512-256", "MD5"], .md5),
        (["SHA-512-256", "SHA-256", "MD5"], .sha256),
    ])
    func prefersSHA256(offered: [String], expected: DigestAlgorithm) throws {
        var client = DigestClient(credentials: Self.credentials)
        let response = try AuthMessages.challenge(offered.map { Self.challenge($0) })
        let answers = try client.authorizations(answering: response, to: try AuthMessages.request())
        #expect(answers.count == 1)
        #expect(answers.first?.algorithm == expected)
        let header = try AuthMessages.credentials(of: try AuthMessages.request(authorizations: answers))
        #expect(AuthMessages.raw("algorithm", in: header) == expected.token)
    }

    @Test("MD5 is refused when not allowed")
    func md5NotAllowed() throws {
        var client = DigestClient(credentials: Self.credentials, allowMD5: false)
        let request = try AuthMessages.request()
        for offered in [["MD5"], ["MD5-sess"], [nil], ["MD5", "SHA-512-256"]] as [[String?]] {
            let response = try AuthMessages.challenge(offered.map { Self.challenge($0) })
            let error = Self.error { () throws(DigestAuthError) in
                _ = try client.authorizations(answering: response, to: request)
            }
            #expect(error?.code == .md5NotAllowed, "\(offered)")
        }
        // With SHA-256 on offer the MD5 challenge is simply skipped.
        let both = try AuthMessages.challenge([Self.challenge("MD5"), Self.challenge("SHA-256")])
        #expect(try client.authorizations(answering: both, to: request).map(\.algorithm) == [.sha256])
        // Allowed by default.
        var lenient = DigestClient(credentials: Self.credentials)
        let md5Only = try AuthMessages.challenge([Self.challenge("MD5")])
        #expect(try lenient.authorizations(answering: md5Only, to: request).map(\.algorithm) == [.md5])
    }

    @Test("credentials restricted to a realm answer only that realm")
    func realmRestriction() throws {
        var client = DigestClient(credentials: Self.credentials)
        let request = try AuthMessages.request()
        let evil = try AuthMessages.challenge([Self.challenge(realm: "evil.example.net")])
        let error = Self.error { () throws(DigestAuthError) in _ = try client.authorizations(answering: evil, to: request) }
        #expect(error?.code == .realmNotAllowed)

        let mixed = try AuthMessages.challenge([Self.challenge(realm: "evil.example.net"), Self.challenge()])
        let answers = try client.authorizations(answering: mixed, to: request)
        #expect(answers.map(\.realm) == [Self.realm])
    }

    @Test("unrestricted credentials answer every realm of a response, one header each")
    func everyRealm() throws {
        var client = DigestClient(credentials: DigestCredentials(username: "door", password: "pw"))
        let response = try AuthMessages.challenge(
            [Self.challenge(realm: "a.example.com"), Self.challenge("MD5", realm: "b.example.com"), Self.challenge("MD5", realm: "a.example.com")],
            proxy: true)
        let answers = try client.authorizations(answering: response, to: try AuthMessages.request())
        #expect(answers.map(\.realm) == ["a.example.com", "b.example.com"])
        #expect(answers.map(\.algorithm) == [.sha256, .md5])
        #expect(answers.allSatisfy { $0.headerName == .proxyAuthorization })
        let retried = try AuthMessages.request(authorizations: answers)
        #expect(try retried.proxyAuthorization().compactMap(\.realm) == ["a.example.com", "b.example.com"])
        #expect(try retried.authorization().isEmpty)
    }

    @Test("the cnonce is random, 128 bits of hex")
    func randomCNonce() throws {
        let response = try AuthMessages.challenge([Self.challenge()])
        let request = try AuthMessages.request()
        var cnonces: Set<String> = []
        for _ in 0..<8 {
            var client = DigestClient(credentials: Self.credentials)
            let answers = try client.authorizations(answering: response, to: request)
            let header = try AuthMessages.credentials(of: try AuthMessages.request(authorizations: answers))
            let cnonce = try #require(header.cnonce)
            #expect(cnonce.utf8.count == 32)
            #expect(cnonce.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
            cnonces.insert(cnonce)
        }
        #expect(cnonces.count == 8)
    }

    @Test("nc counts up while a nonce is reused, and restarts with a new nonce")
    func nonceCount() throws {
        var client = DigestClient(credentials: Self.credentials)
        #expect(try client.authorizations(method: "REGISTER", uri: AuthMessages.registrar).isEmpty)

        let first = try client.authorizations(answering: try AuthMessages.challenge([Self.challenge()]), to: try AuthMessages.request())
        #expect(first.map(\.nonceCount) == [1])
        for expected in ["00000002", "00000003"] {
            let again = try client.authorizations(method: "REGISTER", uri: AuthMessages.registrar)
            let header = try AuthMessages.credentials(of: try AuthMessages.request(authorizations: again))
            #expect(AuthMessages.raw("nc", in: header) == expected)
            #expect(header.nonce == "n1")
        }
        #expect(client.nonceState(realm: Self.realm)?.nonceCount == 3)
        #expect(client.nonceState(realm: Self.realm)?.nonce == "n1")

        // A new challenge for the same realm (the request carried no credentials): nc is 1 again.
        let renewed = try client.authorizations(
            answering: try AuthMessages.challenge([Self.challenge(nonce: "n2")]), to: try AuthMessages.request())
        #expect(renewed.map(\.nonceCount) == [1])
        #expect(client.nonceState(realm: Self.realm)?.nonce == "n2")
        #expect(client.nonceStates.count == 1)

        client.reset()
        #expect(client.nonceStates.isEmpty)
    }

    @Test("a realm answered without qop is never reused preemptively")
    func noPreemptiveWithoutQOP() throws {
        var client = DigestClient(credentials: Self.credentials)
        _ = try client.authorizations(answering: try AuthMessages.challenge([Self.challenge("MD5", qop: nil)]), to: try AuthMessages.request())
        #expect(try client.authorizations(method: "REGISTER", uri: AuthMessages.registrar).isEmpty)
    }

    @Test("auth-int when preferred and offered, covering the body")
    func authInt() throws {
        var client = DigestClient(credentials: Self.credentials, preferredQOP: .authInt)
        let invite = try AuthMessages.request(method: "INVITE", uri: "sip:bob@biloxi.com", body: AuthMessages.biloxiSDP)
        let answers = try client.authorizations(
            answering: try AuthMessages.challenge([Self.challenge(qop: "auth,auth-int")]), to: invite)
        #expect(answers.map(\.qop) == [.authInt])
        // Only auth offered: auth it is.
        var other = DigestClient(credentials: Self.credentials, preferredQOP: .authInt)
        let authOnly = try other.authorizations(answering: try AuthMessages.challenge([Self.challenge(qop: "auth")]), to: invite)
        #expect(authOnly.map(\.qop) == [.auth])
    }

    @Test("userhash=true sends H(username:realm) and says userhash=true (RFC 7616 §3.4.4)")
    func userhash() throws {
        var client = DigestClient(credentials: DigestCredentials(username: "Mufasa", password: "Circle of Life"))
        let response = try AuthMessages.challenge([Self.challenge(realm: "http-auth@example.org", extra: ", userhash=true")])
        let answers = try client.authorizations(answering: response, to: try AuthMessages.request())
        let header = try AuthMessages.credentials(of: try AuthMessages.request(authorizations: answers))
        // SHA-256("Mufasa:http-auth@example.org"), computed independently (Python hashlib).
        #expect(header.username == "a947aad205e80e429958a387394944c6b496301e79f89d35a4cc23b6ee12b5b6")
        #expect(header.userhash)
        #expect(AuthMessages.raw("userhash", in: header) == "true")
    }

    @Test("stale=true is retried with the new nonce; stale=false after that means wrong credentials")
    func staleThenRejected() throws {
        var client = DigestClient(credentials: Self.credentials)
        let first = try client.authorizations(answering: try AuthMessages.challenge([Self.challenge(nonce: "n1")]), to: try AuthMessages.request())
        let sent1 = try AuthMessages.request(authorizations: first, cseq: 2)

        // The server found the nonce stale: retry at once with n2, nc back to 1.
        let stale = try AuthMessages.challenge([Self.challenge(nonce: "n2", stale: true)])
        let second = try client.authorizations(answering: stale, to: sent1)
        let header = try AuthMessages.credentials(of: try AuthMessages.request(authorizations: second))
        #expect(header.nonce == "n2")
        #expect(header.nonceCount == 1)
        let sent2 = try AuthMessages.request(authorizations: second, cseq: 3)

        // Refused again, not stale: the password is wrong. The kept state does not change.
        let refused = try AuthMessages.challenge([Self.challenge(nonce: "n3")])
        let error = Self.error { () throws(DigestAuthError) in _ = try client.authorizations(answering: refused, to: sent2) }
        #expect(error?.code == .credentialsRejected)
        #expect(client.nonceState(realm: Self.realm)?.nonce == "n2")
    }

    @Test("a second 401 with stale=false for answered credentials is credentialsRejected")
    func wrongCredentials() throws {
        var client = DigestClient(credentials: Self.credentials)
        let answers = try client.authorizations(answering: try AuthMessages.challenge([Self.challenge(nonce: "n1")]), to: try AuthMessages.request())
        let sent = try AuthMessages.request(authorizations: answers, cseq: 2)
        let again = try AuthMessages.challenge([Self.challenge(nonce: "n2")])
        let error = Self.error { () throws(DigestAuthError) in _ = try client.authorizations(answering: again, to: sent) }
        #expect(error?.code == .credentialsRejected)
    }

    @Test("preemptive credentials refused with stale=false get one fresh answer before the verdict")
    func preemptiveRefused() throws {
        var client = DigestClient(credentials: Self.credentials)
        _ = try client.authorizations(answering: try AuthMessages.challenge([Self.challenge(nonce: "n1")]), to: try AuthMessages.request())
        let preemptive = try AuthMessages.request(
            authorizations: try client.authorizations(method: "REGISTER", uri: AuthMessages.registrar), cseq: 3)

        // The server forgot n1 (a restart) and does not say stale: answer the new challenge.
        let fresh = try client.authorizations(answering: try AuthMessages.challenge([Self.challenge(nonce: "n2")]), to: preemptive)
        #expect(fresh.map(\.nonceCount) == [1])
        let sent = try AuthMessages.request(authorizations: fresh, cseq: 4)

        let refused = try AuthMessages.challenge([Self.challenge(nonce: "n3")])
        let error = Self.error { () throws(DigestAuthError) in _ = try client.authorizations(answering: refused, to: sent) }
        #expect(error?.code == .credentialsRejected)
    }

    @Test("a new request without credentials, challenged after a success, is answered")
    func freshRequestAfterSuccess() throws {
        var client = DigestClient(credentials: Self.credentials)
        _ = try client.authorizations(answering: try AuthMessages.challenge([Self.challenge(nonce: "n1")]), to: try AuthMessages.request())
        let invite = try AuthMessages.request(method: "INVITE", uri: "sip:lobby@pbx.example.com", cseq: 5)
        let answers = try client.authorizations(answering: try AuthMessages.challenge([Self.challenge(nonce: "n2")]), to: invite)
        #expect(answers.count == 1)
        let header = try AuthMessages.credentials(of: try AuthMessages.request(authorizations: answers))
        #expect(header.uri == "sip:lobby@pbx.example.com")
    }

    @Test("endless stale=true challenges stop after maximumStaleRetries")
    func staleLoop() throws {
        var client = DigestClient(credentials: Self.credentials, maximumStaleRetries: 2)
        var answers = try client.authorizations(answering: try AuthMessages.challenge([Self.challenge(nonce: "s0")]), to: try AuthMessages.request())
        for round in 1...2 {
            let sent = try AuthMessages.request(authorizations: answers, cseq: round &+ 1)
            answers = try client.authorizations(answering: try AuthMessages.challenge([Self.challenge(nonce: "s\(round)", stale: true)]), to: sent)
        }
        let sent = try AuthMessages.request(authorizations: answers, cseq: 9)
        let loop = try AuthMessages.challenge([Self.challenge(nonce: "s3", stale: true)])
        let error = Self.error { () throws(DigestAuthError) in _ = try client.authorizations(answering: loop, to: sent) }
        #expect(error?.code == .tooManyStaleChallenges)
    }

    @Test("a response is not a request: notARequest")
    func notARequest() throws {
        var client = DigestClient(credentials: Self.credentials)
        let challenge = try AuthMessages.challenge([Self.challenge()])
        let error = Self.error { () throws(DigestAuthError) in _ = try client.authorizations(answering: challenge, to: challenge) }
        #expect(error?.code == .notARequest)
    }
}
