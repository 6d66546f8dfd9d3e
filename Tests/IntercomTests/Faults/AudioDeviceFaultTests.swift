import Foundation
import InteropSupport
import Testing

/// The agent's loudspeaker vanishes mid-call (issue 7, "Audio faults"): the agent process plays
/// a call into an ALSA PCM (`alsa:vanish`, the `file` plugin over `null` from a private
/// `ALSA_CONFIG_PATH`) whose file is a pseudo-terminal. Hanging the terminal up makes every
/// write fail with EIO inside ALSA, which `snd_pcm_recover` cannot mend: the same error path as a
/// USB sound card pulled out. The call must end as failed with the reason in the log, the
/// process must live on, and the next call must open the device anew.
@Suite("faults: the audio device vanishes mid-call")
struct AudioDeviceFaultTests {
    @Test("the loudspeaker fails in a call: BYE with the reason logged, no crash, the next call opens the device anew")
    func loudspeakerVanishes() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swiftsip-alsa-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // The PCM's file is a link, so that the next call can be given a new terminal.
        let link = directory.appendingPathComponent("loudspeaker")
        let configuration = directory.appendingPathComponent("alsa.conf")
        try """
            pcm.silence { type null }
            pcm.vanish { type file slave.pcm silence file "\(link.path)" format raw }

            """.write(to: configuration, atomically: true, encoding: .utf8)
        let first = try PseudoTerminal()
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: first.path)

        try await EndToEndScene.with({
            $0.playback = "alsa:vanish"
            $0.environment = ["ALSA_CONFIG_PATH": configuration.path]
        }) { scene in
            let mark = scene.agent.logMark()
            try await scene.withCaller("gate") { gate in
                try await scene.dialDoor(from: gate, after: mark)
                // Half a second of 16 kHz 16-bit frames reached the device.
                #expect(try await Self.wait { first.bytesRead >= 16_000 }, "the loudspeaker got \(first.bytesRead) bytes")
                await first.hangUp()
                let failed = try await scene.agent.waitForLog(containing: "the audio device failed", after: mark)
                #expect(failed.contains("Input/output error") || failed.contains("EIO") || failed.contains("-5"), "\(failed)")
                let ended = try await scene.agent.waitForLog(containing: "call.ended:", after: mark)
                #expect(ended.contains("failed"), "\(ended)")
                // The caller was told: BYE.
                _ = try await gate.control.waitFor(["CALL_CLOSED"])
            }
            #expect(scene.agent.isRunning)

            let second = try PseudoTerminal()
            try FileManager.default.removeItem(at: link)
            try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: second.path)
            let next = scene.agent.logMark()
            try await scene.withCaller("gate") { gate in
                try await scene.dialDoor(from: gate, after: next)
                #expect(try await Self.wait { second.bytesRead >= 16_000 }, "the new loudspeaker got \(second.bytesRead) bytes")
                try await gate.control.send("hangup")
                let ended = try await scene.agent.waitForLog(containing: "call.ended:", after: next)
                #expect(!ended.contains("failed"), "\(ended)")
            }
            await second.hangUp()
            #expect(scene.agent.logLines(containing: "the audio device failed", after: next).isEmpty)
        }
    }

    /// Polls `condition` every 50 ms for up to `seconds` (a bounded wait on a real process).
    static func wait(seconds: Double = 10, _ condition: () -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1_000))
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return condition()
    }
}
