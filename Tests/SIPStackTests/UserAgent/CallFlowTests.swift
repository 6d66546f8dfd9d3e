import NIOCore
import SIPMessage
import SIPStack
import Testing

/// Two agents calling each other over the in-memory wire, on virtual time: the call flows of
/// RFC 3261 §13-15 and RFC 3665 end to end.
@Suite("SIPUserAgent call flows between two agents")
struct CallFlowTests {
    static let offer = SIPBody.sdp("v=0\r\no=alice 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n")
    static let answer = SIPBody.sdp("v=0\r\no=bob 1 1 IN IP4 192.0.2.2\r\ns=-\r\nc=IN IP4 192.0.2.2\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0\r\n")

    struct Pair {
        let wire = UserAgentWire()
        let alice: UserAgentWire.Endpoint
        let bob: UserAgentWire.Endpoint

        init(alice configureAlice: (inout SIPUserAgent.Configuration) -> Void = { _ in },
             bob configureBob: (inout SIPUserAgent.Configuration) -> Void = { _ in }) throws {
            alice = try wire.addAgent("alice", octet: 1, configure: configureAlice)
            bob = try wire.addAgent("bob", octet: 2, configure: configureBob)
        }

        /// Alice calls Bob; Bob's incoming call handle.
        func dial() throws -> (SIPCallHandle, SIPCallHandle) {
            let call = try alice.agent.call("sip:bob@192.0.2.2", offer: CallFlowTests.offer)
            wire.flush()
            let incoming = try #require(bob.incomingCall)
            return (call, incoming.handle)
        }

        /// A confirmed call between them.
        func establish() throws -> (SIPCallHandle, SIPCallHandle) {
            let (call, incoming) = try dial()
            try bob.agent.answer(incoming, body: CallFlowTests.answer)
            wire.flush()
            return (call, incoming)
        }
    }

    @Test("INVITE, 180, 200, ACK, then BYE from the caller (RFC 3665 §3.1)")
    func callAndCallerHangsUp() throws {
        let p = try Pair()
        defer { p.wire.finish() }
        let (call, incoming) = try p.dial()
        let offered = try #require(p.bob.incomingCall)
        #expect(offered.from == "sip:alice@192.0.2.1")
        #expect(offered.offer == Self.offer)
        #expect(p.bob.agent.state(of: incoming) == .incoming)

        try p.bob.agent.ring(incoming)
        p.wire.flush()
        #expect(p.alice.agent.state(of: call) == .early(status: 180, body: nil))

        try p.bob.agent.answer(incoming, body: Self.answer)
        p.wire.flush()
        #expect(p.alice.agent.state(of: call) == .confirmed(body: Self.answer))
        #expect(p.bob.agent.state(of: incoming) == .confirmed(body: nil))
        #expect(p.wire.summaries() == ["INVITE", "180/INVITE", "200/INVITE", "ACK"])

        try p.alice.agent.hangUp(call)
        p.wire.flush()
        #expect(p.alice.states(of: call) == ["calling", "early(180)", "confirmed", "terminated(local hang-up)"])
        #expect(p.bob.states(of: incoming) == ["answered", "confirmed", "terminated(remote hang-up)"])
        #expect(Array(p.wire.summaries().suffix(2)) == ["BYE", "200/BYE"])
        // The 2xx is not resent once ACKed.
        p.wire.advance(milliseconds: 5_000)
        #expect(p.wire.summaries().filter { $0 == "200/INVITE" }.count == 1)
    }

    @Test("BYE from the callee ends the call on both sides")
    func calleeHangsUp() throws {
        let p = try Pair()
        defer { p.wire.finish() }
        let (call, incoming) = try p.establish()
        try p.bob.agent.hangUp(incoming)
        p.wire.flush()
        #expect(p.alice.agent.state(of: call) == .terminated(.remoteHangUp))
        #expect(p.bob.agent.state(of: incoming) == .terminated(.localHangUp))
        let bye = try #require(p.wire.log.first { $0.summary == "BYE" })
        // The callee's BYE goes to the caller's Contact, From and To swapped (§12.2.1.1).
        #expect(bye.to.address == p.alice.address)
        #expect(try bye.message.from()?.uri.string == "sip:bob@192.0.2.2")
        #expect(bye.message.requestURI?.string == "sip:alice@192.0.2.1:5060")
    }

