import Foundation
import InteropSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The door phone as it runs in a house: `intercom run --config` as a real process, registered
/// with digest authentication at a real Kamailio on 127.0.0.1, called by real baresip
/// instances through it, with WAV files as every microphone and recordings of every
/// loudspeaker. Serialised (each test has its own Kamailio, agent and baresips on free ports);
/// `SWIFTSIP_SKIP_INTEROP=1` skips them, as it does the other interop tests.
@Suite(
    "End to end: the intercom process with Kamailio and baresip",
    .serialized,
    .enabled(if: !KamailioInterop.isSkipped, "SWIFTSIP_SKIP_INTEROP=1 skips the interop tests"),
    .timeLimit(.minutes(1))
)
struct EndToEndTests {
    /// How long each call carries audio before the test hangs up [s].
    static let audioSeconds = 3.0

    // MARK: - a. Answer, audio both ways, BYE

    @Test("a caller through Kamailio is answered, audio flows both ways, its BYE ends the call")
    func answeredCallWithAudioBothWays() async throws {
        try await EndToEndScene.with { scene in
            try await scene.withCaller("gate") { gate in
                let mark = scene.agent.logMark()
                try await gate.control.send("dial", scene.uri("door"))
                _ = try await gate.control.waitFor(["CALL_ESTABLISHED"])
                try await scene.agent.waitForLog(containing: "call.answered:", after: mark)

                // Let audio flow: wait until baresip's recording of the door has grown to
                // audioSeconds (it writes as it goes; the header is finished at the end).
                let recording = try await Self.waitForReceivedRecording(gate)
                try await Self.waitForFileSize(recording.path, atLeast: Int(Self.audioSeconds * 8_000 * 2))
                try await gate.control.send("hangup")
                _ = try await gate.control.waitFor(["CALL_CLOSED"])
                let ended = try await scene.agent.waitForLog(containing: "call.ended:", after: mark)
                #expect(ended.contains("ended: answered"), "\(ended)")

                // The door's microphone reached baresip; baresip's reached the door's speaker.
                let (heardByCaller, callerMicrophone) = try await scene.expectAudioBothWays(callerRecording: recording)
                // The measure tells the signals apart: each recording lacks the other source.
                let callerInOwnRecording = RecordedAudio.bestCorrelation(Array(callerMicrophone[4_000..<5_200]), in: heardByCaller)
                #expect(callerInOwnRecording < 0.5, "baresip's own microphone in its recording: correlation \(callerInOwnRecording)")
            }
        }
    }

    // MARK: - b. 403 for a caller not allowed, 486 for a second caller

    @Test("a caller not on the allow list gets 403; a second call while one is up gets 486")
    func forbiddenAndBusy() async throws {
        try await EndToEndScene.with { scene in
            try await scene.withCaller("visitor") { visitor in
                let mark = scene.agent.logMark()
                try await visitor.control.send("dial", scene.uri("door"))
                let closed = try await visitor.control.waitFor(["CALL_CLOSED", "CALL_ESTABLISHED"])
                #expect(closed.type == "CALL_CLOSED")
                #expect(closed.param.contains("403"), "baresip: \(closed.param)")
                let refused = try await scene.agent.waitForLog(containing: "call.refused:", after: mark)
                #expect(refused.contains("refused 403"), "\(refused)")
                #expect(refused.contains("sip:visitor@"), "\(refused)")
            }
            try await scene.withCaller("gate") { gate in
                let mark = scene.agent.logMark()
                try await gate.control.send("dial", scene.uri("door"))
                _ = try await gate.control.waitFor(["CALL_ESTABLISHED"])
                try await scene.agent.waitForLog(containing: "call.answered:", after: mark)
                try await gate.control.send("dial", scene.uri("door"))
                let second = try await gate.control.waitFor(["CALL_CLOSED", "CALL_ESTABLISHED"])
                #expect(second.type == "CALL_CLOSED")
                #expect(second.param.contains("486"), "baresip: \(second.param)")
                let refused = try await scene.agent.waitForLog(containing: "call.refused:", after: mark)
                #expect(refused.contains("refused 486"), "\(refused)")
                // The first call is still up: hang it up.
                try await gate.control.send("hangup")
                try await scene.agent.waitForLog(containing: "call.ended:", "answered", after: mark)
            }
        }
    }

