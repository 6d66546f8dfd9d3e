import NIOCore
import SIPMessage
import SIPStack
import Testing

@Suite("RegistrationStateMachine (RFC 3261 §10.2), no clock")
struct RegistrationStateMachineTests {
    typealias F = RegistrationFixtures

    /// Starts `machine` and answers the first REGISTER with a 200 granting `expires`.
    static func registered(_ machine: inout RegistrationStateMachine, expires: UInt32 = 3600) throws -> SIPMessage {
        let request = try F.register(machine.handle(.start), machine)
        _ = machine.handle(.responseReceived(try F.ok(to: request, expires: expires)))
        return request
    }

    @Test("start sends REGISTER with the configured Expires, CSeq 1, To without tag")
    func start() throws {
        var machine = F.machine()
        let actions = machine.handle(.start)
        #expect(F.states(actions) == [.registering])
        let request = try F.register(actions, machine)
        #expect(request.cseqNumber == 1)
        #expect(try request.expires() == 3600)
        #expect(try request.contacts().first?.expires == 3600)
        #expect(request.toTag == nil)
        #expect(request.fromTag?.string == "fromtag1")
        #expect(request.callID?.string == "reg-call-1")
        #expect(request.topViaBranch?.string.hasPrefix("z9hG4bK") == true)
        #expect(machine.state == .registering)
        #expect(machine.handle(.start).isEmpty, "a second start does nothing")
    }

    struct GrantCase: Sendable, CustomTestStringConvertible {
        let name: String
        let contacts: [String]
        let expiresHeader: UInt32?
        let granted: UInt32
        let refreshMilliseconds: Int64
        var testDescription: String { name }
    }

    static let grantCases: [GrantCase] = [
        GrantCase(name: "our Contact's expires wins over Expires", contacts: ["<\(F.contact)>;expires=1800"],
                  expiresHeader: 3600, granted: 1800, refreshMilliseconds: 1_770_000),
        GrantCase(name: "another binding's expires is not ours", contacts: [
            "<sip:door@198.51.100.7>;expires=100", "<\(F.contact)>",
        ], expiresHeader: 600, granted: 600, refreshMilliseconds: 570_000),
        GrantCase(name: "no Contact, no Expires: the one asked for", contacts: [], expiresHeader: nil,
                  granted: 3600, refreshMilliseconds: 3_570_000),
        GrantCase(name: "short grant of 60 s refreshes at 30 s", contacts: ["<\(F.contact)>;expires=60"],
                  expiresHeader: nil, granted: 60, refreshMilliseconds: 30_000),
        GrantCase(name: "short grant of 40 s refreshes at half, 20 s", contacts: ["<\(F.contact)>;expires=40"],
                  expiresHeader: nil, granted: 40, refreshMilliseconds: 20_000),
        GrantCase(name: "grant of 1 s refreshes at 500 ms", contacts: ["<\(F.contact)>;expires=1"],
                  expiresHeader: nil, granted: 1, refreshMilliseconds: 500),
    ]

    @Test("200: granted expiry and refresh timer", arguments: grantCases)
    func granted(_ testCase: GrantCase) throws {
        var machine = F.machine()
        let request = try F.register(machine.handle(.start), machine)
        var headers: [(SIPHeaderName, String)] = testCase.contacts.map { (.contact, $0) }
        if let expires = testCase.expiresHeader { headers.append((.expires, "\(expires)")) }
        let actions = machine.handle(.responseReceived(try F.response(to: request, status: 200, headers: headers)))
        #expect(F.refreshDelay(actions) == .milliseconds(testCase.refreshMilliseconds))
        guard case .registered(let expires, let contacts) = machine.state else {
            Issue.record("not registered: \(machine.state)")
            return
        }
        #expect(expires == testCase.granted)
        #expect(contacts.count == testCase.contacts.count)
        #expect(F.states(actions) == [machine.state])
    }

    @Test("refresh: same Call-ID and From tag, CSeq + 1, new branch, state stays registered")
    func refresh() throws {
        var machine = F.machine(F.configuration(credentials: false))
        let first = try Self.registered(&machine, expires: 60)
        let actions = machine.handle(.timerFired(.refresh))
        #expect(F.states(actions).isEmpty)
        let second = try F.register(actions, machine)
        #expect(second.cseqNumber == 2)
        #expect(second.callID == first.callID)
        #expect(second.fromTag == first.fromTag)
        #expect(second.toTag == nil)
        #expect(second.topViaBranch != first.topViaBranch)
        #expect(try second.expires() == 3600, "the refresh asks for the configured expiry again")
        let done = machine.handle(.responseReceived(try F.ok(to: second, expires: 60)))
        #expect(F.refreshDelay(done) == .seconds(30))
        #expect(F.states(done).isEmpty, "same binding: no state change")
        #expect(machine.handle(.timerFired(.retry)).isEmpty, "a stray retry timer does nothing")
    }

