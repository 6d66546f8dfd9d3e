import NIOCore
import NIOEmbedded
import Testing

@testable import Intercom

@Suite("SettledPageRelease: pages given back once the agent has settled, also under a call")
struct SettledPageReleaseTests {
    /// A release settling for 2 s on a virtual-time loop, with the releases it made in a plain
    /// variable.
    final class Probe {
        let loop = EmbeddedEventLoop()
        var releases = 0
        private(set) lazy var release = SettledPageRelease(
            eventLoop: loop, settle: .seconds(2), release: { [unowned self] in releases += 1 })
    }

    @Test("one release, exactly the settling time after arming")
    func settles() {
        let probe = Probe()
        let (loop, release) = (probe.loop, probe.release)
        release.arm()
        loop.advanceTime(by: .milliseconds(1_999))
        #expect(probe.releases == 0)
        loop.advanceTime(by: .milliseconds(1))
        #expect(probe.releases == 1)
        loop.advanceTime(by: .seconds(60))
        #expect(probe.releases == 1)
    }

    @Test("arming again before it fires moves it later: a burst of events gives one release")
    func rearming() {
        let probe = Probe()
        let (loop, release) = (probe.loop, probe.release)
        release.arm()
        loop.advanceTime(by: .milliseconds(1_500))
        release.arm()
        loop.advanceTime(by: .milliseconds(1_500))
        #expect(probe.releases == 0)
        release.arm()
        loop.advanceTime(by: .milliseconds(2_000))
        #expect(probe.releases == 1)
    }

    @Test("a call's set-up, answer and end each move it later; what happens during a call does not")
    func callEvents() {
        let settling: [AgentEvent] = [
            .incomingCall(id: "call#1", from: "sip:a@example.org", source: "127.0.0.1:5062"),
            .outgoingCall(id: "call#2", to: "sip:b@example.org", button: "bell"),
            .callAnswered(id: "call#1", direction: "incoming", codec: "PCMU"),
            .callEnded(id: "call#1", direction: "incoming", result: "ended", seconds: 3),
            .configurationReloaded(notes: []),
        ]
        for event in settling { #expect(IntercomService.settlesPages(event), "\(event.kind)") }
        let other: [AgentEvent] = [
            .callAudio(id: "call#1", lateCycles: 0, concealed: 0),
            .wrongCode(caller: "sip:a@example.org", count: 1),
            .configurationRefused(errors: ["x"]),
        ]
        for event in other { #expect(!IntercomService.settlesPages(event), "\(event.kind)") }
    }

    @Test("cancelled at shutdown: nothing runs afterwards")
    func cancelled() {
        let probe = Probe()
        let (loop, release) = (probe.loop, probe.release)
        release.arm()
        loop.advanceTime(by: .seconds(1))
        release.cancel()
        loop.advanceTime(by: .seconds(10))
        #expect(probe.releases == 0)
    }
}
