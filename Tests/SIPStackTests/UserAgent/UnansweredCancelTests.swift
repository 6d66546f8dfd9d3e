import NIOCore
import SIPMessage
import SIPStack
import Testing

/// A CANCEL whose INVITE never gets its final response (found by UserAgentFuzzer: after a
/// provisional response no timer of the INVITE transaction runs, so the call stayed for ever).
@Suite("SIPUserAgent: a cancelled INVITE without a final response")
struct UnansweredCancelTests {
    /// Alice calls the scripted peer, which rings (180); she hangs up: CANCEL sent.
    static func hangUpWhileRinging(_ p: CallFlowTests.Pair) throws -> (SIPCallHandle, SIPMessage) {
        let (call, invite) = try p.callScriptedPeer()
        try ProxyFailoverTests.respond(180, "Ringing", to: invite, toTag: "far", from: 51, on: p.wire, to: p.alice)
        try p.alice.agent.hangUp(call)
        p.wire.flush()
        return (call, invite)
    }

    @Test("64*T1 after the CANCEL the INVITE transaction is destroyed and the call ends (RFC 3261 §9.1)")
    func givenUp() throws {
        let p = try CallFlowTests.Pair()
        defer { p.wire.finish() }
        let (call, invite) = try Self.hangUpWhileRinging(p)
        let farEnd = try SocketAddress(ipAddress: "192.0.2.51", port: 5060)
        #expect(p.wire.inbox.filter { $0.to.address == farEnd }.last?.summary == "CANCEL")
        // The far end never answers: not the CANCEL, not the INVITE.
        p.wire.advance(milliseconds: 31_000)
        #expect(p.alice.agent.state(of: call) == .early(status: 180, body: nil))
        p.wire.advance(milliseconds: 1_500)
        #expect(p.alice.agent.state(of: call) == .terminated(.localHangUp))
        #expect(p.alice.agent.activeCalls.isEmpty)
        #expect(p.alice.layer.liveTransactionCount == 0)
        // A late 487 is a stray: acknowledged or dropped, nothing else.
        try ProxyFailoverTests.respond(487, "Request Terminated", to: invite, toTag: "far", from: 51, on: p.wire, to: p.alice)
        #expect(p.alice.agent.state(of: call) == .terminated(.localHangUp))
    }

    @Test("a 487 in time ends the call as before, and the deadline then does nothing")
    func answeredInTime() throws {
        let p = try CallFlowTests.Pair()
        defer { p.wire.finish() }
        let (call, invite) = try Self.hangUpWhileRinging(p)
        p.wire.advance(milliseconds: 2_000)
        try ProxyFailoverTests.respond(487, "Request Terminated", to: invite, toTag: "far", from: 51, on: p.wire, to: p.alice)
        #expect(p.alice.agent.state(of: call) == .terminated(.localHangUp))
        p.wire.advance(milliseconds: 40_000)
        #expect(p.alice.agent.state(of: call) == nil || p.alice.agent.state(of: call) == .terminated(.localHangUp))
    }

    @Test("a re-INVITE that got only a provisional response does not outlive its call")
    func reinviteOutlived() throws {
        let p = try CallFlowTests.Pair()
        defer { p.wire.finish() }
        let (call, invite) = try p.callScriptedPeer()
        try ProxyFailoverTests.respond(200, "OK", to: invite, toTag: "far", from: 51, on: p.wire, to: p.alice)
        #expect(p.alice.agent.state(of: call) == .confirmed(body: nil))
        try p.alice.agent.reinvite(call, offer: CallFlowTests.offer)
        p.wire.flush()
        let reinvite = try #require(try ProxyFailoverTests.invites(to: 51, on: p.wire).last)
        #expect(reinvite.cseqNumber != invite.cseqNumber)
        try ProxyFailoverTests.respond(180, "Ringing", to: reinvite, toTag: "far", from: 51, on: p.wire, to: p.alice)
        try p.alice.agent.hangUp(call)
        p.wire.advance(milliseconds: 40_000)
        #expect(p.alice.agent.activeCalls.isEmpty)
        #expect(p.alice.layer.liveTransactionCount == 0)
    }
}