    @Test("401 then 200: the Authorization verifies with DigestChallenger")
    func challengeAnswered() throws {
        var challenger = try F.challenger()
        var machine = F.machine()
        let first = try F.register(machine.handle(.start), machine)
        let actions = machine.handle(.responseReceived(try F.challenge(to: first, from: challenger)))
        #expect(F.states(actions).isEmpty)
        let second = try F.register(actions, machine)
        #expect(second.cseqNumber == 2)
        #expect(second.callID == first.callID)
        #expect(challenger.verify(request: second, now: F.now) { $0 == "door" ? F.password : nil }
            == .accepted(username: "door"))
        _ = machine.handle(.responseReceived(try F.ok(to: second, expires: 3600)))
        #expect(machine.state == .registered(expires: 3600, contacts: [F.contact]))

        // The refresh reuses the nonce with the next nc, and still verifies.
        let third = try F.register(machine.handle(.timerFired(.refresh)), machine)
        #expect(third.cseqNumber == 3)
        #expect(try third.authorization().first?.nonceCount == 2)
        #expect(challenger.verify(request: third, now: F.now) { _ in F.password } == .accepted(username: "door"))
    }

    @Test("407 is answered with Proxy-Authorization")
    func proxyChallenge() throws {
        var challenger = try DigestChallenger(
            configuration: DigestChallenger.Configuration(realm: "proxy.example.com", isProxy: true))
        var machine = F.machine()
        let first = try F.register(machine.handle(.start), machine)
        let challenge = try F.response(
            to: first, status: 407, reason: "Proxy Authentication Required",
            headers: challenger.challenges(now: F.now).map { (.proxyAuthenticate, $0) })
        let second = try F.register(machine.handle(.responseReceived(challenge)), machine)
        #expect(second.count(of: .proxyAuthorization) == 1)
        #expect(challenger.verify(request: second, now: F.now) { _ in F.password } == .accepted(username: "door"))
    }

    @Test("Wrong password: one answer per nonce, then backoff, never a loop")
    func wrongPassword() throws {
        var challenger = try F.challenger()
        var machine = F.machine(F.configuration(password: "wrong"))
        var request = try F.register(machine.handle(.start), machine)
        var sent = 1
        var delays: [TimeAmount] = []
        for round in 1...3 {
            // Challenge until the machine stops answering.
            var actions = machine.handle(.responseReceived(try F.challenge(to: request, from: challenger)))
            while let next = F.registers(actions).first {
                let message = try next.message(for: machine.configuration)
                #expect(challenger.verify(request: message, now: F.now) { _ in F.password } == .rejected(.wrongResponse))
                request = message
                sent += 1
                #expect(sent <= 2 * round + 1, "bounded answers")
                actions = machine.handle(.responseReceived(try F.challenge(to: request, from: challenger)))
            }
            guard case .retrying(let after, let attempt, let reason) = machine.state else {
                Issue.record("round \(round): not retrying: \(machine.state)")
                return
            }
            #expect(attempt == round)
            #expect(reason.code == .credentialsRejected)
            #expect(F.retryDelay(actions) == after)
            delays.append(after)
            request = try F.register(machine.handle(.timerFired(.retry)), machine)
            sent += 1
        }
        #expect(delays[0] <= .seconds(1) && delays[1] <= .seconds(2) && delays[2] <= .seconds(4))
        #expect(delays[1] >= .seconds(1) && delays[2] >= .seconds(2), "the backoff grows")
    }

    @Test("stale=true is answered with the new nonce, without failing")
    func staleNonce() throws {
        var challenger = try F.challenger()
        var machine = F.machine()
        let first = try F.register(machine.handle(.start), machine)
        let second = try F.register(machine.handle(.responseReceived(try F.challenge(to: first, from: challenger))), machine)
        _ = machine.handle(.responseReceived(try F.ok(to: second, expires: 3600)))
        let third = try F.register(machine.handle(.timerFired(.refresh)), machine)
        let oldNonce = try third.authorization().first?.nonce

        let actions = machine.handle(.responseReceived(try F.challenge(to: third, from: challenger, stale: true)))
        #expect(F.states(actions).isEmpty, "still registered")
        let fourth = try F.register(actions, machine)
        #expect(fourth.cseqNumber == 4)
        let newNonce = try fourth.authorization().first?.nonce
        #expect(newNonce != nil && newNonce != oldNonce)
        #expect(challenger.verify(request: fourth, now: F.now) { _ in F.password } == .accepted(username: "door"))
        _ = machine.handle(.responseReceived(try F.ok(to: fourth, expires: 3600)))
        #expect(machine.state == .registered(expires: 3600, contacts: [F.contact]))
    }

    @Test("allowMD5 off: an MD5-only challenge fails as md5NotAllowed; SHA-256 next to it is answered; on, MD5 is answered")
    func md5Policy() throws {
        let md5Only = try DigestChallenger(configuration: DigestChallenger.Configuration(realm: "pbx.example.com", algorithms: [.md5]))
        var refusing = F.configuration()
        refusing.allowMD5 = false
        var machine = F.machine(refusing)
        var first = try F.register(machine.handle(.start), machine)
        let refused = machine.handle(.responseReceived(try F.challenge(to: first, from: md5Only)))
        #expect(F.registers(refused).isEmpty)
        #expect(machine.state == .failed(RegistrationFailure(.md5NotAllowed, status: 401)))

        // MD5 offered next to SHA-256: SHA-256 is chosen and verifies.
        var both = try DigestChallenger(configuration: DigestChallenger.Configuration(realm: "pbx.example.com", algorithms: [.md5, .sha256]))
        machine = F.machine(refusing)
        first = try F.register(machine.handle(.start), machine)
        let answered = try F.register(machine.handle(.responseReceived(try F.challenge(to: first, from: both))), machine)
        #expect(try answered.authorization().first?.algorithm == "SHA-256")
        #expect(both.verify(request: answered, now: F.now) { _ in F.password } == .accepted(username: "door"))

        // Allowed (the stack's default): the MD5-only challenge is answered.
        var md5Verifier = md5Only
        machine = F.machine(F.configuration())
        first = try F.register(machine.handle(.start), machine)
        let md5Answer = try F.register(machine.handle(.responseReceived(try F.challenge(to: first, from: md5Only))), machine)
        #expect(md5Verifier.verify(request: md5Answer, now: F.now) { _ in F.password } == .accepted(username: "door"))
    }

    @Test("401 without credentials configured fails")
    func challengeWithoutCredentials() throws {
        let challenger = try F.challenger()
        var machine = F.machine(F.configuration(credentials: false))
        let first = try F.register(machine.handle(.start), machine)
        let actions = machine.handle(.responseReceived(try F.challenge(to: first, from: challenger)))
        #expect(F.registers(actions).isEmpty)
        #expect(machine.state == .failed(RegistrationFailure(.authenticationFailed, status: 401)))
    }

    @Test("423: Min-Expires becomes the expiry asked for, sent at once")
    func intervalTooBrief() throws {
        var machine = F.machine(F.configuration(expires: 60, credentials: false))
        let first = try F.register(machine.handle(.start), machine)
        let actions = machine.handle(.responseReceived(
            try F.response(to: first, status: 423, reason: "Interval Too Brief", headers: [(.minExpires, "300")])))
        #expect(F.states(actions).isEmpty)
        let second = try F.register(actions, machine)
        #expect(second.cseqNumber == 2)
        #expect(try second.expires() == 300)
        #expect(try second.contacts().first?.expires == 300)
        #expect(machine.requestedExpires == 300)
        _ = machine.handle(.responseReceived(try F.ok(to: second, expires: 300)))
        #expect(machine.state == .registered(expires: 300, contacts: [F.contact]))
        // The refresh keeps the raised expiry.
        let third = try F.register(machine.handle(.timerFired(.refresh)), machine)
        #expect(try third.expires() == 300)
    }

    @Test("423 without a larger Min-Expires is a failure, not a loop")
    func intervalTooBriefWithoutMinimum() throws {
        for headers: [(SIPHeaderName, String)] in [[], [(.minExpires, "60")], [(.minExpires, "30")]] {
            var machine = F.machine(F.configuration(expires: 60, credentials: false))
            let first = try F.register(machine.handle(.start), machine)
            let actions = machine.handle(.responseReceived(
                try F.response(to: first, status: 423, headers: headers)))
            #expect(F.registers(actions).isEmpty)
            #expect(machine.state == .failed(RegistrationFailure(.intervalTooBrief, status: 423)))
        }
    }

    @Test("503 with Retry-After: retry after exactly that, then REGISTER again")
    func retryAfter() throws {
        var machine = F.machine(F.configuration(credentials: false))
        let first = try F.register(machine.handle(.start), machine)
        let actions = machine.handle(.responseReceived(
            try F.response(to: first, status: 503, reason: "Service Unavailable", headers: [(.retryAfter, "120")])))
        #expect(F.retryDelay(actions) == .seconds(120))
        #expect(machine.state == .retrying(after: .seconds(120), attempt: 1, reason: RegistrationFailure(.rejected, status: 503)))
        let retry = machine.handle(.timerFired(.retry))
        #expect(F.states(retry) == [.registering])
        let second = try F.register(retry, machine)
        #expect(second.cseqNumber == 2)
    }

    struct FailureCase: Sendable, CustomTestStringConvertible {
        let status: Int
        let retries: Bool
        var testDescription: String { "\(status)" }
    }

    @Test("Final failures: 408, 5xx and 6xx retry; other 3xx and 4xx fail", arguments: [
        FailureCase(status: 302, retries: false), FailureCase(status: 403, retries: false),
        FailureCase(status: 404, retries: false), FailureCase(status: 408, retries: true),
        FailureCase(status: 500, retries: true), FailureCase(status: 503, retries: true),
        FailureCase(status: 603, retries: true),
    ])
    func failures(_ testCase: FailureCase) throws {
        var machine = F.machine(F.configuration(credentials: false))
        let first = try F.register(machine.handle(.start), machine)
        let actions = machine.handle(.responseReceived(try F.response(to: first, status: testCase.status)))
        #expect(F.registers(actions).isEmpty)
        if testCase.retries {
            let delay = try #require(F.retryDelay(actions))
            #expect(delay >= .milliseconds(500) && delay <= .seconds(1))
        } else {
            #expect(machine.state == .failed(RegistrationFailure(.rejected, status: testCase.status)))
            let again = machine.handle(.start)
            #expect(F.states(again) == [.registering], "start after a failure registers again")
            #expect(try F.register(again, machine).cseqNumber == 2)
        }
    }

    @Test("Timeouts and transport errors: backoff doubles from 1 s to the 60 s cap, with jitter")
    func backoffToCap() throws {
        var machine = F.machine(F.configuration(credentials: false), seed: 7)
        _ = machine.handle(.start)
        var lastCeiling: Int64 = 0
        var last: SIPMessage?
        for attempt in 1...12 {
            let event: RegistrationStateMachine.Event = attempt.isMultiple(of: 2) ? .transportError : .transactionTimedOut
            let actions = machine.handle(event)
            let delay = try #require(F.retryDelay(actions))
            let ceiling = min(Int64(1) << (attempt - 1), 60)
            #expect(delay <= .seconds(ceiling), "attempt \(attempt)")
            #expect(delay >= .milliseconds(ceiling * 500), "attempt \(attempt)")
            #expect(machine.state == .retrying(
                after: delay, attempt: attempt,
                reason: RegistrationFailure(attempt.isMultiple(of: 2) ? .transportError : .timeout)))
            lastCeiling = ceiling
            last = try F.register(machine.handle(.timerFired(.retry)), machine)
        }
        #expect(lastCeiling == 60)
        #expect(machine.cseq == 13)
        // A 2xx resets the backoff.
        _ = machine.handle(.responseReceived(try F.ok(to: try #require(last), expires: 60)))
        #expect(machine.failureCount == 0)
        let delay = try #require(F.retryDelay(machine.handle(.timerFired(.refresh)) + machine.handle(.transportError)))
        #expect(delay <= .seconds(1))
    }

    @Test("An unreachable registrar is retried within unreachableRetryMaximum; a refusing one backs off to retryMaximum")
    func unreachableCeiling() throws {
        var configuration = F.configuration(credentials: false)
        configuration.retryMaximum = .seconds(60)
        configuration.unreachableRetryMaximum = .seconds(4)
        var machine = F.machine(configuration, seed: 11)
        var request = try F.register(machine.handle(.start), machine)
        for attempt in 1...10 {
            let event: RegistrationStateMachine.Event = attempt.isMultiple(of: 2) ? .transportError : .transactionTimedOut
            let delay = try #require(F.retryDelay(machine.handle(event)))
            let ceiling = min(Int64(1) << (attempt - 1), 4)
            #expect(delay <= .seconds(ceiling) && delay >= .milliseconds(ceiling * 500), "attempt \(attempt): \(delay)")
            request = try F.register(machine.handle(.timerFired(.retry)), machine)
        }
        // The registrar is back but refuses (503 without Retry-After): the count goes on and the
        // ceiling is the long one again.
        let delay = try #require(F.retryDelay(machine.handle(.responseReceived(try F.response(to: request, status: 503)))))
        #expect(machine.failureCount == 11)
        #expect(delay > .seconds(4) && delay <= .seconds(60), "\(delay)")
    }

    @Test("refreshMaximum: a long grant is refreshed after refreshMaximum; a short one when due")
    func refreshMaximum() throws {
        var configuration = F.configuration(credentials: false)
        configuration.refreshMaximum = .seconds(60)
        var machine = F.machine(configuration)
        let first = try F.register(machine.handle(.start), machine)
        let long = machine.handle(.responseReceived(try F.ok(to: first, expires: 3600)))
        #expect(long.contains(.startTimer(.refresh, after: .seconds(60))), "\(long)")
        let second = try F.register(machine.handle(.timerFired(.refresh)), machine)
        let short = machine.handle(.responseReceived(try F.ok(to: second, expires: 40)))
        #expect(short.contains(.startTimer(.refresh, after: .seconds(20))), "\(short)")
    }

    @Test("Responses to an older REGISTER, provisional responses and stray events are ignored")
    func ignored() throws {
        var machine = F.machine(F.configuration(credentials: false))
        let first = try F.register(machine.handle(.start), machine)
        #expect(machine.handle(.responseReceived(try F.response(to: first, status: 100, reason: "Trying"))).isEmpty)
        _ = machine.handle(.transactionTimedOut)
        _ = machine.handle(.timerFired(.retry))
        #expect(machine.cseq == 2)
        #expect(machine.handle(.responseReceived(try F.ok(to: first, expires: 60))).isEmpty, "CSeq 1 is not in flight")
        #expect(machine.handle(.timerFired(.refresh)).isEmpty)
        #expect(machine.state == .registering)
    }

    @Test("stop: REGISTER with Expires: 0, then unregistered")
    func unregister() throws {
        var machine = F.machine(F.configuration(credentials: false))
        let first = try Self.registered(&machine, expires: 600)
        let actions = machine.handle(.stop)
        #expect(actions.prefix(2) == [.cancelTimer(.refresh), .cancelTimer(.retry)])
        #expect(F.states(actions) == [.unregistering])
        let request = try F.register(actions, machine)
        #expect(request.cseqNumber == 2)
        #expect(request.callID == first.callID)
        #expect(try request.expires() == 0)
        #expect(try request.contacts().first?.expires == 0)
        let done = machine.handle(.responseReceived(try F.response(to: request, status: 200)))
        #expect(done == [.stateChanged(.unregistered)])
        #expect(machine.handle(.stop).isEmpty)
        #expect(machine.handle(.timerFired(.refresh)).isEmpty)
    }

    @Test("stop answers a challenge once; a timeout still ends unregistered")
    func unregisterChallenged() throws {
        var challenger = try F.challenger()
        var machine = F.machine()
        _ = try Self.registered(&machine)
        let request = try F.register(machine.handle(.stop), machine)
        let answer = try F.register(machine.handle(.responseReceived(try F.challenge(to: request, from: challenger))), machine)
        #expect(try answer.expires() == 0)
        #expect(challenger.verify(request: answer, now: F.now) { _ in F.password } == .accepted(username: "door"))
        #expect(machine.handle(.transactionTimedOut) == [.stateChanged(.unregistered)])
    }

    @Test("stop while retrying cancels the retry and unregisters")
    func stopWhileRetrying() throws {
        var machine = F.machine(F.configuration(credentials: false))
        _ = machine.handle(.start)
        _ = machine.handle(.transportError)
        let actions = machine.handle(.stop)
        #expect(actions.contains(.cancelTimer(.retry)))
        #expect(F.states(actions) == [.unregistering])
        #expect(machine.handle(.transportError) == [.stateChanged(.unregistered)])
    }

    @Test("An invalid configuration fails at start without sending")
    func invalidConfiguration() {
        var machine = F.machine(F.configuration(aor: "sip:door@pbx\r\nX: y"))
        let actions = machine.handle(.start)
        #expect(F.registers(actions).isEmpty)
        #expect(machine.state == .failed(RegistrationFailure(.invalidConfiguration)))
    }

    @Test("RFC 5626: our binding is found by +sip.instance")
    func instanceMatching() throws {
        let instance = "\"<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>\""
        var machine = F.machine(F.configuration(credentials: false, instanceID: instance, regID: 1))
        let request = try F.register(machine.handle(.start), machine)
        let response = try F.response(to: request, status: 200, headers: [
            (.contact, "<sip:door@203.0.113.9:40000>;expires=120;+sip.instance=\(instance);reg-id=1"),
        ])
        _ = machine.handle(.responseReceived(response))
        #expect(machine.state == .registered(expires: 120, contacts: ["sip:door@203.0.113.9:40000"]))
    }
}
