import NIOCore
import SIPMessage
import SIPStack
import Testing

/// The agent's credentials on requests inside a dialog, and its registrations, against a
/// scripted proxy/registrar at 192.0.2.9.
@Suite("SIPUserAgent: challenged in-dialog requests and registrations")
struct AgentAuthAndRegistrationTests {
    static let challenge = #"Digest realm="proxy.test", nonce="n0nce1", qop="auth", algorithm=SHA-256"#

    @Test("a BYE challenged with 407 is sent again with Proxy-Authorization and the next CSeq (§22.2)")
    func challengedBye() throws {
        let wire = UserAgentWire()
        defer { wire.finish() }
        let bob = try wire.addAgent("bob", octet: 2) {
            $0.credentials = DigestClient(credentials: DigestCredentials(username: "bob", password: "pw"))
        }
        let proxy = try SocketAddress(ipAddress: "192.0.2.9", port: 5060)
        try wire.inject(DialogRoutingTests.invite(recordRoute: ["<sip:192.0.2.9;lr>"]), from: proxy, to: bob)
        let call = try #require(bob.incomingCall)
        try bob.agent.answer(call.handle, body: .sdp("v=0\r\n"))
        wire.flush()
        let tag = try #require(wire.inbox.last?.message.toTag?.string)
        try wire.inject("""
            ACK sip:bob@192.0.2.2:5060 SIP/2.0
            Via: SIP/2.0/UDP 192.0.2.9;branch=z9hG4bKack9
            From: <sip:carol@example.org>;tag=carol1
            To: <sip:bob@192.0.2.2>;tag=\(tag)
            Call-ID: routed-call-1
            CSeq: 1 ACK

            """, from: proxy, to: bob)
        try bob.agent.hangUp(call.handle)
        wire.flush()
        let bye = try #require(wire.inbox.last?.message)
        #expect(bye.method == .bye)
        try wire.inject("""
            SIP/2.0 407 Proxy Authentication Required
            Via: \(bye.firstValue(.via)?.string ?? "")
            From: \(bye.firstValue(.from)?.string ?? "")
            To: \(bye.firstValue(.to)?.string ?? "")
            Call-ID: routed-call-1
            CSeq: \(bye.cseqNumber ?? 0) BYE
            Proxy-Authenticate: \(Self.challenge)

            """, from: proxy, to: bob)
        let retry = try #require(wire.inbox.last?.message)
        #expect(retry.method == .bye)
        #expect(retry.cseqNumber == (bye.cseqNumber ?? 0) + 1)
        #expect(retry.topViaBranch != bye.topViaBranch)
        let credentials = try #require(retry.firstValue(.proxyAuthorization)?.string)
        #expect(credentials.contains("realm=\"proxy.test\"") && credentials.contains("algorithm=SHA-256"))
        #expect(retry.values(.route).map(\.string) == ["<sip:192.0.2.9;lr>"])
    }

    @Test("shutdown ends the calls and unregisters every registration (Expires: 0)")
    func shutdownUnregisters() throws {
        let wire = UserAgentWire()
        defer { wire.finish() }
        let alice = try wire.addAgent("alice", octet: 1)
        let bob = try wire.addAgent("bob", octet: 2)
        let registrar = try SocketAddress(ipAddress: "192.0.2.9", port: 5060)
        let registration = RegistrationClient(
            configuration: RegistrationConfiguration(
                registrarURI: "sip:192.0.2.9", addressOfRecord: "sip:alice@192.0.2.9", contactURI: "sip:alice@192.0.2.1:5060",
                expires: 600, viaSentBy: "192.0.2.1:5060"),
            layer: alice.layer, destination: .udp(registrar))
        alice.agent.addRegistration(registration)
        registration.start()
        wire.flush()
        let register = try #require(wire.inbox.last?.message)
        #expect(register.method == .register)
        var ok = ByteBuffer()
        register.writeResponseHead(status: 200, reason: "OK", toTag: "reg1", into: &ok)
        ok.writeSIPHeader(.contact, "<sip:alice@192.0.2.1:5060>;expires=600")
        ok.writeSIPEndOfHeaders()
        wire.queue.append(UserAgentWire.Packet(from: registrar, to: .udp(alice.address), message: try SIPMessage(parsing: ok)))
        wire.flush()
        guard case .registered = registration.state else {
            Issue.record("not registered: \(registration.state)")
            return
        }
        // A call to Bob is up when the agent shuts down.
        let call = try alice.agent.call("sip:bob@192.0.2.2", offer: .sdp("v=0\r\n"))
        wire.flush()
        try bob.agent.answer(try #require(bob.incomingCall).handle, body: .sdp("v=0\r\n"))
        wire.flush()
        alice.agent.shutdown()
        wire.flush()
        #expect(alice.agent.state(of: call) == .terminated(.shutdown))
        #expect(bob.lastState == .terminated(.remoteHangUp))
        let unregister = try #require(wire.inbox.last?.message)
        #expect(unregister.method == .register)
        #expect(unregister.firstValue(.expires)?.string == "0")
        #expect(registration.state == .unregistering)
    }
}
