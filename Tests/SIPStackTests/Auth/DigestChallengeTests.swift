import NIOCore
import SIPMessage
import SIPStack
import Testing

/// Checking challenges: malformed or unusable ones give a typed error, never a crash, and the
/// answer quotes exactly what RFC 3261 §25.1 quotes.
@Suite("Digest challenges")
struct DigestChallengeTests {
    static let credentials = DigestCredentials(username: "door", password: "s3cret-door")

    static func firstChallenge(_ value: String, proxy: Bool = false) throws -> SIPAuthHeader {
        let message = try AuthMessages.challenge([value], proxy: proxy)
        return try #require(try (proxy ? message.proxyAuthenticate() : message.wwwAuthenticate()).first)
    }

    @Test("malformed or unusable challenges give typed errors", arguments: [
        ("no nonce", "Digest realm=\"pbx\", qop=\"auth\"", DigestAuthError.Code.missingNonce),
        ("empty nonce", "Digest realm=\"pbx\", nonce=\"\"", .missingNonce),
        ("no realm", "Digest nonce=\"abc\", qop=\"auth\"", .missingRealm),
        ("Basic scheme", "Basic realm=\"pbx\"", .notDigest),
        ("SHA-512-256", "Digest realm=\"pbx\", nonce=\"abc\", algorithm=SHA-512-256, qop=\"auth\"", .unsupportedAlgorithm),
        ("SHA-512-256-sess", "Digest realm=\"pbx\", nonce=\"abc\", algorithm=SHA-512-256-sess, qop=\"auth\"", .unsupportedAlgorithm),
        ("unknown algorithm", "Digest realm=\"pbx\", nonce=\"abc\", algorithm=AKAv1-MD5", .unsupportedAlgorithm),
        ("unknown qop only", "Digest realm=\"pbx\", nonce=\"abc\", qop=\"auth-conf\"", .unsupportedQOP),
        ("repeated realm", "Digest realm=\"pbx\", realm=\"evil\", nonce=\"abc\"", .malformedChallenge),
        ("repeated nonce", "Digest realm=\"pbx\", nonce=\"abc\", nonce=\"def\"", .malformedChallenge),
        ("-sess without qop", "Digest realm=\"pbx\", nonce=\"abc\", algorithm=MD5-sess", .malformedChallenge),
    ])
    func malformed(name: String, value: String, code: DigestAuthError.Code) throws {
        let header = try Self.firstChallenge(value)
        #expect(throws: DigestAuthError.self, "\(name)") {
            do throws(DigestAuthError) {
                _ = try DigestChallenge(header)
            } catch {
                #expect(error.code == code, "\(name): \(error)")
                throw error
            }
        }