    @Test("CANCEL before the answer: 200 for the CANCEL, 487 for the INVITE (RFC 3665 §3.8)")
    func cancelBeforeAnswer() throws {
        let p = try Pair()
        defer { p.wire.finish() }
        let (call, incoming) = try p.dial()
        try p.bob.agent.ring(incoming)
        p.wire.flush()
        try p.alice.agent.hangUp(call)
        p.wire.flush()
        #expect(p.bob.agent.state(of: incoming) == .terminated(.cancelled))
        #expect(p.alice.agent.state(of: call) == .terminated(.localHangUp))
        #expect(p.wire.summaries() == ["INVITE", "180/INVITE", "CANCEL", "200/CANCEL", "487/INVITE", "ACK"])
    }

    @Test("a hang-up before any provisional response waits for one before it sends CANCEL (§9.1)")
    func cancelWaitsForProvisional() throws {
        let p = try Pair()
        defer { p.wire.finish() }
        // Nothing reaches Bob: the caller hears nothing back.
        p.wire.drop = { $0.to.address == p.bob.address && $0.summary == "INVITE" && p.wire.log.count < 2 }
        let call = try p.alice.agent.call("sip:bob@192.0.2.2", offer: Self.offer)
        p.wire.flush()
        try p.alice.agent.hangUp(call)
        p.wire.flush()
        #expect(!p.wire.summaries().contains("CANCEL"))
        // Timer A resends the INVITE after T1; Bob answers 100 after 200 ms; then the CANCEL goes.
        p.wire.advance(milliseconds: 800)
        #expect(p.wire.summaries().contains("CANCEL"))
        #expect(p.alice.agent.state(of: call) == .terminated(.localHangUp))
        #expect(p.bob.lastState == .terminated(.cancelled))
    }

    @Test("a rejected call ends with the status (486), the caller's transaction ACKs it")
    func rejected() throws {
        let p = try Pair()
        defer { p.wire.finish() }
        let (call, incoming) = try p.dial()
        try p.bob.agent.reject(incoming, status: 486)
        p.wire.flush()
        #expect(p.alice.agent.state(of: call) == .terminated(.rejected(status: 486, reason: "Busy Here")))
        #expect(p.bob.agent.state(of: incoming) == .terminated(.rejected(status: 486, reason: "Busy Here")))
        #expect(p.wire.summaries() == ["INVITE", "486/INVITE", "ACK"])
        #expect(throws: SIPUserAgentError.self) { try p.bob.agent.reject(incoming, status: 200) }
    }

    @Test("a lost ACK: the 2xx is resent at T1, 2*T1..., and the resent ACK confirms (§13.3.1.4)")
    func lostACK() throws {
        let p = try Pair()
        defer { p.wire.finish() }
        var droppedACKs = 0
        p.wire.drop = { packet in
            guard packet.summary == "ACK", droppedACKs < 2 else { return false }
            droppedACKs += 1
            return true
        }
        let (call, incoming) = try p.establish()
        #expect(p.bob.agent.state(of: incoming) == .answered)
        #expect(p.alice.agent.state(of: call) == .confirmed(body: Self.answer))
        p.wire.advance(milliseconds: 490)
        #expect(p.wire.summaries().filter { $0 == "200/INVITE" }.count == 1)
        p.wire.advance(milliseconds: 20)
        #expect(p.wire.summaries().filter { $0 == "200/INVITE" }.count == 2)
        #expect(p.bob.agent.state(of: incoming) == .answered)
        p.wire.advance(milliseconds: 1_000)
        #expect(p.wire.summaries().filter { $0 == "200/INVITE" }.count == 3)
        #expect(p.bob.agent.state(of: incoming) == .confirmed(body: nil))
        p.wire.advance(milliseconds: 10_000)
        #expect(p.wire.summaries().filter { $0 == "200/INVITE" }.count == 3)
    }

