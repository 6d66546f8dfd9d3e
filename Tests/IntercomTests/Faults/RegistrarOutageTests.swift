import Foundation
import InteropSupport
import NIOCore
import Testing

/// The registrar goes away for a minute (issue 7, "Load and faults"): the agent, a real
/// `intercom` process, must notice, keep trying without giving up or flooding, register again
/// within 5 s of Kamailio's return, and be callable then.
///
/// This runs in real time (a real outage of a real Kamailio), about 75 s; the agent's retry
/// timing itself is tested in virtual time by the registration state machine's tests.
@Suite("faults: registrar outage")
struct RegistrarOutageTests {
    /// How long Kamailio stays dead [s].
    static let outageSeconds: Int64 = 60

    @Test("Kamailio is killed for 60 s and restarted: the agent registers again within 5 s of its return; a call placed then is answered")
    func killedForAMinute() async throws {
        try await EndToEndScene.with { scene in
            let mark = scene.agent.logMark()
            await scene.kamailio.stop(keepRunDirectory: true, crash: true)
            try await KamailioInterop.pause(.seconds(Self.outageSeconds))

            // Within the minute the agent's refresh (every 10 s) went unanswered (Timer F, 32 s).
            let states = scene.agent.logLines(containing: "registration: account pbx:", after: mark)
            #expect(states.contains { $0.contains("retrying(") && $0.contains("timeout") }, "\(states)")

            let restartMark = scene.agent.logMark()
            try await scene.kamailio.restart()
            let returned = ContinuousClock.now
            try await scene.waitForBinding(scene.agentContact, seconds: 15)
            let took = ContinuousClock.now - returned
            #expect(took < .seconds(5), "registered \(took) after Kamailio's return")
            try await scene.agent.waitForLog(containing: "registration: account pbx: registered(", after: restartMark)

            // Retries were bounded, not a flood: over the minute at most one REGISTER transaction
            // every 0.5 s (its retransmissions aside), i.e. far fewer than 120 state changes.
            let retries = scene.agent.logLines(containing: "retrying(", after: mark).count
            #expect((1...20).contains(retries), "\(retries) failed attempts logged during the outage")

            try await scene.callDoorAndHangUp(after: restartMark)
        }
    }
}
