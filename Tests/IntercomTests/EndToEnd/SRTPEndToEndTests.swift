import Foundation
import InteropSupport
import RTP
import Testing

/// SRTP with SDES between the `intercom` process and real baresips (1.0.0, its `srtp` module)
/// through Kamailio, all on 127.0.0.1: baresip calling with `mediaenc=srtp-mand` (RTP/SAVP)
/// and the agent calling baresip with `srtp: required`, audio both ways encrypted (judged by
/// the agent's SRTP counters and by each side's recording of the other's microphone, which
/// cannot match unless both decrypt), and a plain caller refused with 488 when SRTP is
/// required.
@Suite(
    "End to end: SRTP (SDES) with baresip's srtp module",
    .serialized,
    .enabled(if: !KamailioInterop.isSkipped, "SWIFTSIP_SKIP_INTEROP=1 skips the interop tests"),
    .timeLimit(.minutes(1))
)
struct SRTPEndToEndTests {
    /// The agent's end-of-call SRTP line: `SRTP SUITE: N packets unprotected, A failed
    /// authentication, R replays dropped, S sent`, as numbers.
    static func counters(_ line: String) -> (suite: String, unprotected: Int, failures: Int, replays: Int, sent: Int)? {
        guard let range = line.range(of: "SRTP ") else { return nil }
        // The counters end at the first ";" (what follows describes the failures).
        let counts = line[range.upperBound...].prefix { $0 != ";" }
        let words = counts.split(whereSeparator: { $0 == " " || $0 == ":" || $0 == "," })
        let numbers = words.compactMap { Int($0) }
        guard let suite = words.first, numbers.count == 4 else { return nil }
        return (String(suite), numbers[0], numbers[1], numbers[2], numbers[3])
    }

    /// Pearson's chi-square of `bytes` against a uniform distribution over 0...255 (255 degrees
    /// of freedom: about 255 ± 23 for random bytes). Ciphertext is uniform; G.711 speech or
    /// tones are far from it.
    static func chiSquare(_ bytes: [UInt8]) -> Double {
        var counts = [Int](repeating: 0, count: 256)
        for byte in bytes { counts[Int(byte)] += 1 }
        let expected = Double(bytes.count) / 256
        return counts.reduce(0) { sum, count in sum + (Double(count) - expected) * (Double(count) - expected) / expected }
    }

    /// Waits for the agent's SRTP line after `mark` and checks it: packets unprotected, none
    /// failed, the suite the peer offered first among ours (one of `suites`).
    static func expectCounters(
        _ scene: EndToEndScene, after mark: Int, suites: [String] = ["AES_CM_128_HMAC_SHA1_80"]
    ) async throws {
        let line = try await scene.agent.waitForLog(containing: "packets unprotected", after: mark)
        let counters = try #require(Self.counters(line), "\(line)")
        #expect(suites.contains(counters.suite), "\(line)")
        #expect(counters.unprotected > 50, "\(line)")
        #expect(counters.failures <= 1, "\(line)")
        // Never an RTP packet, and never from another source than baresip.
        #expect(counters.failures == 0 || line.contains("first failure: RTCP from") && line.contains("(the peer)"), "\(line)")
        withKnownIssue("now and then one SRTCP packet from baresip fails authentication (seen with AEAD_AES_256_GCM, 52 octets from its RTCP port, in short calls only; issue 7's note)", isIntermittent: true) {
            #expect(counters.failures == 0, "\(line)")
        }
        #expect(counters.replays == 0, "\(line)")
        #expect(counters.sent > 50, "\(line)")
    }