    @Test("no ACK at all: after 64*T1 the callee ends the call with BYE")
    func ackNeverComes() throws {
        let p = try Pair()
        defer { p.wire.finish() }
        p.wire.drop = { $0.summary == "ACK" }
        let (call, incoming) = try p.establish()
        p.wire.advance(milliseconds: 31_990)
        #expect(p.bob.agent.state(of: incoming) == .answered)
        p.wire.advance(milliseconds: 20)
        #expect(p.bob.agent.state(of: incoming) == .terminated(.timedOut))
        #expect(p.alice.agent.state(of: call) == .terminated(.remoteHangUp))
        // T1 doubling to T2: 0.5, 1, 2, 4, 4, 4... s until 32 s: the first 2xx and 10 resends.
        #expect(p.wire.summaries().filter { $0 == "200/INVITE" }.count == 11)
    }

    @Test("the callee hangs up before the ACK: the BYE waits for the ACK (§15)")
    func hangUpBeforeACK() throws {
        let p = try Pair()
        defer { p.wire.finish() }
        var held: [UserAgentWire.Packet] = []
        p.wire.drop = { packet in
            if packet.summary == "ACK", held.isEmpty { held.append(packet); return true }
            return false
        }
        let (call, incoming) = try p.establish()
        try p.bob.agent.hangUp(incoming)
        p.wire.flush()
        #expect(!p.wire.summaries().contains("BYE"))
        // The 2xx is resent at 500 ms; the ACK it draws gets through; then the BYE goes.
        p.wire.advance(milliseconds: 510)
        #expect(p.wire.summaries().contains("BYE"))
        #expect(p.alice.agent.state(of: call) == .terminated(.remoteHangUp))
    }

