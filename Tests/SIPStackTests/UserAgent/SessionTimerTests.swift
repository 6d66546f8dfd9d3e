import NIOCore
import SIPMessage
import SIPStack
import Testing

/// RFC 4028 session timers between two agents, and against a scripted peer, on virtual time:
/// the headers of each side, 422 both ways, refreshes at half the interval, expiry of the
/// side that waits for them, refresh failures, and timers turned off.
@Suite("SIPUserAgent session timers (RFC 4028)")
struct SessionTimerTests {
    typealias Pair = CallFlowTests.Pair

    /// A 90 s session interval (the RFC's minimum): refresh at 45 s, non-refresher BYE at
    /// 90 - min(32, 30) = 60 s.
    static func short(_ configuration: inout SIPUserAgent.Configuration) {
        configuration.sessionExpires = 90
    }

    /// Makes `endpoint`'s application answer every re-INVITE with `body`, as the intercom does.
    static func answerReinvites(_ endpoint: UserAgentWire.Endpoint, with body: SIPBody) {
        let agent = endpoint.agent
        agent.onEvent = { [weak endpoint] event in
            endpoint?.events.append(event)
            if case .offerReceived(let handle, _) = event { try? agent.answer(handle, body: body) }
        }
    }

    static func messages(_ wire: UserAgentWire, _ summary: String, from: SocketAddress? = nil) -> [SIPMessage] {
        wire.log.filter { $0.summary == summary && (from == nil || $0.from == from) }.map(\.message)
    }

    @Test("UAC asks with Supported: timer and Session-Expires; UAS answers refresher=uac and Require: timer (§7.1, §9)")
    func headersBothSides() throws {
        let p = try Pair()
        defer { p.wire.finish() }
        let (call, _) = try p.establish()
        let invite = try #require(Self.messages(p.wire, "INVITE").first)
        let asked = try #require(try invite.sessionExpires())
        #expect(asked.seconds == 1800)
        #expect(asked.refresher == nil)
        #expect(try invite.supported().contains { $0.equalsIgnoringCase("timer") })
        // Min-SE only when it is not the default 90.
        #expect(invite.firstValue(.minSE) == nil)
        let ok = try #require(Self.messages(p.wire, "200/INVITE").first)
        #expect(ok.firstValue(.sessionExpires)?.string == "1800;refresher=uac")
        #expect(try ok.require().map(\.string) == ["timer"])
        #expect(p.alice.agent.state(of: call) == .confirmed(body: CallFlowTests.answer))
    }

    @Test("the refresher sends a re-INVITE with the same SDP at half the interval; the 2xx carries Session-Expires")
    func refresherReinvitesAtHalfInterval() throws {
        let p = try Pair(alice: Self.short, bob: Self.short)
        defer { p.wire.finish() }
        Self.answerReinvites(p.bob, with: CallFlowTests.answer)
        let (call, incoming) = try p.establish()
        p.wire.advance(milliseconds: 44_990)
        #expect(Self.messages(p.wire, "INVITE").count == 1)
        p.wire.advance(milliseconds: 20)
        let invites = Self.messages(p.wire, "INVITE", from: p.alice.address)
        #expect(invites.count == 2)
        let refresh = try #require(invites.last)
        #expect(refresh.toTag != nil)
        #expect(refresh.firstValue(.sessionExpires)?.string == "90;refresher=uac")
        #expect(refresh.body.buffer == CallFlowTests.offer.bytes)
        let ok = try #require(Self.messages(p.wire, "200/INVITE").last)
        #expect(ok.firstValue(.sessionExpires)?.string == "90;refresher=uac")
        #expect(Array(p.wire.summaries().suffix(3)) == ["INVITE", "200/INVITE", "ACK"])
        // The refresh is the agent's business: no reofferCompleted for Alice's application.
        #expect(!p.alice.events.contains { if case .reofferCompleted = $0 { true } else { false } })
        // The next one follows 45 s later; nobody hangs up.
        p.wire.advance(milliseconds: 45_000)
        #expect(Self.messages(p.wire, "INVITE", from: p.alice.address).count == 3)
        #expect(p.alice.agent.state(of: call) == .confirmed(body: CallFlowTests.answer))
        #expect(p.bob.agent.state(of: incoming) == .confirmed(body: nil))
    }