    // MARK: - c. Door code once, lockout

    @Test("the right DTMF code (RFC 4733) opens the door exactly once; three wrong codes lock the caller out")
    func doorCodeAndLockout() async throws {
        var openings: URL?
        try await EndToEndScene.with({ configuration in
            let file = configuration.directory.appendingPathComponent("door-openings.txt")
            openings = file
            let script = KamailioInterop.repositoryRoot.appendingPathComponent("Tests/Interop/intercom/door-opened.sh").path
            configuration.doors = [
                .init(name: "front", command: [script, file.path], codes: [(code: "1234", callers: ["sip:gate@*"])])
            ]
        }) { scene in
            guard let openings else { throw InteropFailure("no openings file") }
            try await scene.withCaller("gate") { gate in
                let mark = scene.agent.logMark()
                try await gate.control.send("dial", scene.uri("door"))
                _ = try await gate.control.waitFor(["CALL_ESTABLISHED"])
                try await scene.agent.waitForLog(containing: "call.answered:", after: mark)

                try await gate.control.send("sndcode", "1234")
                let opened = try await scene.agent.waitForLog(containing: "door.opened:", after: mark)
                #expect(opened.contains("door front opened for sip:gate@"), "\(opened)")
                #expect(opened.hasSuffix("by dtmf"), "\(opened)")

                // Three wrong codes: the third locks the caller out.
                for _ in 0..<3 { try await gate.control.send("sndcode", "9999") }
                let locked = try await scene.agent.waitForLog(containing: "door.lockout:", after: mark)
                #expect(locked.contains("sip:gate@"), "\(locked)")
                // Locked out, even the right code is ignored.
                try await gate.control.send("sndcode", "1234")
                try await scene.agent.waitForLog(containing: "door.locked-out-input:", after: mark)

                try await gate.control.send("hangup")
                try await scene.agent.waitForLog(containing: "call.ended:", after: mark)
                // The digits came in the RTP stream (RFC 4733): no INFO passed through Kamailio.
                let kamailioLog = (try? String(
                    contentsOf: scene.kamailio.runDirectory.appendingPathComponent("kamailio.log"), encoding: .utf8)) ?? ""
                #expect(kamailioLog.contains("interop: INVITE from"), "Kamailio's log has its request lines")
                #expect(!kamailioLog.contains("interop: INFO from"), "baresip sent the digits as SIP INFO")
                #expect(scene.agent.logLines(containing: "door.opened:", after: mark).count == 1)
                #expect(scene.agent.logLines(containing: "door.wrong-code:", after: mark).count == 3)
                let lines = (try? String(contentsOf: openings, encoding: .utf8))?.split(separator: "\n") ?? []
                #expect(lines.count == 1, "door action runs: \(lines)")
                #expect(lines.first?.hasPrefix("door=front caller=sip:gate@127.0.0.1:\(scene.kamailio.port) trigger=dtmf") == true,
                        "\(lines)")
            }
        }
    }

    // MARK: - d. A button calls out, sequential with a ring timeout

    @Test("a FIFO button press calls the first target; unanswered, the second rings after ringTimeoutSeconds")
    func buttonCallsSequentially() async throws {
        let fifo = FileManager.default.temporaryDirectory.appendingPathComponent("swiftsip-e2e-button-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: fifo) }
        // Kamailio users: visitor does not answer (answermode=manual), gate answers.
        try await EndToEndScene.with({ configuration in
            configuration.buttons = [
                .init(name: "bell", fifo: fifo.path, targets: [
                    configuration.registrarURI(user: "visitor"), configuration.registrarURI(user: "gate"),
                ], strategy: "sequential", ringTimeoutSeconds: 2)
            ]
        }) { scene in
            try await scene.withCaller("visitor") { visitor in
                try await scene.withCaller("gate", autoAnswer: true) { gate in
                    let mark = scene.agent.logMark()
                    try await Self.press(fifo: fifo.path)
                    _ = try await visitor.control.waitFor(["CALL_INCOMING"])
                    let visitorRings = ContinuousClock.now
                    try await scene.agent.waitForLog(containing: "call.outgoing:", "sip:visitor@", after: mark)
                    // Nobody answers at visitor: after ringTimeoutSeconds (2 s) the agent gives
                    // up there (CANCEL) and calls gate, which answers. Real processes, real time:
                    // the bounds are loose, they tell "after the timeout" from "at once" or
                    // "never".
                    // (baresip answering by itself reports no CALL_INCOMING, only CALL_ESTABLISHED.)
                    _ = try await gate.control.waitFor(["CALL_ESTABLISHED"], seconds: 6)
                    let waited = ContinuousClock.now - visitorRings
                    #expect(waited > .milliseconds(1_500) && waited < .milliseconds(4_500), "gate answered \(waited) after visitor rang")
                    try await scene.agent.waitForLog(containing: "no answer within 2 s", after: mark)
                    let cancelled = try await visitor.control.waitFor(["CALL_CLOSED"], seconds: 5)
                    #expect(!cancelled.param.isEmpty, "visitor's call closed: \(cancelled.param)")
                    try await scene.agent.waitForLog(containing: "call.outgoing:", "sip:gate@", after: mark)
                    try await scene.agent.waitForLog(containing: "call.answered:", after: mark)
                    try await gate.control.send("hangup")
                    try await scene.agent.waitForLog(containing: "call.ended:", "answered", after: mark)
                }
            }
        }
    }

    @Test("two accounts: a button with account: second calls as that account (its From, its credentials for Kamailio's 407); one without calls as the first")
    func buttonCallsFromItsAccount() async throws {
        let fifos = (0..<2).map { FileManager.default.temporaryDirectory.appendingPathComponent("swiftsip-e2e-account\($0)-\(UUID().uuidString.prefix(8))") }
        defer { for fifo in fifos { try? FileManager.default.removeItem(at: fifo) } }
        // Kamailio answers an INVITE with 407 and relays it only when the credentials are the
        // From user's own (403 "Forbidden auth ID" otherwise): a call from the second account
        // with the first account's credentials would fail.
        try await EndToEndScene.with({ configuration in
            guard let registrar = configuration.account?.registrar else { return }
            configuration.moreAccounts = [.init(name: "second", registrar: registrar, user: "visitor", password: "visitor-secret")]
            let gate = configuration.registrarURI(user: "gate")
            configuration.buttons = [
                .init(name: "second-bell", fifo: fifos[0].path, targets: [gate], ringTimeoutSeconds: 10, account: "second"),
                .init(name: "bell", fifo: fifos[1].path, targets: [gate], ringTimeoutSeconds: 10),
            ]
        }) { scene in
            try await scene.agent.waitForLog(containing: "registration: account second: registered(")
            try await scene.withCaller("gate", autoAnswer: true) { gate in
                for (fifo, caller) in [(fifos[0], "sip:visitor@"), (fifos[1], "sip:door@")] {
                    let mark = scene.agent.logMark()
                    try await Self.press(fifo: fifo.path)
                    let established = try await gate.control.waitFor(["CALL_ESTABLISHED"], seconds: 6)
                    #expect(established.peerURI.hasPrefix(caller), "gate was called by \(established.peerURI), expected \(caller)")
                    try await scene.agent.waitForLog(containing: "call.answered:", after: mark)
                    try await gate.control.send("hangup")
                    try await scene.agent.waitForLog(containing: "call.ended:", "answered", after: mark)
                    _ = try await gate.control.waitFor(["CALL_CLOSED"], seconds: 5)
                }
            }
        }
    }

    // MARK: - e. The registrar restarts

    @Test("Kamailio stops and restarts: the agent registers again by itself and can be called")
    func registrarRestart() async throws {
        try await EndToEndScene.with { scene in
            await scene.kamailio.stop(keepRunDirectory: true)
            try await scene.kamailio.restart()
            let bindings = try await scene.kamailio.bindingsDump()
            #expect(!bindings.contains(scene.agentContact), "a restarted Kamailio holds no binding: \(bindings)")
            let mark = scene.agent.logMark()
            // Kamailio grants 20 s: the agent refreshes after 10 s.
            try await scene.waitForBinding(scene.agentContact, seconds: EndToEndScene.maxExpiresSeconds)
            #expect(try await scene.kamailio.registerCount() >= 1)
            // The refresh finds the agent registered as before, so its state (and log) does
            // not change; a state change (a failure, a new contact list) would be logged.
            let again = scene.agent.logLines(containing: "registration: account pbx:", after: mark)
            #expect(again.allSatisfy { $0.contains("registered(") }, "\(again)")

            try await scene.callDoorAndHangUp(after: mark)
        }
    }

    @Test("a registrar given by domain name: located through its SRV record (RFC 3263), registered, and called through")
    func registrarBySRV() async throws {
        // Only the SRV record knows Kamailio's port; its target's address is another name.
        try await EndToEndScene.with(dnsRecords: { port in
            ["srv-host=_sip._udp.pbx.test,kamailio.pbx.test,\(port),0,0", "host-record=kamailio.pbx.test,127.0.0.1"]
        }, { configuration in
            configuration.account?.registrar = "sip:pbx.test"
        }) { scene in
            // `with` waited until Kamailio held the binding.
            let located = scene.agent.logLines(containing: "registration: account pbx: registered(")
            #expect(!located.isEmpty)
            try await scene.callDoorAndHangUp(after: scene.agent.logMark())
        }
    }

    @Test("the registrar's first SRV server is down: the agent registers at the second and calls out through it (RFC 3263 §4.3)")
    func registrarFailover() async throws {
        // Over TCP, so that the dead server fails at once (connection refused) rather than
        // after Timer F's 32 s (the UDP case is RegistrationClientTests.failover, on virtual
        // time). Priority 10: a port of 127.0.0.1 nobody listens on; priority 20: Kamailio.
        let dead = try await LoopbackPorts.freeUDPAndTCP()
        let fifo = FileManager.default.temporaryDirectory.appendingPathComponent("swiftsip-e2e-failover-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: fifo) }
        try await EndToEndScene.with(dnsRecords: { port in
            [
                "srv-host=_sip._tcp.pbx.test,down.pbx.test,\(dead),10,0",
                "srv-host=_sip._tcp.pbx.test,kamailio.pbx.test,\(port),20,0",
                "host-record=down.pbx.test,127.0.0.1", "host-record=kamailio.pbx.test,127.0.0.1",
            ]
        }, { configuration in
            // The button calls gate at Kamailio's address (before the registrar becomes a name).
            configuration.buttons = [.init(name: "bell", fifo: fifo.path, targets: [configuration.registrarURI(user: "gate")], ringTimeoutSeconds: 10)]
            configuration.account?.registrar = "sip:pbx.test"
            configuration.account?.transport = "tcp"
            configuration.listenTransport = "tcp"
        }) { scene in
            // `with` waited until Kamailio held the binding; the log names the server that failed.
            let moved = scene.agent.logLines(containing: "127.0.0.1:\(dead)")
            #expect(!moved.isEmpty, "no log line names the server that was down")
            // A call goes through the server the account is registered with, not the first
            // one located (which would fail, and the INVITE move on: logged as "trying").
            try await scene.withCaller("gate", autoAnswer: true) { gate in
                let mark = scene.agent.logMark()
                try await Self.press(fifo: fifo.path)
                _ = try await gate.control.waitFor(["CALL_ESTABLISHED"], seconds: 6)
                try await scene.agent.waitForLog(containing: "call.answered:", after: mark)
                #expect(scene.agent.logLines(containing: "INVITE failed", after: mark).isEmpty)
                try await gate.control.send("hangup")
                try await scene.agent.waitForLog(containing: "call.ended:", "answered", after: mark)
            }
        }
    }

    @Test("the registrar's SRV record moves: the agent looks it up again when the TTL runs out and registers at the new server")
    func registrarMoves() async throws {
        // The records last 1 s (dnsmasq's local-ttl) and the agent may look again after 1 s.
        // First the SRV record names a port nobody listens on (TCP: refused at once), then
        // Kamailio's, as when a PBX moves and its zone is edited.
        let dead = try await LoopbackPorts.freeUDPAndTCP()
        func records(port: Int) -> [String] {
            ["local-ttl=1", "srv-host=_sip._tcp.pbx.test,server.pbx.test,\(port),10,0", "host-record=server.pbx.test,127.0.0.1"]
        }
        try await EndToEndScene.with(dnsRecords: { _ in records(port: dead) }, registered: false, { configuration in
            configuration.account?.registrar = "sip:pbx.test"
            configuration.account?.transport = "tcp"
            configuration.listenTransport = "tcp"
            configuration.dnsRefreshMinimumSeconds = 1
        }) { scene in
            try await scene.agent.waitForLog(containing: "registration: account pbx: retrying(", "127.0.0.1:\(dead)")
            let mark = scene.agent.logMark()
            let dns = try #require(scene.dns)
            try await dns.replaceRecords(with: records(port: scene.kamailio.port))
            try await scene.agent.waitForLog(containing: "dns: the accounts' servers changed", after: mark)
            try await scene.agent.waitForLog(containing: "registration: account pbx: registered(", after: mark)
            try await scene.waitForBinding(scene.agentContact)
            try await scene.callDoorAndHangUp(after: scene.agent.logMark())
        }
    }

    // MARK: - f. SIGHUP and SIGTERM

    @Test("SIGHUP: a broken configuration is refused and calls go on; a changed one applies; SIGTERM unregisters and exits 0")
    func reloadAndTerminate() async throws {
        try await EndToEndScene.with { scene in
            let file = scene.agent.configurationFile
            let good = try String(contentsOf: file, encoding: .utf8)
            try await scene.withCaller("gate") { gate in
                // A file that is not YAML: refused, the old configuration stays.
                var mark = scene.agent.logMark()
                try "answer: {maxCalls: [\n".write(to: file, atomically: true, encoding: .utf8)
                scene.agent.signal(SIGHUP)
                try await scene.agent.waitForLog(containing: "config.refused:", after: mark)
                try await gate.control.send("dial", scene.uri("door"))
                _ = try await gate.control.waitFor(["CALL_ESTABLISHED"])
                try await scene.agent.waitForLog(containing: "call.answered:", after: mark)
                try await gate.control.send("hangup")
                _ = try await gate.control.waitFor(["CALL_CLOSED"])
                try await scene.agent.waitForLog(containing: "call.ended:", after: mark)

                // The allow list changed: gate is refused now.
                mark = scene.agent.logMark()
                var changed = scene.configuration
                changed.allowURIs = ["sip:nobody@*"]
                try changed.yaml.write(to: file, atomically: true, encoding: .utf8)
                #expect(changed.yaml != good)
                scene.agent.signal(SIGHUP)
                try await scene.agent.waitForLog(containing: "config.reloaded", after: mark)
                try await gate.control.send("dial", scene.uri("door"))
                let closed = try await gate.control.waitFor(["CALL_CLOSED", "CALL_ESTABLISHED"])
                #expect(closed.type == "CALL_CLOSED" && closed.param.contains("403"), "baresip: \(closed)")
                try await scene.agent.waitForLog(containing: "call.refused:", "403", after: mark)
            }

            // SIGTERM: unregistered at Kamailio (the un-REGISTER answered before the agent
            // closed its socket, so it logs the state), exit status 0.
            let mark = scene.agent.logMark()
            let status = try await scene.agent.stop()
            #expect(status == 0, "exit status")
            try await scene.waitForNoBinding(scene.agentContact, seconds: 5)
            #expect(
                !scene.agent.logLines(containing: "registration: account pbx: unregistered", after: mark).isEmpty,
                "the agent's log after SIGTERM:\n\(scene.agent.logLines().dropFirst(mark).joined(separator: "\n"))")
        }
    }

    // MARK: - Reloading a changed account

    @Test("SIGHUP with another account: the new one registers, the old binding is removed")
    func reloadChangesTheAccount() async throws {
        try await EndToEndScene.with { scene in
            let mark = scene.agent.logMark()
            var changed = scene.configuration
            changed.account?.user = "visitor"
            changed.account?.password = "visitor-secret"
            try changed.yaml.write(to: scene.agent.configurationFile, atomically: true, encoding: .utf8)
            scene.agent.signal(SIGHUP)
            try await scene.agent.waitForLog(containing: "config.reloaded", "accounts registered anew", after: mark)
            try await scene.agent.waitForLog(containing: "registration: account pbx: registered(", after: mark)
            #expect(try await Self.boundAORs(scene.kamailio).contains("visitor"))
            // The old account's binding goes with an un-REGISTER, long before it expires (20 s):
            // the agent un-REGISTERs the old accounts before registering the new ones.
            var gone = false
            for _ in 0..<30 where !gone {
                gone = !(try await Self.boundAORs(scene.kamailio).contains("door"))
                if !gone { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(gone, "Kamailio still holds door's binding 3 s after the reload")
        }
    }

    // MARK: - Helpers

    /// The AORs of Kamailio's location table (the `AoR: ...` lines of `ul.dump`).
    static func boundAORs(_ kamailio: KamailioInterop) async throws -> Set<String> {
        var aors: Set<String> = []
        for line in try await kamailio.bindingsDump().split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("AoR: ") { aors.insert(String(trimmed.dropFirst("AoR: ".count))) }
        }
        return aors
    }

    /// Waits (at most `seconds`) until the file at `path` has `bytes` bytes.
    static func waitForFileSize(_ path: String, atLeast bytes: Int, seconds: Double = 10) async throws {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            if size >= bytes { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw InteropFailure("\(path) did not reach \(bytes) bytes within \(seconds) s")
    }

    /// The file baresip's sndfile filter records the call's received audio to, once it exists.
    static func waitForReceivedRecording(_ baresip: BaresipInterop, seconds: Double = 5) async throws -> URL {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if let recording = baresip.receivedRecordings().last { return recording }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw InteropFailure("baresip recorded nothing in \(baresip.recordingDirectory.path) within \(seconds) s")
    }

    /// Presses a FIFO button: writes a line once the agent has the FIFO open for reading
    /// (opening for writing without a reader fails with ENXIO; retried until a deadline).
    static func press(fifo path: String, seconds: Double = 5) async throws {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            let descriptor = open(path, O_WRONLY | O_NONBLOCK)
            if descriptor >= 0 {
                defer { close(descriptor) }
                let written = "press\n".utf8CString.withUnsafeBufferPointer { write(descriptor, $0.baseAddress, $0.count - 1) }
                if written > 0 { return }
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw InteropFailure("nobody reads the button FIFO \(path) within \(seconds) s")
    }
}
