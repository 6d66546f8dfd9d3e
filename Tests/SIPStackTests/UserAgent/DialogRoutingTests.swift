import NIOCore
import SIPMessage
import SIPStack
import Testing

/// One agent against a scripted peer (a proxy at 192.0.2.9) on the in-memory wire: route
/// sets, forks, and the answers to requests the agent must refuse.
@Suite("SIPUserAgent dialogs, routes, forks and refusals against a scripted peer")
struct DialogRoutingTests {
    static let proxy = "192.0.2.9"

    struct Peer {
        let wire = UserAgentWire()
        let agent: UserAgentWire.Endpoint
        let proxy: SocketAddress

        init() throws {
            agent = try wire.addAgent("bob", octet: 2)
            proxy = try SocketAddress(ipAddress: DialogRoutingTests.proxy, port: 5060)
        }

        func send(_ text: String) throws { try wire.inject(text, from: proxy, to: agent) }

        /// The last message the agent sent to the proxy.
        var last: SIPMessage? { wire.inbox.last?.message }
        func sent(_ summary: String) -> [SIPMessage] { wire.inbox.filter { $0.summary == summary }.map(\.message) }
    }

    static func invite(branch: String = "z9hG4bKinv1", cseq: Int = 1, recordRoute: [String], extra: String = "") -> String {
        var text = """
            INVITE sip:bob@192.0.2.2 SIP/2.0
            Via: SIP/2.0/UDP 192.0.2.9;branch=\(branch)
            Via: SIP/2.0/UDP 192.0.2.50:5070;branch=z9hG4bKcarol;rport=5070
            Max-Forwards: 69
            From: "Carol" <sip:carol@example.org>;tag=carol1
            To: <sip:bob@192.0.2.2>
            Call-ID: routed-call-1
            CSeq: \(cseq) INVITE
            Contact: <sip:carol@192.0.2.50:5070>

            """
        for route in recordRoute { text += "Record-Route: \(route)\n" }
        text += extra
        text += "Content-Type: application/sdp\n\nv=0\n"
        return text
    }

    @Test("UAS: Record-Route copied into the 2xx; the BYE follows the route set in order to the first hop (§12.1.1)")
    func uasRouteSet() throws {
        let p = try Peer()
        defer { p.wire.finish() }
        try p.send(Self.invite(recordRoute: ["<sip:192.0.2.9;lr>", "<sip:192.0.2.8;lr;ftag=carol1>"]))
        let call = try #require(p.agent.incomingCall)
        #expect(call.displayName == "Carol")
        try p.agent.agent.answer(call.handle, body: .sdp("v=0\r\n"))
        p.wire.flush()
        let ok = try #require(p.last)
        #expect(ok.statusCode == 200)
        #expect(ok.values(.recordRoute).map(\.string) == ["<sip:192.0.2.9;lr>", "<sip:192.0.2.8;lr;ftag=carol1>"])
        #expect(ok.firstValue(.contact)?.string == "<sip:bob@192.0.2.2:5060>")
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
        try p.agent.agent.hangUp(call.handle)
        p.wire.flush()
        let byePacket = try #require(p.wire.inbox.last)
        let bye = byePacket.message
        #expect(bye.method == .bye)
        #expect(byePacket.to.address == p.proxy)
        #expect(bye.requestURI?.string == "sip:carol@192.0.2.50:5070")
        #expect(bye.values(.route).map(\.string) == ["<sip:192.0.2.9;lr>", "<sip:192.0.2.8;lr;ftag=carol1>"])
        #expect(bye.toTag?.string == "carol1")
        #expect(bye.fromTag?.string == localTag)
    }

    @Test("UAS behind a strict router: the router becomes the Request-URI, the target the last Route (§12.2.1.1)")
    func strictRouter() throws {
        let p = try Peer()
        defer { p.wire.finish() }
        try p.send(Self.invite(recordRoute: ["<sip:192.0.2.9>"]))
        let call = try #require(p.agent.incomingCall)
        try p.agent.agent.answer(call.handle, body: .sdp("v=0\r\n"))
        p.wire.flush()
        let tag = try #require(p.last?.toTag?.string)
        try p.send("""
            ACK sip:bob@192.0.2.2:5060 SIP/2.0
            Via: SIP/2.0/UDP 192.0.2.9;branch=z9hG4bKack2
            From: <sip:carol@example.org>;tag=carol1
            To: <sip:bob@192.0.2.2>;tag=\(tag)
            Call-ID: routed-call-1
            CSeq: 1 ACK

            """)
        try p.agent.agent.hangUp(call.handle)
        p.wire.flush()
        let bye = try #require(p.sent("BYE").last)
        #expect(bye.requestURI?.string == "sip:192.0.2.9")
        #expect(bye.values(.route).map(\.string) == ["<sip:carol@192.0.2.50:5070>"])
    }