    @Test("the non-refresher sends BYE at interval - min(32 s, interval/3) without a refresh; a refresh resets it (§10)")
    func nonRefresherExpiry() throws {
        let p = try Pair(alice: Self.short, bob: Self.short)
        defer { p.wire.finish() }
        Self.answerReinvites(p.bob, with: CallFlowTests.answer)
        let (call, incoming) = try p.establish()
        // Without the refresh at 45 s Bob would end the call at 60 s; the refresh moves his
        // deadline to 45 + 60 = 105 s. Then Alice vanishes: nothing more of hers arrives.
        p.wire.advance(milliseconds: 45_010)
        #expect(Self.messages(p.wire, "INVITE").count == 2)
        p.wire.drop = { $0.from == p.alice.address }
        p.wire.advance(milliseconds: 104_990 - 45_010)
        #expect(p.bob.agent.state(of: incoming) == .confirmed(body: nil))
        #expect(Self.messages(p.wire, "BYE", from: p.bob.address).isEmpty)
        p.wire.advance(milliseconds: 20)
        #expect(p.bob.agent.state(of: incoming) == .terminated(.timedOut))
        #expect(Self.messages(p.wire, "BYE", from: p.bob.address).count == 1)
        // Bob's BYE reaches Alice before her own unanswered refresh of 90 s times out.
        #expect(p.alice.agent.state(of: call) == .terminated(.remoteHangUp))
    }

    @Test("a non-refresher whose peer never refreshes ends the call 60 s into a 90 s session")
    func expiryWithoutAnyRefresh() throws {
        let p = try Pair(alice: Self.short, bob: Self.short)
        defer { p.wire.finish() }
        let (call, incoming) = try p.establish()
        p.wire.drop = { $0.from == p.alice.address }
        p.wire.advance(milliseconds: 59_990)
        #expect(p.bob.agent.state(of: incoming) == .confirmed(body: nil))
        p.wire.advance(milliseconds: 20)
        #expect(p.bob.agent.state(of: incoming) == .terminated(.timedOut))
        #expect(p.bob.states(of: incoming).last == "terminated(timed out)")
        p.wire.drop = { _ in false }
        // Bob's BYE is retransmitted until Alice hears it.
        p.wire.advance(milliseconds: 5_000)
        #expect(p.alice.agent.state(of: call) == .terminated(.remoteHangUp))
    }

    @Test("a lost BYE: the refresh gets 481 and the refresher ends the call with BYE (§10)")
    func refreshGets481() throws {
        let p = try Pair(alice: Self.short, bob: Self.short)
        defer { p.wire.finish() }
        let (call, incoming) = try p.establish()
        // Bob hangs up; his BYE never reaches Alice, and he forgets the call after 64*T1.
        p.wire.drop = { $0.from == p.bob.address && $0.summary == "BYE" }
        try p.bob.agent.hangUp(incoming)
        p.wire.advance(milliseconds: 44_990)
        #expect(p.alice.agent.state(of: call) == .confirmed(body: CallFlowTests.answer))
        p.wire.advance(milliseconds: 20)
        #expect(Self.messages(p.wire, "481/INVITE").count == 1)
        #expect(p.alice.agent.state(of: call) == .terminated(.timedOut))
        #expect(Self.messages(p.wire, "BYE", from: p.alice.address).count == 1)
    }

