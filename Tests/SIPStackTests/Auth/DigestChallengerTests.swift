import NIOCore
import SIPMessage
import SIPStack
import Testing

/// The server: challenges as they go on the wire, and client -> server round trips through
/// real messages for every algorithm and qop, stale nonces, replays, wrong passwords and
/// realms, and forged or altered directives. Time is virtual (`NIODeadline` values).
@Suite("Digest challenger")
struct DigestChallengerTests {
    static let realm = "pbx.example.com"
    static let start = NIODeadline.uptimeNanoseconds(5_000_000_000)
    static let credentials = DigestCredentials(username: "door", password: "s3cret-door", realm: realm)

    static func password(_ username: String) -> String? {
        username == "door" ? "s3cret-door" : nil
    }

    static func challenger(
        algorithms: [DigestAlgorithm] = [.sha256, .md5], qop: [DigestQOP] = [.auth],
        lifetime: TimeAmount = .seconds(300), tracked: Int = 1024, proxy: Bool = false
    ) throws -> DigestChallenger {
        try DigestChallenger(configuration: .init(
            realm: realm, algorithms: algorithms, qopOptions: qop, nonceLifetime: lifetime,
            maximumTrackedNonces: tracked, isProxy: proxy))
    }

    /// A REGISTER challenged by `challenger` at `now`, answered by `client`: the retried request.
    static func answered(
        by client: inout DigestClient, challenger: DigestChallenger, now: NIODeadline,
        method: String = "REGISTER", uri: String = AuthMessages.registrar, body: String? = nil
    ) throws -> SIPMessage {
        let request = try AuthMessages.request(method: method, uri: uri, body: body)
        let challenge = try AuthMessages.challenge(from: challenger, now: now)
        let answers = try client.authorizations(answering: challenge, to: request)
        return try AuthMessages.request(method: method, uri: uri, authorizations: answers, body: body, cseq: 2)
    }

    @Test("challenges on the wire: quoted realm, nonce, opaque and qop; token algorithm and stale")
    func challengeFormat() throws {
        let challenger = try Self.challenger()
        let message = try AuthMessages.challenge(from: challenger, stale: true, now: Self.start)
        #expect(message.statusCode == 401)
        let headers = try message.wwwAuthenticate()
        #expect(headers.count == 2)
        #expect(headers.map { AuthMessages.raw("algorithm", in: $0) } == ["SHA-256", "MD5"])
        for header in headers {
            #expect(header.isDigest)
            #expect(AuthMessages.raw("realm", in: header) == "\"pbx.example.com\"")
            #expect(AuthMessages.raw("qop", in: header) == "\"auth\"")
            #expect(AuthMessages.raw("stale", in: header) == "true")
            #expect(AuthMessages.raw("nonce", in: header)?.hasPrefix("\"") == true)
            #expect(AuthMessages.raw("opaque", in: header)?.hasPrefix("\"") == true)
            #expect(header.nonce?.utf8.count == 64)
        }
        // One nonce per response; a new one for the next response.
        #expect(headers[0].nonce == headers[1].nonce)
        let next = try AuthMessages.challenge(from: challenger, now: Self.start)
        #expect(try next.wwwAuthenticate().first?.nonce != headers[0].nonce)
        #expect(try next.wwwAuthenticate().first?.value("stale") == nil)
    }

    @Test("round trip client -> server", arguments: DigestAlgorithm.allCases, DigestQOP.allCases)
    func roundTrip(algorithm: DigestAlgorithm, qop: DigestQOP) throws {
        var challenger = try Self.challenger(algorithms: [algorithm], qop: [qop])
        var client = DigestClient(credentials: Self.credentials, preferredQOP: qop)
        let uri = "sip:door@192.0.2.10:5060;transport=udp"
        let invite = try AuthMessages.request(method: "INVITE", uri: uri, body: AuthMessages.biloxiSDP)
        #expect(challenger.verify(request: invite, now: Self.start, password: Self.password) == .challenge(stale: false))

        let retried = try Self.answered(
            by: &client, challenger: challenger, now: Self.start, method: "INVITE", uri: uri, body: AuthMessages.biloxiSDP)
        let header = try AuthMessages.credentials(of: retried)
        #expect(header.algorithm == algorithm.token)
        #expect(header.qop == qop.token)
        #expect(challenger.verify(request: retried, now: Self.start + .seconds(1), password: Self.password) == .accepted(username: "door"))

        // The next request reuses the nonce with nc=2.
        let next = try AuthMessages.request(
            method: "INVITE", uri: uri,
            authorizations: try client.authorizations(method: "INVITE", uri: uri, body: invite.body.buffer),
            body: AuthMessages.biloxiSDP, cseq: 3)
        #expect(try AuthMessages.credentials(of: next).nonceCount == 2)
        #expect(challenger.verify(request: next, now: Self.start + .seconds(2), password: Self.password) == .accepted(username: "door"))
    }