    @Test("baresip calls with srtp-mand (RTP/SAVP): answered, audio both ways encrypted, no authentication failure, ciphertext on the wire")
    func callerWithMandatorySRTP() async throws {
        guard PacketCapture.executable != nil else {
            throw InteropFailure("tcpdump is not installed: run `make test`, which installs it")
        }
        try await EndToEndScene.with({ $0.srtp = "required" }) { scene in
            let ports = scene.configuration.rtpPorts
            // What the agent sends from its RTP ports, as tcpdump sees it on lo.
            let capture = try await PacketCapture.start(filter: "udp and src portrange \(ports.lowerBound)-\(ports.upperBound)")
            do {
                try await Self.callAndCheck(scene)
            } catch {
                _ = try? await capture.stop()
                throw error
            }
            // On the wire the RTP payloads (the first 42 bytes the capture keeps of each) look
            // random; the door's microphone in plain PCMU does not, by the same measure.
            let sent = try await capture.stop().filter { $0.isRTP && ports.contains($0.sourcePort) }
            #expect(sent.count > 50, "RTP datagrams captured from the agent: \(sent.count)")
            let payloads = sent.flatMap { $0.payload.dropFirst(12) }
            let wire = Self.chiSquare(Array(payloads))
            let microphone = try RecordedAudio.at8kHz(scene.configuration.microphone.path)
            let plain = microphone.prefix(payloads.count).map { G711.muLawEncode(Int16(clamping: Int($0.rounded()))) }
            let control = Self.chiSquare(Array(plain))
            #expect(wire < 400, "chi-square of the agent's RTP payloads on the wire: \(wire) over \(payloads.count) bytes")
            #expect(control > 2_000, "chi-square of the door's microphone in plain PCMU: \(control)")
        }
    }

    /// baresip `gate` with `mediaenc=srtp-mand` calls the door: answered encrypted in one of
    /// `suites`, audio both ways, the agent's counters clean.
    static func callAndCheck(_ scene: EndToEndScene, suites: [String] = ["AES_CM_128_HMAC_SHA1_80"]) async throws {
        try await scene.withCaller("gate", accountParameters: ";mediaenc=srtp-mand") { gate in
            let mark = scene.agent.logMark()
            try await gate.control.send("dial", scene.uri("door"))
            _ = try await gate.control.waitFor(["CALL_ESTABLISHED"])
            try await scene.agent.waitForLog(containing: "call.answered:", after: mark)
            let secured = try await scene.agent.waitForLog(containing: "media encrypted with SRTP", after: mark)
            #expect(suites.contains { secured.contains($0) }, "\(secured)")
            let recording = try await EndToEndTests.waitForReceivedRecording(gate)
            try await EndToEndTests.waitForFileSize(recording.path, atLeast: Int(EndToEndTests.audioSeconds * 8_000 * 2))
            try await gate.control.send("hangup")
            _ = try await gate.control.waitFor(["CALL_CLOSED"])
            try await scene.agent.waitForLog(containing: "call.ended:", "answered", after: mark)
            try await Self.expectCounters(scene, after: mark, suites: suites)
            _ = try await scene.expectAudioBothWays(callerRecording: recording)
            #expect(gate.logTail().contains("SRTP is Enabled"), "baresip: \(gate.logTail())")
        }
    }