    @Test("a refresh that times out (Timer B) ends the call with BYE")
    func refreshTimesOut() throws {
        let p = try Pair(alice: Self.short, bob: Self.short)
        defer { p.wire.finish() }
        let (call, _) = try p.establish()
        // Bob vanishes: nothing of his arrives any more.
        p.wire.drop = { $0.from == p.bob.address }
        p.wire.advance(milliseconds: 45_010)
        #expect(Self.messages(p.wire, "INVITE", from: p.alice.address).count >= 2)
        p.wire.advance(milliseconds: 31_900)
        #expect(p.alice.agent.state(of: call) == .confirmed(body: CallFlowTests.answer))
        p.wire.advance(milliseconds: 200)
        #expect(p.alice.agent.state(of: call) == .terminated(.timedOut))
        #expect(Self.messages(p.wire, "BYE", from: p.alice.address).count == 1)
    }

    @Test("422 both ways: the UAS refuses an interval below its Min-SE, the UAC retries once with it (§7.3, §9)")
    func tooSmall() throws {
        let p = try Pair(alice: { $0.sessionExpires = 120 }, bob: { $0.minSE = 300 })
        defer { p.wire.finish() }
        let call = try p.alice.agent.call("sip:bob@192.0.2.2", offer: CallFlowTests.offer)
        p.wire.flush()
        #expect(p.wire.summaries() == ["INVITE", "422/INVITE", "ACK", "INVITE"])
        let refusal = try #require(Self.messages(p.wire, "422/INVITE").first)
        #expect(try refusal.minSE() == 300)
        let invites = Self.messages(p.wire, "INVITE")
        #expect(invites[0].firstValue(.sessionExpires)?.string == "120")
        #expect(invites[1].firstValue(.sessionExpires)?.string == "300")
        #expect(invites[1].firstValue(.minSE)?.string == "300")
        #expect(invites[1].callID == invites[0].callID)
        #expect(invites[1].fromTag == invites[0].fromTag)
        #expect(invites[1].cseqNumber == invites[0].cseqNumber.map { $0 + 1 })
        #expect(invites[1].topViaBranch != invites[0].topViaBranch)
        let incoming = try #require(p.bob.incomingCall)
        try p.bob.agent.answer(incoming.handle, body: CallFlowTests.answer)
        p.wire.flush()
        #expect(p.alice.agent.state(of: call) == .confirmed(body: CallFlowTests.answer))
        #expect(Self.messages(p.wire, "200/INVITE").first?.firstValue(.sessionExpires)?.string == "300;refresher=uac")
        // Only one incoming call reached Bob's application.
        #expect(p.bob.events.filter { if case .incomingCall = $0 { true } else { false } }.count == 1)
    }

    /// A response of a scripted peer to `request`, with its dialog fields copied.
    static func response(_ status: Int, _ reason: String, to request: SIPMessage, extra: String = "") -> String {
        let copy = { (name: SIPHeaderName) in request.firstValue(name)?.string ?? "" }
        return """
            SIP/2.0 \(status) \(reason)
            Via: \(copy(.via))
            From: \(copy(.from))
            To: \(copy(.to));tag=peer1
            Call-ID: \(copy(.callID))
            CSeq: \(copy(.cseq))
            \(extra)
            """
    }

