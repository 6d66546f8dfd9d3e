import Foundation
import InteropSupport
import NIOCore
import Testing

/// A caller vanishes mid-call without a BYE (issue 7, "Load and faults"): baresip, in a call
/// with the agent process, is killed with SIGKILL. The agent must end the call by itself when
/// RTP and RTCP stop (`audio.rtpTimeoutSeconds`, 3 s here), long before the maximum duration
/// (120 s), and answer the next call.
@Suite("faults: a peer vanishes mid-call")
struct PeerVanishesTests {
    @Test("baresip is killed in a call: the agent hangs up after 3 s without RTP and answers the next call")
    func callerKilled() async throws {
        try await EndToEndScene.with({ $0.rtpTimeoutSeconds = 3 }) { scene in
            let mark = scene.agent.logMark()
            try await scene.withCaller("gate") { gate in
                try await gate.control.send("dial", scene.uri("door"))
                _ = try await gate.control.waitFor(["CALL_ESTABLISHED"])
                try await scene.agent.waitForLog(containing: "call.answered:", after: mark)
                // A live call outlasts the timeout: RTP keeps coming.
                try await KamailioInterop.pause(.seconds(5))
                #expect(scene.agent.logLines(containing: "call.ended:", after: mark).isEmpty, "a live call was ended")
                await gate.stop(crash: true)
                let killed = ContinuousClock.now
                let ended = try await scene.agent.waitForLog(containing: "call.ended:", after: mark, within: 15)
                let took = ContinuousClock.now - killed
                #expect(ended.contains("timeout"), "\(ended)")
                #expect(took < .seconds(8), "ended \(took) after the caller vanished")
                #expect(!scene.agent.logLines(containing: "no RTP or RTCP from the peer for 3 s", after: mark).isEmpty)
            }
            let next = scene.agent.logMark()
            try await scene.callDoorAndHangUp(after: next)
        }
    }
}
