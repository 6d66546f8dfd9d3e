import NIOCore
import SIPMessage
import SIPStack
import Testing

/// A callee's 2xx that cannot make a dialog (found by UserAgentFuzzer: the call stayed
/// `early` for ever and a one-call door phone would have been busy from then on).
@Suite("SIPUserAgent: a 2xx without a usable Contact")
struct UnusableAnswerTests {
    @Test("no Contact, or one that is not a SIP URI: ACKed and ended with BYE where the INVITE went; the call ends", arguments: [
        "", "Contact: <sip:bob@192.0.\u{FFFD}.9>\n", "Contact: *\n",
    ])
    func unusableContact(contact: String) throws {
        let p = try CallFlowTests.Pair()
        defer { p.wire.finish() }
        let (call, invite) = try p.callScriptedPeer()
        try ProxyFailoverTests.respond(180, "Ringing", to: invite, toTag: "far", from: 51, on: p.wire, to: p.alice)
        #expect(p.alice.agent.state(of: call) == .early(status: 180, body: nil))
        let text = """
            SIP/2.0 200 OK
            Via: \(invite.firstValue(.via)?.string ?? "")
            From: \(invite.firstValue(.from)?.string ?? "")
            To: \(invite.firstValue(.to)?.string ?? "");tag=far
            Call-ID: \(invite.firstValue(.callID)?.string ?? "")
            CSeq: \(invite.firstValue(.cseq)?.string ?? "")
            \(contact)Content-Length: 0

            """
        let farEnd = try SocketAddress(ipAddress: "192.0.2.51", port: 5060)
        try p.wire.inject(text, from: farEnd, to: p.alice)
        guard case .terminated(.unusableAnswer)? = p.alice.agent.state(of: call) else {
            Issue.record("the call is \(String(describing: p.alice.agent.state(of: call)))")
            return
        }
        let sent = p.wire.inbox.filter { $0.to.address == farEnd }
        #expect(sent.map(\.summary).suffix(2) == ["ACK", "BYE"])
        #expect(sent.last?.message.requestURI?.string == "sip:bob@192.0.2.51")
        #expect(p.alice.agent.activeCalls.isEmpty)
        // The 2xx again gets the same ACK.
        try p.wire.inject(text, from: farEnd, to: p.alice)
        #expect(p.wire.inbox.filter { $0.to.address == farEnd }.last?.summary == "ACK")
    }

    @Test("a 2xx without a To tag makes no dialog: the call ends when the INVITE transaction does")
    func noToTag() throws {
        let p = try CallFlowTests.Pair()
        defer { p.wire.finish() }
        let (call, invite) = try p.callScriptedPeer()
        try ProxyFailoverTests.respond(200, "OK", to: invite, from: 51, on: p.wire, to: p.alice)
        #expect(p.alice.agent.state(of: call) == .calling)
        p.wire.advance(milliseconds: 33_000)
        guard case .terminated(.unusableAnswer)? = p.alice.agent.state(of: call) else {
            Issue.record("the call is \(String(describing: p.alice.agent.state(of: call)))")
            return
        }
        #expect(p.alice.agent.activeCalls.isEmpty)
        #expect(p.alice.layer.liveTransactionCount == 0)
    }
}
