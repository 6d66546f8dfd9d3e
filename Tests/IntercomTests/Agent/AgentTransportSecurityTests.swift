import Foundation
@testable import Intercom
import Logging
import NIOCore
import SIPMessage
import SIPStack
import Testing

/// `sip.requireTLS` and `sips:` targets in a running agent (in-process, over real sockets on
/// 127.0.0.1), and the policy table both the agent and the configuration check use.
@Suite("The agent's transport security")
struct AgentTransportSecurityTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("SIPStackTests/Fixtures/tls")

    /// TLS material: the test server certificate, trusting the test CA.
    static var tlsFiles: TLSFiles {
        var files = TLSFiles()
        files.certificate = fixtures.appendingPathComponent("server.pem").path
        files.privateKey = fixtures.appendingPathComponent("server-key.pem").path
        files.caFile = fixtures.appendingPathComponent("ca.pem").path
        return files
    }

    static func start(_ configure: (inout IntercomConfiguration) -> Void, events: AgentEventRecorder) async throws -> IntercomAgent {
        var configuration = IntercomConfiguration()
        configuration.sip.tls = tlsFiles
        configuration.audio.capture = "null"
        configuration.audio.playback = "null"
        configuration.control.enabled = false
        configuration.answer.autoAnswer = false
        configure(&configuration)
        var logger = Logger(label: "test")
        logger.logLevel = .error
        return try await IntercomAgent.start(configuration: configuration, logger: logger, onEvent: events.sink)
    }

    @Test("requireTLS: TLS is the only socket; a call whose hop is plain is not placed, with an event; a sips: call arrives over TLS")
    func requireTLS() async throws {
        let secureEvents = AgentEventRecorder()
        let secure = try await Self.start({ configuration in
            configuration.sip.listen = [ListenAddress(transport: .tls, address: "127.0.0.1", port: 0)]
            configuration.sip.requireTLS = true
        }, events: secureEvents)
        let plainEvents = AgentEventRecorder()
        let plain: IntercomAgent
        do {
            plain = try await Self.start({ configuration in
                configuration.sip.listen = [
                    ListenAddress(transport: .udp, address: "127.0.0.1", port: 0),
                    ListenAddress(transport: .tls, address: "127.0.0.1", port: 0),
                ]
            }, events: plainEvents)
        } catch {
            await secure.shutdown()
            throw error
        }
        defer { Task { await secure.shutdown(); await plain.shutdown() } }
        #expect(Set(secure.localAddresses.keys) == [.tls])
        let tlsPort = try #require(secure.localAddresses[.tls]?.port)

        // Asked to call over UDP, the TLS-only agent refuses before sending anything.
        await #expect(throws: AgentError.self) { try await secure.dial("sip:flat@127.0.0.1:\(tlsPort);transport=udp") }
        let refused = await secureEvents.next { if case .callNotPlaced = $0 { true } else { false } }
        guard case .callNotPlaced(let to, let reason)? = refused else {
            Issue.record("no call.not-placed event: \(secureEvents.all)")
            return
        }
        #expect(to.hasSuffix(";transport=udp"))
        #expect(reason.contains("sip.requireTLS is on"), "\(reason)")

        // Asked to call from an account it does not have, it refuses too, naming it.
        await #expect(throws: AgentError.self) { try await secure.dial("sips:flat@127.0.0.1:\(tlsPort)", account: "office") }
        let unknown = await secureEvents.next { if case .callNotPlaced(_, let reason) = $0 { reason.contains("office") } else { false } }
        guard case .callNotPlaced(_, let unknownReason)? = unknown else {
            Issue.record("no call.not-placed event for the unknown account: \(secureEvents.all)")
            return
        }
        #expect(unknownReason == "no account is named 'office'")

        // The plain agent (UDP by default) calls a sips: URI over TLS: the TLS-only agent
        // hears it (it has no other socket) and refuses it 480, auto-answer being off.
        _ = try await plain.dial("sips:door@127.0.0.1:\(tlsPort)")
        let incoming = await secureEvents.next { if case .incomingCall = $0 { true } else { false } }
        #expect(incoming != nil)
        let refusedCall = await secureEvents.next { if case .callRefused = $0 { true } else { false } }
        guard case .callRefused(_, _, let status, _)? = refusedCall else {
            Issue.record("no call.refused: \(secureEvents.all)")
            return
        }
        #expect(status == 480)

        // A sips: URI that asks for UDP is refused by the plain agent too.
        await #expect(throws: AgentError.self) { try await plain.dial("sips:door@127.0.0.1:\(tlsPort);transport=udp") }
    }

    @Test("a registrar whose certificate does not name it: the status's lastError says the TLS handshake failed and why, also while it retries")
    func registrationFailureInStatus() async throws {
        // The "registrar": another agent presenting named.pem (sip.example.test only).
        let registrar = try await Self.start({ configuration in
            configuration.sip.listen = [ListenAddress(transport: .tls, address: "127.0.0.1", port: 0)]
            configuration.sip.tls?.certificate = Self.fixtures.appendingPathComponent("named.pem").path
            configuration.sip.tls?.privateKey = Self.fixtures.appendingPathComponent("named-key.pem").path
        }, events: AgentEventRecorder())
        let events = AgentEventRecorder()
        let door: IntercomAgent
        do {
            let port = try #require(registrar.localAddresses[.tls]?.port)
            door = try await Self.start({ configuration in
                configuration.sip.listen = [ListenAddress(transport: .tls, address: "127.0.0.1", port: 0)]
                configuration.accounts = [AccountConfiguration(name: "pbx", registrar: "sips:127.0.0.1:\(port)", user: "door")]
                configuration.accounts[0].transport = .tls
                configuration.accounts[0].password = "door-secret"
            }, events: events)
        } catch {
            await registrar.shutdown()
            throw error
        }
        defer { Task { await door.shutdown(); await registrar.shutdown() } }
        let controller = AgentController(metrics: nil)
        controller.attach(door)

        let failed = await events.next { if case .registrationChanged(_, _, .failed) = $0 { true } else { false } }
        guard case .registrationChanged(_, let state, _)? = failed else {
            Issue.record("no failed registration: \(events.all)")
            return
        }
        #expect(state.contains("TLS handshake failed"), "\(state)")
        // The retry (after about a second) puts the registration back to registering: the
        // status still says why it failed.
        let retry = await events.next { if case .registrationChanged(_, _, .registering) = $0 { true } else { false } }
        #expect(retry != nil, "no retry: \(events.all)")
        let status = await controller.status()
        let registration = try #require(status.registrations.first)
        #expect(["registering", "failed"].contains(registration.state))
        let lastError = try #require(registration.lastError)
        #expect(lastError.contains("cannot connect to 127.0.0.1:"), "\(lastError)")
        #expect(lastError.contains("TLS handshake failed"), "\(lastError)")
        #expect(lastError.contains("failedToValidateHostname"), "\(lastError)")
        #expect(!lastError.contains("door-secret"))
    }

    @Test("answer.challenge challenges with SHA-256 only, or with SHA-256 first and MD5 after it when allowMD5 is set", arguments: [false, true])
    func callerChallenge(allowMD5: Bool) async throws {
        try await AgentSignalingTests.withListener(configure: { configuration in
            var challenge = CallerChallenge()
            challenge.users = ["alice": "a secret"]
            challenge.allowMD5 = allowMD5
            configuration.answer.challenge = challenge
        }) { listener in
            let port = try #require(listener.localAddresses[.udp]?.port)
            let response = try await AgentSignalingTests.finalResponse(to: AgentSignalingTests.request("INVITE"), port: port)
            #expect(response.statusCode == 401)
            let algorithms = try response.wwwAuthenticate().map(\.algorithm)
            #expect(algorithms == (allowMD5 ? ["SHA-256", "MD5"] : ["SHA-256"]))
        }
    }

    @Test(
        "which calls the policy places: sips: needs a TLS first hop; requireTLS needs one and no plain transport= on the target",
        arguments: [
            // requireTLS, first hop, default transport, target, refused because (nil: placed)
            (false, nil, SIPTransportName.udp, "sip:a@192.0.2.1", nil),
            (false, nil, .udp, "sips:a@192.0.2.1", nil),
            (false, nil, .udp, "sips:a@192.0.2.1;transport=udp", "names a transport that cannot carry it"),
            (false, "sip:pbx.example.com", .udp, "sips:a@pbx.example.com", "a sips: target needs TLS on every hop"),
            (false, "sip:pbx.example.com;transport=tls", .udp, "sips:a@pbx.example.com", nil),
            (false, "sips:pbx.example.com", .udp, "sips:a@pbx.example.com", nil),
            (true, nil, .tls, "sip:a@192.0.2.1", nil),
            (true, nil, .tls, "sip:a@192.0.2.1;transport=tcp", "its first hop (straight to it) would use tcp"),
            (true, "sip:pbx.example.com", .udp, "sip:a@pbx.example.com", "would use udp"),
            (true, "sip:pbx.example.com", .tls, "sip:a@pbx.example.com", nil),
            (true, "sip:pbx.example.com", .wss, "sip:a@pbx.example.com", nil),
            (true, "sips:pbx.example.com", .tcp, "sip:a@pbx.example.com;transport=ws", "the target asks for transport=ws"),
            (true, nil, .tls, "tel:+4930123", "cannot carry it"),
        ] as [(Bool, String?, SIPTransportName, String, String?)])
    func policy(requireTLS: Bool, firstHop: String?, defaultTransport: SIPTransportName, target: String, refusal: String?) {
        let policy = OutgoingTransportPolicy(requireTLS: requireTLS, firstHop: firstHop, defaultTransport: defaultTransport, origin: "accounts[0].registrar")
        let verdict = policy.refusal(toCall: target)
        if let refusal {
            #expect(verdict?.contains(refusal) == true, "\(verdict ?? "placed")")
        } else {
            #expect(verdict == nil)
        }
    }
}