    @Test("hold and resume by re-INVITE; the answer comes back as reofferCompleted (§14)")
    func holdAndResume() throws {
        let p = try Pair()
        defer { p.wire.finish() }
        let (call, incoming) = try p.establish()
        let hold = SIPBody.sdp("v=0\r\no=alice 1 2 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\na=sendonly\r\n")
        let held = SIPBody.sdp("v=0\r\no=bob 1 2 IN IP4 192.0.2.2\r\ns=-\r\nc=IN IP4 192.0.2.2\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0\r\na=recvonly\r\n")
        try p.alice.agent.reinvite(call, offer: hold)
        #expect(throws: SIPUserAgentError.self) { try p.alice.agent.reinvite(call, offer: hold) }
        p.wire.flush()
        guard case .offerReceived(let handle, let body) = try #require(p.bob.events.last) else {
            Issue.record("Bob did not get the offer: \(p.bob.events)")
            return
        }
        #expect(handle == incoming)
        #expect(body == hold)
        try p.bob.agent.answer(incoming, body: held)
        p.wire.flush()
        guard case .reofferCompleted(_, let status, let answer) = try #require(p.alice.events.last) else {
            Issue.record("Alice did not get the answer: \(p.alice.events)")
            return
        }
        #expect(status == 200)
        #expect(answer == held)
        #expect(Array(p.wire.summaries().suffix(3)) == ["INVITE", "200/INVITE", "ACK"])
        // The re-INVITE has the next CSeq of the caller's dialog.
        let invites = p.wire.log.filter { $0.summary == "INVITE" }.map { $0.message.cseqNumber ?? 0 }
        #expect(invites.count == 2 && invites[1] == invites[0] + 1)

        // Resume: Bob re-INVITEs this time.
        try p.bob.agent.reinvite(incoming, offer: Self.answer)
        p.wire.flush()
        try p.alice.agent.answer(call, body: Self.offer)
        p.wire.flush()
        guard case .reofferCompleted(_, 200, let resumed) = try #require(p.bob.events.last) else {
            Issue.record("Bob did not get the answer: \(p.bob.events)")
            return
        }
        #expect(resumed == Self.offer)
        #expect(p.alice.agent.state(of: call) == .confirmed(body: Self.answer))
    }

    @Test("glare: both re-INVITE at once, both get 491, and the retries after §14.1's waits succeed")
    func glare() throws {
        let p = try Pair()
        defer { p.wire.finish() }
        let (call, incoming) = try p.establish()
        p.alice.agent.onEvent = { [weak alice = p.alice] event in
            alice?.events.append(event)
            if case .offerReceived(let handle, _) = event { try? alice?.agent.answer(handle, body: CallFlowTests.offer) }
        }
        p.bob.agent.onEvent = { [weak bob = p.bob] event in
            bob?.events.append(event)
            if case .offerReceived(let handle, _) = event { try? bob?.agent.answer(handle, body: CallFlowTests.answer) }
        }
        try p.alice.agent.reinvite(call, offer: Self.offer)
        try p.bob.agent.reinvite(incoming, offer: Self.answer)
        p.wire.flush()
        #expect(p.wire.summaries().filter { $0 == "491/INVITE" }.count == 2)
        p.wire.advance(milliseconds: 10_000)
        let aliceDone = p.alice.events.filter { if case .reofferCompleted(_, 200, _) = $0 { true } else { false } }
        let bobDone = p.bob.events.filter { if case .reofferCompleted(_, 200, _) = $0 { true } else { false } }
        #expect(aliceDone.count == 1)
        #expect(bobDone.count == 1)
        #expect(p.alice.agent.state(of: call) == .confirmed(body: Self.answer))
    }

    @Test("INFO and MESSAGE in the dialog, MESSAGE and OPTIONS outside one")
    func infoAndMessages() throws {
        let p = try Pair()
        defer { p.wire.finish() }
        let (call, incoming) = try p.establish()
        let dtmf = SIPBody(contentType: "application/dtmf-relay", "Signal=5\r\nDuration=160\r\n")
        let info = try p.alice.agent.sendInfo(call, body: dtmf)
        p.wire.flush()
        #expect(try info.wait() == 200)
        guard case .infoReceived(let handle, let body) = try #require(p.bob.events.last) else {
            Issue.record("no INFO event: \(p.bob.events)")
            return
        }
        #expect(handle == incoming && body == dtmf)

        let inDialog = try p.bob.agent.sendMessage(in: incoming, body: .text("door open"))
        p.wire.flush()
        #expect(try inDialog.wait() == 200)
        guard case .messageReceived(let message) = try #require(p.alice.events.last) else {
            Issue.record("no MESSAGE event: \(p.alice.events)")
            return
        }
        #expect(message.call == call && message.body?.string == "door open" && message.from == "sip:bob@192.0.2.2")

        let standalone = try p.alice.agent.sendMessage(to: "sip:bob@192.0.2.2", body: .text("hello"))
        p.wire.flush()
        #expect(try standalone.wait() == 200)
        guard case .messageReceived(let outside) = try #require(p.bob.events.last) else {
            Issue.record("no MESSAGE event: \(p.bob.events)")
            return
        }
        #expect(outside.call == nil && outside.body?.string == "hello")

        let options = try p.alice.agent.sendOptions(to: "sip:bob@192.0.2.2")
        p.wire.flush()
        #expect(try options.wait() == 200)
        let response = try #require(p.wire.log.last { $0.summary == "200/OPTIONS" })
        #expect(response.message.firstValue(.allow)?.string.contains("INVITE") == true)
        #expect(response.message.firstValue(.accept)?.string == "application/sdp")
        #expect(response.message.firstValue(.supported)?.string == "timer", "Supported lists session timers (RFC 4028), on by default")
        try response.message.validate()
    }

    @Test("MESSAGE to nobody times out with 408 after 64*T1")
    func messageTimesOut() throws {
        let p = try Pair()
        defer { p.wire.finish() }
        let future = try p.alice.agent.sendMessage(to: "sip:carol@192.0.2.3", body: .text("anyone?"))
        p.wire.advance(milliseconds: 32_100)
        #expect(try future.wait() == 408)
    }

    @Test("an unanswered incoming call is refused with 480 after the configured time")
    func unanswered() throws {
        let p = try Pair(bob: { $0.unansweredTimeout = .seconds(30) })
        defer { p.wire.finish() }
        let (call, incoming) = try p.dial()
        p.wire.advance(milliseconds: 29_990)
        #expect(p.bob.agent.state(of: incoming) == .incoming)
        p.wire.advance(milliseconds: 20)
        #expect(p.bob.agent.state(of: incoming) == .terminated(.timedOut))
        #expect(p.alice.agent.state(of: call) == .terminated(.rejected(status: 480, reason: "Temporarily Unavailable")))
    }

    /// Bob challenges callers and knows Alice's password as `s3cret`; Alice answers
    /// challenges with `alicePassword`.
    static func challengingPair(alicePassword: String, algorithms: [DigestAlgorithm]) throws -> Pair {
        let challenger = try DigestChallenger(configuration: .init(realm: "door", algorithms: algorithms))
        return try Pair(
            alice: { $0.credentials = DigestClient(credentials: DigestCredentials(username: "alice", password: alicePassword)) },
            bob: {
                $0.challenger = challenger
                $0.passwords = ["alice": "s3cret"]
            })
    }

    @Test("a callee that challenges: 401, the INVITE again with credentials, the call goes through")
    func digestChallengedInvite() throws {
        let p = try Self.challengingPair(alicePassword: "s3cret", algorithms: [.sha256, .md5])
        defer { p.wire.finish() }
        let call = try p.alice.agent.call("sip:bob@192.0.2.2", offer: Self.offer)
        p.wire.flush()
        #expect(p.wire.summaries() == ["INVITE", "401/INVITE", "ACK", "INVITE"])
        let incoming = try #require(p.bob.incomingCall)
        #expect(incoming.authenticatedUser == "alice")
        try p.bob.agent.answer(incoming.handle, body: Self.answer)
        p.wire.flush()
        #expect(p.alice.agent.state(of: call) == .confirmed(body: Self.answer))
        let invites = p.wire.log.filter { $0.summary == "INVITE" }
        #expect(invites[1].message.cseqNumber == (invites[0].message.cseqNumber ?? 0) + 1)
        #expect(invites[1].message.callID == invites[0].message.callID)
        // The ACK of the 2xx carries the INVITE's credentials (§13.2.2.4 via §22).
        let ack = try #require(p.wire.log.last { $0.summary == "ACK" })
        #expect(ack.message.firstValue(.authorization) != nil)
    }

    @Test("a caller with the wrong password is refused with 403 and gives up")
    func digestWrongPassword() throws {
        let p = try Self.challengingPair(alicePassword: "wrong", algorithms: [.sha256])
        defer { p.wire.finish() }
        let call = try p.alice.agent.call("sip:bob@192.0.2.2", offer: Self.offer)
        p.wire.flush()
        #expect(p.bob.incomingCall == nil)
        #expect(p.alice.agent.state(of: call) == .terminated(.rejected(status: 403, reason: "Forbidden")))
    }

    @Test("a call placed as another identity: its From and its credentials answer the challenge, not the agent's")
    func callAsAnotherIdentity() throws {
        // The agent's own credentials are wrong; the identity's are right.
        let p = try Self.challengingPair(alicePassword: "wrong", algorithms: [.sha256])
        defer { p.wire.finish() }
        let identity = SIPCallIdentity(
            addressOfRecord: "sip:lobby@pbx2.example.com", displayName: "Lobby",
            credentials: DigestClient(credentials: DigestCredentials(username: "alice", password: "s3cret")))
        let call = try p.alice.agent.call("sip:bob@192.0.2.2", offer: Self.offer, as: identity)
        p.wire.flush()
        #expect(p.wire.summaries() == ["INVITE", "401/INVITE", "ACK", "INVITE"])
        let invite = try #require(p.wire.log.last { $0.summary == "INVITE" })
        #expect(invite.message.firstValue(.from)?.string.hasPrefix(#""Lobby" <sip:lobby@pbx2.example.com>;tag="#) == true)
        #expect(invite.message.firstValue(.contact)?.string.contains("sip:lobby@") == true)
        let incoming = try #require(p.bob.incomingCall)
        #expect(incoming.authenticatedUser == "alice")
        try p.bob.agent.answer(incoming.handle, body: Self.answer)
        p.wire.flush()
        #expect(p.alice.agent.state(of: call) == .confirmed(body: Self.answer))
    }

    @Test("a challenge the caller may not answer (MD5 only, MD5 not allowed) ends the call with that reason")
    func md5OnlyChallengeRefused() throws {
        let challenger = try DigestChallenger(configuration: .init(realm: "door", algorithms: [.md5]))
        let p = try Pair(
            alice: { $0.credentials = DigestClient(credentials: DigestCredentials(username: "alice", password: "s3cret"), allowMD5: false) },
            bob: {
                $0.challenger = challenger
                $0.passwords = ["alice": "s3cret"]
            })
        defer { p.wire.finish() }
        let call = try p.alice.agent.call("sip:bob@192.0.2.2", offer: Self.offer)
        p.wire.flush()
        #expect(p.wire.summaries() == ["INVITE", "401/INVITE", "ACK"])
        guard case .terminated(.rejected(let status, let reason)) = p.alice.agent.state(of: call) else {
            Issue.record("not rejected: \(String(describing: p.alice.agent.state(of: call)))")
            return
        }
        #expect(status == 401)
        #expect(reason.hasPrefix("Unauthorized (not answered: "), "\(reason)")
        #expect(reason.contains("MD5"), "\(reason)")
    }
}

