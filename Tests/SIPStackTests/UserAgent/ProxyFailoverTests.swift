import NIOCore
import SIPMessage
import SIPStack
import Testing

/// An outgoing INVITE moving on through the servers of its proxy (RFC 3263 §4.3), on the
/// in-memory wire and virtual time: proxies at addresses without an agent are dead or
/// scripted (their packets wait in the wire's inbox), Bob at 192.0.2.2 stands in for a live one.
@Suite("SIPUserAgent: an INVITE fails over to the proxy's next server")
struct ProxyFailoverTests {
    static let dead = "sip:192.0.2.50;lr"
    static let busy = "sip:192.0.2.51;lr"
    static let live = "sip:192.0.2.2;lr"

    static func identity(_ proxies: [String]) -> SIPCallIdentity {
        SIPCallIdentity(
            addressOfRecord: "sip:alice@example.com", outboundProxy: proxies.first,
            alternativeProxies: Array(proxies.dropFirst()))
    }

    /// The INVITEs the wire carried to `octet`.
    static func invites(to octet: Int, on wire: UserAgentWire) throws -> [SIPMessage] {
        let address = try SocketAddress(ipAddress: "192.0.2.\(octet)", port: 5060)
        return wire.log.filter { $0.to.address == address && $0.summary == "INVITE" }.map(\.message)
    }

    /// A response from a scripted proxy at 192.0.2.`octet` to `request`.
    static func respond(
        _ status: Int, _ reason: String, to request: SIPMessage, toTag: String? = nil, from octet: Int,
        on wire: UserAgentWire, to endpoint: UserAgentWire.Endpoint
    ) throws {
        let to = (request.firstValue(.to)?.string ?? "") + (toTag.map { ";tag=\($0)" } ?? "")
        let text = """
            SIP/2.0 \(status) \(reason)
            Via: \(request.firstValue(.via)?.string ?? "")
            From: \(request.firstValue(.from)?.string ?? "")
            To: \(to)
            Call-ID: \(request.firstValue(.callID)?.string ?? "")
            CSeq: \(request.firstValue(.cseq)?.string ?? "")
            Contact: <sip:bob@192.0.2.\(octet)>
            Content-Length: 0

            """
        try wire.inject(text, from: try SocketAddress(ipAddress: "192.0.2.\(octet)", port: 5060), to: endpoint)
    }

    @Test("no response from the first server, 503 from the second: the third takes the call")
    func deadThenBusyThenLive() throws {
        let p = try CallFlowTests.Pair()
        defer { p.wire.finish() }
        let call = try p.alice.agent.call(
            "sip:bob@192.0.2.2", offer: CallFlowTests.offer, as: Self.identity([Self.dead, Self.busy, Self.live]))
        p.wire.flush()
        let first = try #require(try Self.invites(to: 50, on: p.wire).first)
        #expect(first.firstValue(.route)?.string == "<\(Self.dead)>")
        // Timer B (64*T1) ends the first transaction; nothing went to the others before.
        p.wire.advance(milliseconds: 31_000)
        #expect(try Self.invites(to: 51, on: p.wire).isEmpty)
        #expect(p.alice.agent.state(of: call) == .calling)
        p.wire.advance(milliseconds: 1_100)
        let second = try #require(try Self.invites(to: 51, on: p.wire).first)
        // A new transaction of the same call: Call-ID, From tag and body kept, CSeq + 1,
        // a new branch, the second server's Route.
        #expect(second.firstValue(.callID)?.string == first.firstValue(.callID)?.string)
        #expect(second.firstValue(.from)?.string == first.firstValue(.from)?.string)
        #expect(second.cseqNumber == first.cseqNumber.map { $0 + 1 })
        #expect(second.topViaBranch?.string != first.topViaBranch?.string)
        #expect(second.values(.route).map(\.string) == ["<\(Self.busy)>"])
        #expect(second.body.count == first.body.count)
        #expect(p.alice.agent.state(of: call) == .calling)

        try Self.respond(503, "Service Unavailable", to: second, from: 51, on: p.wire, to: p.alice)
        let incoming = try #require(p.bob.incomingCall)
        let third = try #require(try Self.invites(to: 2, on: p.wire).first)
        #expect(third.cseqNumber == first.cseqNumber.map { $0 + 2 })
        #expect(third.values(.route).map(\.string) == ["<\(Self.live)>"])
        // The 503 was ACKed by its transaction, to the server that sent it.
        #expect(p.wire.inbox.contains { $0.summary == "ACK" && $0.to.address == (try? SocketAddress(ipAddress: "192.0.2.51", port: 5060)) })

        try p.bob.agent.answer(incoming.handle, body: CallFlowTests.answer)
        p.wire.flush()
        #expect(p.alice.states(of: call) == ["calling", "confirmed"])
    }