    @Test("auth-int covers the body: the same credentials over another body are refused")
    func authIntBody() throws {
        var challenger = try Self.challenger(qop: [.authInt])
        var client = DigestClient(credentials: Self.credentials, preferredQOP: .authInt)
        let retried = try Self.answered(by: &client, challenger: challenger, now: Self.start, method: "MESSAGE", body: "hello")
        let altered = try AuthMessages.request(
            method: "MESSAGE", authorizations: [], headers: [(.authorization, try #require(retried.firstValue(.authorization)?.string))],
            body: "HELLO", cseq: 2)
        #expect(challenger.verify(request: altered, now: Self.start, password: Self.password) == .rejected(.wrongResponse))
        #expect(challenger.verify(request: retried, now: Self.start, password: Self.password) == .accepted(username: "door"))
    }

    @Test("proxy: 407, Proxy-Authenticate and Proxy-Authorization")
    func proxy() throws {
        var challenger = try Self.challenger(proxy: true)
        #expect(challenger.challengeStatus == 407)
        #expect(challenger.challengeHeaderName == .proxyAuthenticate)
        #expect(challenger.credentialsHeaderName == .proxyAuthorization)
        var client = DigestClient(credentials: Self.credentials)
        let retried = try Self.answered(by: &client, challenger: challenger, now: Self.start)
        #expect(try retried.authorization().isEmpty)
        #expect(try retried.proxyAuthorization().count == 1)
        #expect(challenger.verify(request: retried, now: Self.start, password: Self.password) == .accepted(username: "door"))
    }

    @Test("an expired nonce gets stale=true; the client retries without asking and is accepted")
    func staleNonce() throws {
        var challenger = try Self.challenger(lifetime: .seconds(300))
        var client = DigestClient(credentials: Self.credentials)
        let retried = try Self.answered(by: &client, challenger: challenger, now: Self.start)
        #expect(challenger.verify(request: retried, now: Self.start + .seconds(300), password: Self.password) == .accepted(username: "door"))

        // A re-REGISTER 301 s after the challenge: the nonce is too old.
        let later = Self.start + .seconds(301)
        let reRegister = try AuthMessages.request(
            authorizations: try client.authorizations(method: "REGISTER", uri: AuthMessages.registrar), cseq: 3)
        #expect(challenger.verify(request: reRegister, now: later, password: Self.password) == .challenge(stale: true))

        let staleChallenge = try AuthMessages.challenge(from: challenger, stale: true, now: later)
        #expect(try staleChallenge.wwwAuthenticate().allSatisfy(\.stale))
        let answers = try client.authorizations(answering: staleChallenge, to: reRegister)
        let retry = try AuthMessages.request(authorizations: answers, cseq: 4)
        #expect(try AuthMessages.credentials(of: retry).nonceCount == 1)
        #expect(challenger.verify(request: retry, now: later, password: Self.password) == .accepted(username: "door"))
    }

    @Test("a replayed nc is refused; a higher one is accepted")
    func replay() throws {
        var challenger = try Self.challenger()
        var client = DigestClient(credentials: Self.credentials)
        let retried = try Self.answered(by: &client, challenger: challenger, now: Self.start)
        #expect(challenger.verify(request: retried, now: Self.start, password: Self.password) == .accepted(username: "door"))
        #expect(challenger.verify(request: retried, now: Self.start, password: Self.password) == .rejected(.replayedNonceCount))

        let second = try AuthMessages.request(authorizations: try client.authorizations(method: "REGISTER", uri: AuthMessages.registrar))
        let third = try AuthMessages.request(authorizations: try client.authorizations(method: "REGISTER", uri: AuthMessages.registrar))
        #expect(challenger.verify(request: third, now: Self.start, password: Self.password) == .accepted(username: "door"))
        // nc=2 after nc=3: lower than the highest seen.
        #expect(challenger.verify(request: second, now: Self.start, password: Self.password) == .rejected(.replayedNonceCount))
        #expect(challenger.trackedNonceCount == 1)
    }

    @Test("a full replay table evicts the oldest nonce, whose next use gets stale=true")
    func eviction() throws {
        var challenger = try Self.challenger(tracked: 2)
        var clients = (0..<3).map { _ in DigestClient(credentials: Self.credentials) }
        for index in clients.indices {
            let now = Self.start + .seconds(Int64(index))
            let retried = try Self.answered(by: &clients[index], challenger: challenger, now: now)
            #expect(challenger.verify(request: retried, now: now, password: Self.password) == .accepted(username: "door"))
        }
        #expect(challenger.trackedNonceCount == 2)

        let now = Self.start + .seconds(10)
        let oldest = try AuthMessages.request(authorizations: try clients[0].authorizations(method: "REGISTER", uri: AuthMessages.registrar))
        #expect(challenger.verify(request: oldest, now: now, password: Self.password) == .challenge(stale: true))
        let kept = try AuthMessages.request(authorizations: try clients[1].authorizations(method: "REGISTER", uri: AuthMessages.registrar))
        #expect(challenger.verify(request: kept, now: now, password: Self.password) == .accepted(username: "door"))
    }

    @Test("a wrong password is rejected; the client, challenged again, reports wrong credentials")
    func wrongPassword() throws {
        var challenger = try Self.challenger()
        var client = DigestClient(credentials: DigestCredentials(username: "door", password: "guess", realm: Self.realm))
        let retried = try Self.answered(by: &client, challenger: challenger, now: Self.start)
        #expect(challenger.verify(request: retried, now: Self.start, password: Self.password) == .rejected(.wrongResponse))

        let again = try AuthMessages.challenge(from: challenger, now: Self.start)
        do {
            _ = try client.authorizations(answering: again, to: retried)
            Issue.record("answered a refusal")
        } catch {
            #expect(error.code == .credentialsRejected)
        }
    }

    @Test("credentials for another realm get a challenge, not an acceptance")
    func wrongRealm() throws {
        var challenger = try Self.challenger()
        let elsewhere = try DigestChallenger(configuration: .init(realm: "other.example.com"))
        var client = DigestClient(credentials: DigestCredentials(username: "door", password: "s3cret-door"))
        let retried = try Self.answered(by: &client, challenger: elsewhere, now: Self.start)
        #expect(try AuthMessages.credentials(of: retried).realm == "other.example.com")
        #expect(challenger.verify(request: retried, now: Self.start, password: Self.password) == .challenge(stale: false))
    }

    @Test("an unknown user is rejected")
    func unknownUser() throws {
        var challenger = try Self.challenger()
        var client = DigestClient(credentials: DigestCredentials(username: "intruder", password: "s3cret-door"))
        let retried = try Self.answered(by: &client, challenger: challenger, now: Self.start)
        #expect(challenger.verify(request: retried, now: Self.start, password: Self.password) == .rejected(.unknownUser))
    }

    @Test("credentials computed for another Request-URI are rejected")
    func uriMismatch() throws {
        var challenger = try Self.challenger()
        var client = DigestClient(credentials: Self.credentials)
        let retried = try Self.answered(by: &client, challenger: challenger, now: Self.start)
        let header = try #require(retried.firstValue(.authorization)?.string)
        let moved = try AuthMessages.request(uri: "sip:other.example.com", headers: [(.authorization, header)])
        #expect(challenger.verify(request: moved, now: Self.start, password: Self.password) == .rejected(.uriMismatch))
    }

    @Test("a right digest over a nonce from another key gets stale=true")
    func foreignNonce() throws {
        var challenger = try Self.challenger()
        let restarted = try Self.challenger()   // same realm, new key: a restarted process
        var client = DigestClient(credentials: Self.credentials)
        let retried = try Self.answered(by: &client, challenger: restarted, now: Self.start)
        #expect(challenger.verify(request: retried, now: Self.start, password: Self.password) == .challenge(stale: true))
    }

    /// A challenge of `challenger`, edited, answered by a fresh client: the retried request.
    static func answeredEdited(
        _ challenger: DigestChallenger, edit: (DigestChallenge, String) -> String
    ) throws -> SIPMessage {
        let value = try #require(challenger.challenges(now: start).first)
        let parsed = try DigestChallenge(try #require(try AuthMessages.challenge([value]).wwwAuthenticate().first))
        var client = DigestClient(credentials: credentials)
        let request = try AuthMessages.request()
        let answers = try client.authorizations(answering: try AuthMessages.challenge([edit(parsed, value)]), to: request)
        return try AuthMessages.request(authorizations: answers, cseq: 2)
    }

    @Test("altered directives are refused", arguments: [
        ("opaque changed", DigestRejection.opaqueMismatch),
        ("MD5 not offered", .algorithmNotOffered),
        ("no qop (RFC 2069 client)", .qopNotOffered),
        ("userhash", .userhashNotSupported),
    ])
    func altered(name: String, expected: DigestRejection) throws {
        var challenger = try Self.challenger(algorithms: [.sha256])
        let retried = try Self.answeredEdited(challenger) { challenge, value in
            switch name {
            case "opaque changed": value.replacing(challenge.opaque ?? "", with: "0123456789abcdef01234567")
            case "MD5 not offered": value.replacing("algorithm=SHA-256", with: "algorithm=MD5")
            case "no qop (RFC 2069 client)": value.replacing(", qop=\"auth\"", with: "")
            default: value + ", userhash=true"
            }
        }
        #expect(challenger.verify(request: retried, now: Self.start, password: Self.password) == .rejected(expected), "\(name)")
    }

    @Test("malformed credentials are rejected, never a crash", arguments: [
        "Digest realm=\"pbx.example.com\", nonce=\"abc\"",
        "Digest realm=\"pbx.example.com\", username=\"door\", nonce=\"abc\", uri=\"sip:pbx.example.com\", response=\"00\", qop=auth",
        "Digest realm=\"pbx.example.com\", username=\"door\", nonce=\"abc\", uri=\"sip:pbx.example.com\", response=\"00\", qop=auth, nc=1, cnonce=\"c\"",
        "Digest realm=\"pbx.example.com\", username=\"door\", username=\"root\", nonce=\"abc\", uri=\"sip:pbx.example.com\", response=\"00\"",
        "Digest realm=\"pbx.example.com\", username=",
        "Digest realm=\"pbx.example.com\",, nonce=\"x\"",
    ])
    func malformedCredentials(value: String) throws {
        var challenger = try Self.challenger()
        let request = try AuthMessages.request(headers: [(.authorization, value)])
        #expect(challenger.verify(request: request, now: Self.start, password: Self.password) == .rejected(.malformedCredentials))
    }

    @Test("no credentials, or credentials of another scheme: a challenge")
    func noCredentials() throws {
        var challenger = try Self.challenger()
        let plain = try AuthMessages.request()
        #expect(challenger.verify(request: plain, now: Self.start, password: Self.password) == .challenge(stale: false))
        let basic = try AuthMessages.request(headers: [(.authorization, "Basic ZG9vcjpzM2NyZXQ=")])
        #expect(challenger.verify(request: basic, now: Self.start, password: Self.password) == .challenge(stale: false))
        let other = try AuthMessages.request(headers: [(.authorization, "Bearer realm=\"pbx.example.com\", token=\"t\"")])
        #expect(challenger.verify(request: other, now: Self.start, password: Self.password) == .challenge(stale: false))
        let response = try AuthMessages.response(status: 200, reason: "OK")
        #expect(challenger.verify(request: response, now: Self.start, password: Self.password) == .rejected(.notARequest))
    }

    @Test("configurations that cannot challenge are refused", arguments: [
        DigestChallenger.Configuration(realm: "pbx", algorithms: []),
        DigestChallenger.Configuration(realm: "pbx", qopOptions: []),
        DigestChallenger.Configuration(realm: "pbx\r\nX: y"),
        DigestChallenger.Configuration(realm: "pbx", nonceLifetime: .zero),
        DigestChallenger.Configuration(realm: "pbx", maximumTrackedNonces: 0),
    ])
    func invalidConfiguration(configuration: DigestChallenger.Configuration) {
        do {
            _ = try DigestChallenger(configuration: configuration)
            Issue.record("accepted \(configuration)")
        } catch {
            #expect(error.code == .invalidConfiguration)
        }
    }
}
