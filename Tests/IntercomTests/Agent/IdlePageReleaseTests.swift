import NIOCore
import NIOEmbedded
import Testing

@testable import Intercom

@Suite("IdlePageRelease: start-up pages given back once the agent has settled, never under a call")
struct IdlePageReleaseTests {
    /// A release settling for 2 s on a virtual-time loop, with the agent's idleness and the
    /// releases it made in plain variables.
    final class Probe {
        let loop = EmbeddedEventLoop()
        var idle = true
        var releases = 0
        private(set) lazy var release = IdlePageRelease(
            eventLoop: loop, settle: .seconds(2), isIdle: { [unowned self] in idle }, release: { [unowned self] in releases += 1 })
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

    @Test("a call in progress when it fires: no release until the call's end arms it again")
    func underACall() {
        let probe = Probe()
        let (loop, release) = (probe.loop, probe.release)
        release.arm()
        probe.idle = false
        loop.advanceTime(by: .seconds(5))
        #expect(probe.releases == 0)
        probe.idle = true
        loop.advanceTime(by: .seconds(5))
        #expect(probe.releases == 0)
        release.arm()
        loop.advanceTime(by: .seconds(2))
        #expect(probe.releases == 1)
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