    @Test("the UAC retries a 422 once; a second 422, or one naming no larger Min-SE, ends the call as rejected")
    func secondTooSmall() throws {
        let wire = UserAgentWire()
        defer { wire.finish() }
        let alice = try wire.addAgent("alice", octet: 1) { $0.sessionExpires = 120 }
        let peer = try SocketAddress(ipAddress: "192.0.2.9", port: 5060)
        func invites() -> [SIPMessage] { wire.inbox.filter { $0.summary == "INVITE" }.map(\.message) }
        func refuse(minSE: Int) throws {
            let invite = try #require(invites().last)
            try wire.inject(Self.response(422, "Session Interval Too Small", to: invite, extra: "Min-SE: \(minSE)\n"), from: peer, to: alice)
        }
        let call = try alice.agent.call("sip:carol@192.0.2.9", offer: CallFlowTests.offer)
        wire.flush()
        try refuse(minSE: 300)
        #expect(invites().count == 2)
        #expect(invites().last?.firstValue(.sessionExpires)?.string == "300")
        try refuse(minSE: 600)
        #expect(invites().count == 2)
        #expect(alice.agent.state(of: call) == .terminated(.rejected(status: 422, reason: "Session Interval Too Small")))

        // A 422 whose Min-SE is no larger than what was asked gets no retry.
        let other = try alice.agent.call("sip:carol@192.0.2.9", offer: CallFlowTests.offer)
        wire.flush()
        try refuse(minSE: 100)
        #expect(invites().count == 3)
        #expect(alice.agent.state(of: other) == .terminated(.rejected(status: 422, reason: "Session Interval Too Small")))
    }

    @Test("a UAC without timer support is not refused; the UAS raises the interval and refreshes itself (§9)")
    func uacWithoutTimerSupport() throws {
        let p = try DialogRoutingTests.Peer()
        defer { p.wire.finish() }
        try p.send(DialogRoutingTests.invite(recordRoute: [], extra: "Session-Expires: 30\n"))
        let call = try #require(p.agent.incomingCall)
        #expect(p.sent("422/INVITE").isEmpty)
        try p.agent.agent.answer(call.handle, body: .sdp("v=0\r\n"))
        p.wire.flush()
        let ok = try #require(p.sent("200/INVITE").first)
        #expect(ok.firstValue(.sessionExpires)?.string == "90;refresher=uas")
        #expect(ok.firstValue(.require) == nil)
    }

    @Test("a UAC with timer support asking for less than Min-SE gets 422 with Min-SE; no call is offered")
    func uasRefusesScriptedCaller() throws {
        let p = try DialogRoutingTests.Peer()
        defer { p.wire.finish() }
        try p.send(DialogRoutingTests.invite(recordRoute: [], extra: "Supported: timer\nSession-Expires: 60;refresher=uas\n"))
        let refusal = try #require(p.sent("422/INVITE").first)
        #expect(refusal.reasonPhrase?.string == "Session Interval Too Small")
        #expect(try refusal.minSE() == 90)
        #expect(p.agent.incomingCall == nil)
    }

    @Test("the UAS follows the refresher the UAC picked, and refreshes a caller without timer support itself")
    func uasFollowsRefresherChoice() throws {
        let p = try DialogRoutingTests.Peer()
        defer { p.wire.finish() }
        try p.send(DialogRoutingTests.invite(recordRoute: [], extra: "Supported: timer\nSession-Expires: 90;refresher=uas\n"))
        let call = try #require(p.agent.incomingCall)
        try p.agent.agent.answer(call.handle, body: .sdp("v=0\r\n"))
        p.wire.flush()
        let ok = try #require(p.sent("200/INVITE").first)
        #expect(ok.firstValue(.sessionExpires)?.string == "90;refresher=uas")
        #expect(ok.firstValue(.require)?.string == "timer")
        let localTag = try #require(ok.toTag?.string)
        try p.send("""
            ACK sip:bob@192.0.2.2:5060 SIP/2.0
            Via: SIP/2.0/UDP 192.0.2.9;branch=z9hG4bKack1
            Max-Forwards: 69
            From: "Carol" <sip:carol@example.org>;tag=carol1
            To: <sip:bob@192.0.2.2>;tag=\(localTag)
            Call-ID: routed-call-1
            CSeq: 1 ACK

            """)
        #expect(p.agent.agent.state(of: call.handle) == .confirmed(body: nil))
        p.wire.advance(milliseconds: 45_010)
        let refresh = try #require(p.sent("INVITE").first)
        #expect(refresh.firstValue(.sessionExpires)?.string == "90;refresher=uac")
        #expect(refresh.body.buffer == SIPBody.sdp("v=0\r\n").bytes)
    }

