import Audio
import Foundation
import InteropSupport
import Testing

/// Issue 7's security settings with the real `intercom` process and a real Kamailio on
/// 127.0.0.1: registration over TLS only (`sip.requireTLS`) with the test CA, a `serverName`
/// and a client certificate that Kamailio requires, answering SHA-256 digest; the failures a
/// wrong name, an untrusted CA and a missing client certificate cause, each with its reason in
/// the log; and the MD5 policy (`accounts[].allowMD5`) against Kamailio's MD5 challenges.
@Suite(
    "End to end: TLS, client certificates and digest algorithms",
    .serialized,
    .enabled(if: !KamailioInterop.isSkipped, "SWIFTSIP_SKIP_INTEROP=1 skips the interop tests"),
    .timeLimit(.minutes(2))
)
struct EndToEndSecurityTests {
    static let fixtures = KamailioInterop.repositoryRoot.appendingPathComponent("Tests/SIPStackTests/Fixtures/tls")
    static func fixture(_ name: String) -> String { fixtures.appendingPathComponent(name).path }

    /// A certificate folder that makes Kamailio present `named.pem`, which names only
    /// sip.example.test (no IP address): connecting to 127.0.0.1, only that server name passes.
    static func namedCertificateDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swiftsip-named-tls-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for (source, target) in [("named.pem", "server.pem"), ("named-key.pem", "server-key.pem"), ("ca.pem", "ca.pem")] {
            try FileManager.default.copyItem(atPath: fixture(source), toPath: directory.appendingPathComponent(target).path)
        }
        return directory
    }

    /// Starts Kamailio (TLS on port + 1 with `named.pem`, a client certificate required,
    /// SHA-256 challenges), runs `body`, stops it; its log is recorded when `body` throws.
    static func withTLSKamailio(_ body: (KamailioInterop) async throws -> Void) async throws {
        let certificates = try namedCertificateDirectory()
        defer { try? FileManager.default.removeItem(at: certificates) }
        let kamailio = try await KamailioInterop.start(
            tlsCertificateDirectory: certificates, requiresClientCertificate: true, digestAlgorithm: "SHA-256")
        do {
            try await body(kamailio)
        } catch {
            Issue.record("Kamailio run directory \(kamailio.runDirectory.path), log:\n\(kamailio.logTail())")
            await kamailio.stop(keepRunDirectory: true)
            throw error
        }
        await kamailio.stop(keepRunDirectory: IntercomProcess.keepsRunDirectories)
    }

    /// The agent of these tests: TLS only on 127.0.0.1 with the test server certificate, the
    /// test CA in `sip.tls.caFile`, registering as door at `registrar` with `tls` (account
    /// keys), MD5 refused, logging at trace (so that every line a secret could hide in is
    /// written).
    static func tlsAgent(registrar: String, tls: [(key: String, value: String)]) async throws -> EndToEndConfiguration {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swiftsip-e2e-tls-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var configuration = EndToEndConfiguration(
            directory: directory, sipPort: try await LoopbackPorts.freeUDPAndTCP(), rtpPorts: try await LoopbackPorts.freeUDPRange(count: 4),
            account: .init(registrar: registrar, user: "door", password: "door-secret"), allowURIs: nil)
        configuration.account?.transport = nil
        configuration.account?.allowMD5 = false
        configuration.account?.tls = tls
        configuration.listenTransport = "tls"
        configuration.sipTLS = [("certificate", fixture("server.pem")), ("privateKey", fixture("server-key.pem")), ("caFile", fixture("ca.pem"))]
        configuration.requireTLS = true
        configuration.logLevel = "trace"
        try WAVFile(format: AudioFormat(sampleRate: 16_000), samples: TestSignals.warble(seconds: 1)).write(to: configuration.microphone.path)
        return configuration
    }

    static let clientCertificate: [(key: String, value: String)] = [
        ("certificate", fixture("client.pem")), ("privateKey", fixture("client-key.pem")),
    ]

    @Test("TLS only: registered at Kamailio with the test CA, serverName and the client certificate it requires, by SHA-256; a call over TLS answers its 407; no secret in the trace log")
    func registersOverTLS() async throws {
        try await Self.withTLSKamailio { kamailio in
            var configuration = try await Self.tlsAgent(
                registrar: "sips:127.0.0.1:\(kamailio.port + 1)", tls: [("serverName", "sip.example.test")] + Self.clientCertificate)
            // A button calling a user Kamailio does not know: through the registrar over TLS.
            let fifo = configuration.directory.appendingPathComponent("button")
            configuration.buttons = [.init(name: "bell", fifo: fifo.path, targets: ["sip:nobody@127.0.0.1:\(kamailio.port)"])]
            try await IntercomProcess.with(configuration) { agent in
                try await agent.waitForLog(containing: "registration: account pbx: registered(", within: 20)
                let contact = "sips:door@127.0.0.1:\(configuration.sipPort)"
                let bound = try await kamailio.pollBindings(tries: 100) { $0.contains { $0.hasPrefix(contact) } }
                let dump = try await kamailio.bindingsDump()
                #expect(bound, "Kamailio lists \(dump)")

                // It listens over TLS and nothing else.
                let listening = agent.logLines(containing: "listening for SIP over")
                #expect(!listening.isEmpty)
                #expect(listening.allSatisfy { $0.contains("over TLS") }, "\(listening)")
                // Kamailio challenged (SHA-256, the only algorithm it offers) and the answer
                // verified; MD5 was not allowed, so SHA-256 is what was answered.
                let kamailioLog = (try? String(contentsOf: kamailio.runDirectory.appendingPathComponent("kamailio.log"), encoding: .utf8)) ?? ""
                #expect(kamailioLog.contains("interop: challenge door"), "Kamailio's log:\n\(kamailio.logTail())")
                #expect(agent.logLines(containing: "algorithm=MD5").isEmpty)

                // A call goes over the same TLS connection: Kamailio challenges it (407,
                // SHA-256), the retried INVITE passes and is refused 404 (nobody is there).
                let mark = agent.logMark()
                try await EndToEndTests.press(fifo: fifo.path)
                try await agent.waitForLog(containing: "call.ended:", "rejected", after: mark, within: 15)
                let kamailioLines = ((try? String(contentsOf: kamailio.runDirectory.appendingPathComponent("kamailio.log"), encoding: .utf8)) ?? "")
                    .split(separator: "\n")
                let invites = kamailioLines.filter { $0.contains("interop: INVITE from") && $0.contains("user door to nobody") }
                #expect(invites.count == 2, "\(invites)")
                #expect(invites.allSatisfy { $0.contains("proto tls") }, "\(invites)")
                let challenges = kamailioLines.filter { $0.contains("interop: proxy challenge door for INVITE") }
                #expect(challenges.count == 1, "one 407, answered at once: \(challenges)")

                // Credentials never appear, not even at trace.
                #expect(agent.logLines(containing: "door-secret").isEmpty, "the password is in the log")
            }
        }
    }

    @Test("a wrong serverName, an untrusted CA, no client certificate: never registered, and the log says why")
    func tlsFailuresAreExplained() async throws {
        try await Self.withTLSKamailio { kamailio in
            let registrar = "sips:127.0.0.1:\(kamailio.port + 1)"
            let cases: [(name: String, tls: [(key: String, value: String)], reason: [String])] = [
                ("wrong serverName", [("serverName", "wrong.example.test")] + Self.clientCertificate, ["TLS handshake failed"]),
                (
                    "untrusted CA", [("serverName", "sip.example.test"), ("caFile", Self.fixture("other-ca.pem"))] + Self.clientCertificate,
                    ["TLS handshake failed", "CERTIFICATE_VERIFY_FAILED"]
                ),
                ("no client certificate", [("serverName", "sip.example.test")], []),
            ]
            for testCase in cases {
                let configuration = try await Self.tlsAgent(registrar: registrar, tls: testCase.tls)
                try await IntercomProcess.with(configuration) { agent in
                    let line = try await agent.waitForLog(
                        containing: "registration: account pbx: retrying(", "cannot connect to 127.0.0.1:\(kamailio.port + 1) over TLS",
                        within: 20)
                    for fragment in testCase.reason { #expect(line.contains(fragment), "\(testCase.name): \(line)") }
                    #expect(agent.logLines(containing: "registered(").isEmpty, "\(testCase.name): registered")
                    #expect(!line.contains("door-secret"))
                    print("\(testCase.name): \(line)")
                }
            }
            let bindings = try await kamailio.bindingsDump()
            #expect(!bindings.contains("door@127.0.0.1"), "Kamailio lists \(bindings)")
        }
    }

    @Test("Kamailio's MD5 challenge: refused with a reason when allowMD5 is off, answered when it is on")
    func md5Policy() async throws {
        let kamailio = try await KamailioInterop.start()
        do {
            for allowMD5 in [false, true] {
                let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swiftsip-e2e-md5-\(UUID().uuidString.prefix(8))")
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                var configuration = EndToEndConfiguration(
                    directory: directory, sipPort: try await LoopbackPorts.freeUDPAndTCP(),
                    rtpPorts: try await LoopbackPorts.freeUDPRange(count: 4),
                    account: .init(registrar: "sip:127.0.0.1:\(kamailio.port)", user: "door", password: "door-secret"), allowURIs: nil)
                configuration.account?.allowMD5 = allowMD5
                try WAVFile(format: AudioFormat(sampleRate: 16_000), samples: TestSignals.warble(seconds: 1))
                    .write(to: configuration.microphone.path)
                try await IntercomProcess.with(configuration) { agent in
                    if allowMD5 {
                        try await agent.waitForLog(containing: "registration: account pbx: registered(", within: 15)
                    } else {
                        let line = try await agent.waitForLog(
                            containing: "registration: account pbx: failed(md5NotAllowed (401))",
                            "the registrar challenges with MD5 only", "allowMD5", within: 15)
                        #expect(agent.logLines(containing: "registered(").isEmpty, "\(line)")
                    }
                }
            }
        } catch {
            Issue.record("Kamailio run directory \(kamailio.runDirectory.path), log:\n\(kamailio.logTail())")
            await kamailio.stop(keepRunDirectory: true)
            throw error
        }
        await kamailio.stop(keepRunDirectory: false)
    }
}