    @Test("the last server failing ends the call as before: timed out, or rejected with its 503")
    func allFail() throws {
        let p = try CallFlowTests.Pair()
        defer { p.wire.finish() }
        let timedOut = try p.alice.agent.call("sip:bob@192.0.2.2", offer: CallFlowTests.offer, as: Self.identity([Self.dead, Self.dead]))
        p.wire.advance(milliseconds: 32_100)
        #expect(p.alice.agent.state(of: timedOut) == .calling)
        #expect(try Self.invites(to: 50, on: p.wire).count > 1)
        p.wire.advance(milliseconds: 32_100)
        #expect(p.alice.agent.state(of: timedOut) == .terminated(.timedOut))

        let rejected = try p.alice.agent.call("sip:bob@192.0.2.2", offer: CallFlowTests.offer, as: Self.identity([Self.busy]))
        p.wire.flush()
        let invite = try #require(try Self.invites(to: 51, on: p.wire).last)
        try Self.respond(503, "Service Unavailable", to: invite, from: 51, on: p.wire, to: p.alice)
        #expect(p.alice.agent.state(of: rejected) == .terminated(.rejected(status: 503, reason: "Service Unavailable")))
        #expect(try Self.invites(to: 51, on: p.wire).count == 1)
    }

    @Test("a 503 after an early dialog, or a hang-up while the first server is silent: no other server is tried")
    func noFailoverOnceUnderWayOrCancelled() throws {
        let p = try CallFlowTests.Pair()
        defer { p.wire.finish() }
        let early = try p.alice.agent.call("sip:bob@192.0.2.2", offer: CallFlowTests.offer, as: Self.identity([Self.busy, Self.live]))
        p.wire.flush()
        let invite = try #require(try Self.invites(to: 51, on: p.wire).last)
        try Self.respond(180, "Ringing", to: invite, toTag: "far", from: 51, on: p.wire, to: p.alice)
        #expect(p.alice.agent.state(of: early) == .early(status: 180, body: nil))
        try Self.respond(503, "Service Unavailable", to: invite, toTag: "far", from: 51, on: p.wire, to: p.alice)
        #expect(p.alice.agent.state(of: early) == .terminated(.rejected(status: 503, reason: "Service Unavailable")))
        #expect(p.bob.incomingCall == nil)

        let cancelled = try p.alice.agent.call("sip:bob@192.0.2.2", offer: CallFlowTests.offer, as: Self.identity([Self.dead, Self.live]))
        p.wire.flush()
        try p.alice.agent.hangUp(cancelled)
        p.wire.advance(milliseconds: 32_100)
        #expect(p.alice.agent.state(of: cancelled) == .terminated(.localHangUp))
        #expect(p.bob.incomingCall == nil)
    }

    @Test("a server of another transport than the call's is skipped")
    func otherTransportSkipped() throws {
        let p = try CallFlowTests.Pair()
        defer { p.wire.finish() }
        let call = try p.alice.agent.call(
            "sip:bob@192.0.2.2", offer: CallFlowTests.offer,
            as: Self.identity([Self.dead, "sip:192.0.2.52;transport=tcp;lr", Self.live]))
        p.wire.advance(milliseconds: 32_100)
        #expect(try Self.invites(to: 52, on: p.wire).isEmpty)
        let incoming = try #require(p.bob.incomingCall)
        try p.bob.agent.answer(incoming.handle, body: CallFlowTests.answer)
        p.wire.flush()
        #expect(p.alice.agent.state(of: call) == .confirmed(body: CallFlowTests.answer))
    }
}