@Suite("SIPUserAgent transport choice")
struct TransportChoiceTests {
    @Test("a request over 1300 bytes goes over TCP instead of UDP, its Via saying TCP (RFC 3261 §18.1.1)")
    func largeRequestUsesTCP() throws {
        let p = try CallFlowTests.Pair()
        defer { p.wire.finish() }
        let small = try p.alice.agent.sendMessage(to: "sip:bob@192.0.2.2", body: .text("short"))
        let large = try p.alice.agent.sendMessage(to: "sip:bob@192.0.2.2", body: .text(String(repeating: "x", count: 1_400)))
        p.wire.flush()
        #expect(try small.wait() == 200)
        #expect(try large.wait() == 200)
        let messages = p.wire.log.filter { $0.summary == "MESSAGE" }
        #expect(messages.count == 2)
        #expect(messages[0].to.isReliable == false)
        #expect(messages[0].message.topViaTransport?.string == "UDP")
        #expect(messages[1].to.isReliable == true)
        #expect(messages[1].message.topViaTransport?.string == "TCP")
        // The answer to the large one came back on the reliable transport too.
        let answers = p.wire.log.filter { $0.summary == "200/MESSAGE" }
        #expect(answers.map(\.to.isReliable) == [false, true])
    }
}

@Suite("SIPUserAgent next hop of a URI")
struct NextHopTests {
    @Test("transport and port from the URI: transport=, sips means TLS (WSS over WebSocket), default ports", arguments: [
        ("sip:bob@192.0.2.50", "UDP", 5060),
        ("sip:bob@192.0.2.50;transport=tcp", "TCP", 5060),
        ("sip:bob@192.0.2.50:5070;transport=TCP", "TCP", 5070),
        ("sips:bob@192.0.2.50", "TLS", 5061),
        ("sips:bob@192.0.2.50;transport=tcp", "TLS", 5061),
        ("sip:bob@192.0.2.50;transport=ws", "WS", 5060),
        ("sips:bob@192.0.2.50;transport=ws", "WSS", 5061),
        ("sip:bob@[2001:db8::50]:5080", "UDP", 5080),
    ])
    func nextHop(target: String, transport: String, port: Int) throws {
        let wire = UserAgentWire()
        defer { wire.finish() }
        let alice = try wire.addAgent("alice", octet: 1)
        _ = try alice.agent.call(target, offer: nil)
        wire.flush()
        let invite = try #require(wire.inbox.last)
        #expect(invite.to.transport.rawValue == transport)
        #expect(invite.to.address.port == port)
        #expect(invite.message.topViaTransport?.string == transport)
        #expect(invite.message.requestURI?.string == target)
        let contact = try #require(invite.message.firstValue(.contact)?.string)
        #expect(contact.hasPrefix(transport == "TLS" || transport == "WSS" ? "<sips:" : "<sip:"))
    }

    @Test("refused next hops: a host name without an outbound proxy, sips over UDP, an unknown transport, tel", arguments: [
        ("sip:bob@example.com", SIPUserAgentError.Code.unresolvableHost),
        ("sips:bob@192.0.2.50;transport=udp", .invalidURI),
        ("sip:bob@192.0.2.50;transport=sctp", .invalidURI),
        ("tel:+15551234", .invalidURI),
        ("sip:bob@", .invalidURI),
    ])
    func refused(target: String, code: SIPUserAgentError.Code) throws {
        let wire = UserAgentWire()
        defer { wire.finish() }
        let alice = try wire.addAgent("alice", octet: 1)
        do {
            _ = try alice.agent.call(target, offer: nil)
            Issue.record("\(target) was accepted")
        } catch {
            #expect(error.code == code)
        }
        #expect(alice.agent.activeCalls.isEmpty)
    }
}