        // The same through the client and a whole 401.
        var client = DigestClient(credentials: Self.credentials)
        let response = try AuthMessages.challenge([value])
        let request = try AuthMessages.request()
        do throws(DigestAuthError) {
            _ = try client.authorizations(answering: response, to: request)
            Issue.record("\(name): answered a malformed challenge")
        } catch {
            #expect(error.code == code, "\(name): \(error)")
        }
        #expect(client.nonceStates.isEmpty)
    }

    @Test("a challenge header that does not parse is a typed error")
    func unparsable() throws {
        var client = DigestClient(credentials: Self.credentials)
        let request = try AuthMessages.request()
        for value in ["Digest realm=\"pbx\", nonce=\"abc", "Digest realm=\"pbx\",, nonce=\"abc\"", "Digest realm", "Digest ,"] {
            let response = try AuthMessages.challenge([value])
            do throws(DigestAuthError) {
                _ = try client.authorizations(answering: response, to: request)
                Issue.record("answered \(value)")
            } catch {
                #expect(error.code == .malformedChallenge, "\(value): \(error)")
            }
        }
    }

    @Test("no challenge at all: 401 without WWW-Authenticate, a 200, a 407 with only WWW-Authenticate")
    func notAChallenge() throws {
        var client = DigestClient(credentials: Self.credentials)
        let request = try AuthMessages.request()
        let cases = [
            try AuthMessages.challenge([]),
            try AuthMessages.response(status: 200, reason: "OK"),
            try AuthMessages.response(status: 407, reason: "Proxy Authentication Required"),
        ]
        for response in cases {
            #expect(throws: DigestAuthError(.notAChallenge, "")) {
                do throws(DigestAuthError) {
                    _ = try client.authorizations(answering: response, to: request)
                } catch {
                    throw DigestAuthError(error.code, "")
                }
            }
        }
    }

    @Test("every parameter of a full challenge")
    func fullChallenge() throws {
        let header = try Self.firstChallenge(
            "Digest realm=\"pbx.example.com\", domain=\"sip:pbx.example.com\", nonce=\"n-1\", "
                + "opaque=\"op\", stale=TRUE, algorithm=sha-256-SESS, qop=\"auth-int,auth,auth-conf\", userhash=true",
            proxy: true)
        let challenge = try DigestChallenge(header, isProxy: true)
        #expect(challenge.realm == "pbx.example.com")
        #expect(challenge.domain == "sip:pbx.example.com")
        #expect(challenge.nonce == "n-1")
        #expect(challenge.opaque == "op")
        #expect(challenge.stale)
        #expect(challenge.algorithm == .sha256Session)
        #expect(challenge.qopOptions == [.authInt, .auth])
        #expect(challenge.userhash)
        #expect(challenge.isProxy)
        #expect(challenge.qop(preferring: .auth) == .auth)
        #expect(challenge.qop(preferring: .authInt) == .authInt)
    }

    @Test("quoting: special characters in the user name are escaped and read back")
    func quoting() throws {
        let challenge = try DigestChallenge(try Self.firstChallenge("Digest realm=\"pbx\", nonce=\"abc\", qop=\"auth\""))
        let credentials = DigestCredentials(username: "door \"front\" \\ 1", password: "pw")
        let authorization = try challenge.authorization(credentials: credentials, method: "REGISTER", uri: "sip:pbx")
        #expect(authorization.value.contains("username=\"door \\\"front\\\" \\\\ 1\""))
        let header = try AuthMessages.credentials(of: try AuthMessages.request(authorizations: [authorization]))
        #expect(header.username == "door \"front\" \\ 1")
    }

    @Test("values a header cannot carry are refused, not sent", arguments: [
        DigestCredentials(username: "door\r\nVia: SIP/2.0/UDP evil", password: "pw"),
        DigestCredentials(username: "", password: "pw"),
        DigestCredentials(username: "door\u{0}", password: "pw"),
    ])
    func unquotable(credentials: DigestCredentials) throws {
        let challenge = try DigestChallenge(try Self.firstChallenge("Digest realm=\"pbx\", nonce=\"abc\", qop=\"auth\""))
        #expect(throws: DigestAuthError.self) {
            do throws(DigestAuthError) {
                _ = try challenge.authorization(credentials: credentials, method: "REGISTER", uri: "sip:pbx")
            } catch {
                #expect(error.code == .invalidValue)
                throw error
            }
        }
    }

    @Test("a URI with CR LF, an empty cnonce and a non-token method are refused", arguments: [
        ("REGISTER", "sip:pbx\r\nX: y", nil),
        ("REGISTER", "", nil),
        ("REGISTER", "sip:pbx", ""),
        ("REG ISTER", "sip:pbx", nil),
    ] as [(String, String, String?)])
    func unquotableRequestParts(method: String, uri: String, cnonce: String?) throws {
        let challenge = try DigestChallenge(try Self.firstChallenge("Digest realm=\"pbx\", nonce=\"abc\", qop=\"auth\""))
        do throws(DigestAuthError) {
            _ = try challenge.authorization(credentials: Self.credentials, method: method, uri: uri, cnonce: cnonce)
            Issue.record("accepted a value a header cannot carry")
        } catch {
            #expect(error.code == .invalidValue)
        }
    }

    @Test("a control character in the nonce, folded into the header, is refused")
    func foldedNonce() throws {
        // A folded header line keeps its CR LF inside the quoted nonce.
        let text = "SIP/2.0 401 Unauthorized\r\nVia: SIP/2.0/UDP 192.0.2.10;branch=z9hG4bK-1\r\n"
            + "From: <sip:door@pbx>;tag=1\r\nTo: <sip:door@pbx>;tag=2\r\nCall-ID: c1\r\nCSeq: 1 REGISTER\r\n"
            + "WWW-Authenticate: Digest realm=\"pbx\", nonce=\"abc\r\n def\", qop=\"auth\"\r\n"
            + "Content-Length: 0\r\n\r\n"
        let message = try SIPMessage(parsing: text)
        let header = try #require(try message.wwwAuthenticate().first)
        #expect(throws: DigestAuthError.self) {
            do throws(DigestAuthError) {
                _ = try DigestChallenge(header)
            } catch {
                #expect(error.code == .malformedChallenge)
                throw error
            }
        }
    }

    @Test("hostile challenge values never crash", arguments: [
        "Digest",
        "Digest realm=\"\", nonce=\"x\"",
        "Digest realm=pbx, nonce=x, qop=auth, algorithm=MD5",
        "Digest realm=\"pbx\", nonce=\"x\", qop=\"\"",
        "Digest realm=\"pbx\", nonce=\"x\", qop=\",,,\"",
        "Digest realm=\"pbx\", nonce=\"x\", stale=maybe, userhash=no",
        "Digest realm=\"\\\"\", nonce=\"\\\\\"",
        "Digest realm=\"p\u{e9}\", nonce=\"\u{1F512}\", qop=\"auth\"",
        "digest REALM=\"pbx\", NONCE=\"x\", ALGORITHM=sha-256, QOP=\"AUTH\"",
        "Digest realm=\"pbx\", nonce=\"" + String(repeating: "n", count: 4000) + "\"",
    ])
    func hostile(value: String) throws {
        var client = DigestClient(credentials: Self.credentials)
        let response = try AuthMessages.challenge([value])
        let request = try AuthMessages.request()
        let answers: [DigestAuthorization]
        do throws(DigestAuthError) {
            answers = try client.authorizations(answering: response, to: request)
        } catch {
            #expect(!error.reason.isEmpty)
            return
        }
        // Whatever was answered must read back as one credentials header each.
        let retried = try AuthMessages.request(authorizations: answers)
        #expect(try retried.authorization().count == answers.count)
    }
}
