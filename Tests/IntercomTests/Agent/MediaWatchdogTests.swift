import NIOCore
import Testing

@testable import Intercom

@Suite("MediaWatchdog: a peer that stops sending")
struct MediaWatchdogTests {
    let start = NIODeadline.uptimeNanoseconds(1_000_000_000)

    func at(_ seconds: Double) -> NIODeadline { start + .milliseconds(Int64(seconds * 1_000)) }

    func observe(_ watchdog: inout MediaWatchdog, packetsReceived: Int, peerSends: Bool, now: NIODeadline) -> Bool {
        watchdog.observe(packetsReceived: packetsReceived, peerSends: peerSends, now: now)
    }

    @Test("packets that keep coming never time out; silence times out after exactly the timeout")
    func silence() {
        var watchdog = MediaWatchdog(timeout: .seconds(5), now: start)
        for second in 1...20 {
            #expect(!observe(&watchdog, packetsReceived: second * 50, peerSends: true, now: at(Double(second))))
        }
        // The count stops at 1000 (second 20).
        #expect(!observe(&watchdog, packetsReceived: 1_000, peerSends: true, now: at(24.9)))
        #expect(watchdog.silence(at: at(24.9)) == .milliseconds(4_900))
        #expect(observe(&watchdog, packetsReceived: 1_000, peerSends: true, now: at(25)))
    }

    @Test("a peer that never sends times out from the start")
    func neverSends() {
        var watchdog = MediaWatchdog(timeout: .seconds(3), now: start)
        #expect(!observe(&watchdog, packetsReceived: 0, peerSends: true, now: at(1)))
        #expect(!observe(&watchdog, packetsReceived: 0, peerSends: true, now: at(2.9)))
        #expect(observe(&watchdog, packetsReceived: 0, peerSends: true, now: at(3)))
    }

    @Test("a peer that holds the call (sends nothing, owes nothing) is not timed out; its silence counts from the resume")
    func hold() {
        var watchdog = MediaWatchdog(timeout: .seconds(3), now: start)
        #expect(!observe(&watchdog, packetsReceived: 100, peerSends: true, now: at(1)))
        for second in 2...60 {
            #expect(!observe(&watchdog, packetsReceived: 100, peerSends: false, now: at(Double(second))))
        }
        #expect(!observe(&watchdog, packetsReceived: 100, peerSends: true, now: at(62.5)))
        #expect(observe(&watchdog, packetsReceived: 100, peerSends: true, now: at(63)))
    }
}