    @Test("a re-INVITE from the peer carries Session-Expires in its 2xx and restarts the timer")
    func peerReinviteRefreshes() throws {
        let p = try Pair(alice: Self.short, bob: Self.short)
        defer { p.wire.finish() }
        Self.answerReinvites(p.bob, with: CallFlowTests.answer)
        let (call, incoming) = try p.establish()
        p.wire.advance(milliseconds: 30_000)
        // Alice's application re-INVITEs (hold) at 30 s: it refreshes the session too.
        try p.alice.agent.reinvite(call, offer: CallFlowTests.offer)
        p.wire.flush()
        let ok = try #require(Self.messages(p.wire, "200/INVITE").last)
        #expect(ok.firstValue(.sessionExpires)?.string == "90;refresher=uac")
        // The next refresh comes 45 s after that one, not at 45 s.
        p.wire.advance(milliseconds: 44_000)
        #expect(Self.messages(p.wire, "INVITE", from: p.alice.address).count == 2)
        p.wire.advance(milliseconds: 1_100)
        #expect(Self.messages(p.wire, "INVITE", from: p.alice.address).count == 3)
        #expect(p.bob.agent.state(of: incoming) == .confirmed(body: nil))
    }

    @Test("timers off (sessionExpires 0): no timer headers, no refreshes, Require: timer gets 420")
    func timersOff() throws {
        let p = try Pair(alice: { $0.sessionExpires = 0 }, bob: Self.short)
        defer { p.wire.finish() }
        let (call, incoming) = try p.establish()
        let invite = try #require(Self.messages(p.wire, "INVITE").first)
        #expect(invite.firstValue(.sessionExpires) == nil)
        #expect(try !invite.supported().contains { $0.equalsIgnoringCase("timer") })
        // Bob refreshes for a caller without timer support (refresher=uas, no Require).
        let ok = try #require(Self.messages(p.wire, "200/INVITE").first)
        #expect(ok.firstValue(.sessionExpires)?.string == "90;refresher=uas")
        #expect(ok.firstValue(.require) == nil)

        let q = try Pair(alice: Self.short, bob: { $0.sessionExpires = nil })
        defer { q.wire.finish() }
        let (other, otherIncoming) = try q.establish()
        let answer = try #require(Self.messages(q.wire, "200/INVITE").first)
        #expect(answer.firstValue(.sessionExpires) == nil)
        #expect(answer.firstValue(.require) == nil)
        // §7.2: no Session-Expires in the 2xx, no session expiration: nothing happens.
        q.wire.advance(milliseconds: 200_000)
        #expect(q.wire.summaries() == ["INVITE", "200/INVITE", "ACK"])
        #expect(q.alice.agent.state(of: other) == .confirmed(body: CallFlowTests.answer))
        #expect(q.bob.agent.state(of: otherIncoming) == .confirmed(body: nil))
        #expect(p.alice.agent.state(of: call) == .confirmed(body: CallFlowTests.answer))
        #expect(p.bob.agent.state(of: incoming) == .confirmed(body: nil))
    }

    @Test("Require: timer is refused with 420 by an agent whose timers are off")
    func requireTimerWhenOff() throws {
        let wire = UserAgentWire()
        defer { wire.finish() }
        let bob = try wire.addAgent("bob", octet: 2) { $0.sessionExpires = 0 }
        let proxy = try SocketAddress(ipAddress: "192.0.2.9", port: 5060)
        try wire.inject(DialogRoutingTests.invite(recordRoute: [], extra: "Require: timer\nSession-Expires: 1800\n"), from: proxy, to: bob)
        let refusal = try #require(wire.inbox.last?.message)
        #expect(refusal.statusCode == 420)
        #expect(refusal.firstValue(.unsupported)?.string == "timer")
    }
}