    @Test("with only the GCM suites (RFC 7714) allowed, the agent calls a srtp-mand baresip: answered in AEAD_AES_*_GCM, audio both ways")
    func gcmSuites() async throws {
        // baresip 1.0.0 offers AES_CM_128_HMAC_SHA1_80 only, but answers the GCM suites: so
        // the agent offers them.
        let gcm = ["AEAD_AES_256_GCM", "AEAD_AES_128_GCM"]
        let fifo = FileManager.default.temporaryDirectory.appendingPathComponent("swiftsip-e2e-gcm-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: fifo) }
        try await EndToEndScene.with({ configuration in
            configuration.srtp = "required"
            configuration.srtpSuites = gcm
            configuration.buttons = [
                .init(name: "bell", fifo: fifo.path, targets: [configuration.registrarURI(user: "gate")], ringTimeoutSeconds: 10)
            ]
        }) { scene in
            try await Self.answeredByBaresip(scene, fifo: fifo, suites: gcm)
        }
    }

    @Test("with srtp required, a plain RTP caller gets 488; one with best-effort SRTP is answered encrypted")
    func plainCallerRefused() async throws {
        try await EndToEndScene.with({ $0.srtp = "required" }) { scene in
            try await scene.withCaller("gate") { gate in
                let mark = scene.agent.logMark()
                try await gate.control.send("dial", scene.uri("door"))
                let closed = try await gate.control.waitFor(["CALL_CLOSED", "CALL_ESTABLISHED"])
                #expect(closed.type == "CALL_CLOSED")
                #expect(closed.param.contains("488"), "baresip: \(closed.param)")
                let refused = try await scene.agent.waitForLog(containing: "cannot answer", after: mark)
                #expect(refused.contains("SRTP"), "\(refused)")
            }
            try await scene.withCaller("gate", accountParameters: ";mediaenc=srtp") { gate in
                let mark = scene.agent.logMark()
                try await gate.control.send("dial", scene.uri("door"))
                _ = try await gate.control.waitFor(["CALL_ESTABLISHED"])
                try await scene.agent.waitForLog(containing: "media encrypted with SRTP", after: mark)
                try await gate.control.send("hangup")
                try await scene.agent.waitForLog(containing: "call.ended:", "answered", after: mark)
                let line = try await scene.agent.waitForLog(containing: "packets unprotected", after: mark)
                #expect(Self.counters(line).map { $0.failures <= 1 } == true, "\(line)")
                #expect(Self.counters(line)?.failures == 0 || line.contains("first failure: RTCP from") && line.contains("(the peer)"), "\(line)")
                withKnownIssue("now and then one SRTCP packet from baresip fails authentication (seen with AEAD_AES_256_GCM, 52 octets from its RTCP port, in short calls only; issue 7's note)", isIntermittent: true) {
                    #expect(Self.counters(line)?.failures == 0, "\(line)")
                }
            }
        }
    }

    @Test("the agent calls baresip (srtp-mand) with srtp required: RTP/SAVP offer, audio both ways encrypted")
    func agentCallsWithMandatorySRTP() async throws {
        let fifo = FileManager.default.temporaryDirectory.appendingPathComponent("swiftsip-e2e-srtp-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: fifo) }
        try await EndToEndScene.with({ configuration in
            configuration.srtp = "required"
            configuration.buttons = [
                .init(name: "bell", fifo: fifo.path, targets: [configuration.registrarURI(user: "gate")], ringTimeoutSeconds: 10)
            ]
        }) { scene in
            try await Self.answeredByBaresip(scene, fifo: fifo)
        }
    }

    /// A button press makes the agent call baresip `gate` (srtp-mand, answering by itself):
    /// answered encrypted in one of `suites`, audio both ways, the agent's counters clean.
    static func answeredByBaresip(_ scene: EndToEndScene, fifo: URL, suites: [String] = ["AES_CM_128_HMAC_SHA1_80"]) async throws {
        try await scene.withCaller("gate", autoAnswer: true, accountParameters: ";mediaenc=srtp-mand") { gate in
            let mark = scene.agent.logMark()
            try await EndToEndTests.press(fifo: fifo.path)
            _ = try await gate.control.waitFor(["CALL_ESTABLISHED"], seconds: 6)
            try await scene.agent.waitForLog(containing: "call.answered:", after: mark)
            try await scene.agent.waitForLog(containing: "media encrypted with SRTP", after: mark)
            let recording = try await EndToEndTests.waitForReceivedRecording(gate)
            try await EndToEndTests.waitForFileSize(recording.path, atLeast: Int(EndToEndTests.audioSeconds * 8_000 * 2))
            try await gate.control.send("hangup")
            try await scene.agent.waitForLog(containing: "call.ended:", "answered", after: mark)
            try await Self.expectCounters(scene, after: mark, suites: suites)
            _ = try await scene.expectAudioBothWays(callerRecording: recording)
        }
    }
}