    @Test("UAC: the route set is the 2xx's Record-Route reversed; a second 2xx from another fork is ACKed and ended with BYE (§13.2.2.4)")
    func uacForking() throws {
        let p = try Peer()
        defer { p.wire.finish() }
        let call = try p.agent.agent.call("sip:carol@192.0.2.9", offer: .sdp("v=0\r\n"))
        p.wire.flush()
        let invite = try #require(p.sent("INVITE").first)
        let from = try #require(invite.firstValue(.from)?.string)
        let callID = try #require(invite.callID?.string)
        let via = try #require(invite.firstValue(.via)?.string)
        func response(_ status: String, tag: String, contact: String, recordRoute: [String]) -> String {
            var text = """
                SIP/2.0 \(status)
                Via: \(via)
                From: \(from)
                To: <sip:carol@192.0.2.9>;tag=\(tag)
                Call-ID: \(callID)
                CSeq: \(invite.cseqNumber ?? 0) INVITE
                Contact: <\(contact)>

                """
            for route in recordRoute { text += "Record-Route: \(route)\n" }
            return text + "\n"
        }
        let routes = ["<sip:192.0.2.7;lr>", "<sip:192.0.2.9;lr>"]
        try p.send(response("180 Ringing", tag: "forkA", contact: "sip:carol@192.0.2.60", recordRoute: routes))
        #expect(p.agent.agent.state(of: call) == .early(status: 180, body: nil))
        try p.send(response("180 Ringing", tag: "forkB", contact: "sip:carol@192.0.2.61", recordRoute: routes))
        try p.send(response("200 OK", tag: "forkA", contact: "sip:carol@192.0.2.60", recordRoute: routes))
        #expect(p.agent.agent.state(of: call) == .confirmed(body: nil))
        let ack = try #require(p.sent("ACK").first)
        #expect(ack.requestURI?.string == "sip:carol@192.0.2.60")
        #expect(ack.values(.route).map(\.string) == ["<sip:192.0.2.9;lr>", "<sip:192.0.2.7;lr>"])
        #expect(ack.cseqNumber == invite.cseqNumber)
        #expect(ack.toTag?.string == "forkA")
        #expect(ack.topViaBranch != invite.topViaBranch)

        // The same 2xx again: the same ACK again, nothing else.
        try p.send(response("200 OK", tag: "forkA", contact: "sip:carol@192.0.2.60", recordRoute: routes))
        #expect(p.sent("ACK").count == 2)
        #expect(p.sent("ACK")[1].topViaBranch == ack.topViaBranch)

        // A 2xx from the other fork: ACK and BYE it; the call stays with fork A.
        try p.send(response("200 OK", tag: "forkB", contact: "sip:carol@192.0.2.61", recordRoute: routes))
        #expect(p.sent("ACK").count == 3)
        #expect(p.sent("ACK")[2].toTag?.string == "forkB")
        let bye = try #require(p.sent("BYE").first)
        #expect(bye.toTag?.string == "forkB")
        #expect(bye.requestURI?.string == "sip:carol@192.0.2.61")
        #expect(p.agent.agent.state(of: call) == .confirmed(body: nil))
    }

    @Test("refusals: 405 with Allow, 420 with Unsupported, 400 with a Warning naming the fault, 481, 500 for an old CSeq")
    func refusals() throws {
        let p = try Peer()
        defer { p.wire.finish() }
        func request(_ method: String, branch: String, toTag: String? = nil, cseq: Int = 1, extra: String = "") -> String {
            """
            \(method) sip:bob@192.0.2.2 SIP/2.0
            Via: SIP/2.0/UDP 192.0.2.9;branch=\(branch)
            Max-Forwards: 70
            From: <sip:carol@example.org>;tag=c1
            To: <sip:bob@192.0.2.2>\(toTag.map { ";tag=\($0)" } ?? "")
            Call-ID: refusals-1
            CSeq: \(cseq) \(method)
            Contact: <sip:carol@192.0.2.50>
            \(extra)
            """
        }
        try p.send(request("SUBSCRIBE", branch: "z9hG4bKr1", extra: "Event: presence\n"))
        #expect(p.last?.statusCode == 405)
        #expect(p.last?.firstValue(.allow)?.string.contains("INVITE") == true)

        try p.send(request("INVITE", branch: "z9hG4bKr2", extra: "Require: 100rel, foo\n"))
        #expect(p.last?.statusCode == 420)
        #expect(p.last?.firstValue(.unsupported)?.string == "100rel, foo")

        try p.send(request("OPTIONS", branch: "z9hG4bKr3", extra: "Max-Forwards: ten\n"))
        #expect(p.last?.statusCode == 400)
        let warning = try #require(p.last?.firstValue(.warning)?.string)
        #expect(warning.hasPrefix("399 192.0.2.2:5060 \""))
        #expect(warning.contains("Max-Forwards"))

        try p.send(request("BYE", branch: "z9hG4bKr4", toTag: "nosuchdialog"))
        #expect(p.last?.statusCode == 481)
        try p.send(request("CANCEL", branch: "z9hG4bKr5"))
        #expect(p.last?.statusCode == 481)
        try p.send(request("INFO", branch: "z9hG4bKr6"))
        #expect(p.last?.statusCode == 481)
        try p.send(request("OPTIONS", branch: "z9hG4bKr7"))
        #expect(p.last?.statusCode == 200)
        #expect(p.last?.firstValue(.accept)?.string == "application/sdp")

        // A call, then an in-dialog request with a CSeq lower than the INVITE's.
        try p.send(Self.invite(cseq: 10, recordRoute: []))
        let call = try #require(p.agent.incomingCall)
        try p.agent.agent.answer(call.handle, body: .sdp("v=0\r\n"))
        p.wire.flush()
        let tag = try #require(p.last?.toTag?.string)
        var stale = request("INFO", branch: "z9hG4bKr8", toTag: tag, cseq: 5)
        stale = stale.replacingOccurrences("refusals-1", "routed-call-1").replacingOccurrences("tag=c1", "tag=carol1")
        try p.send(stale)
        #expect(p.last?.statusCode == 500)
        #expect(p.last?.firstValue(.reason)?.string.contains("CSeq") == true)
    }
}

extension String {
    func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
