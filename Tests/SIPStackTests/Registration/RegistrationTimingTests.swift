import NIOCore
import SIPStack
import Testing

@Suite("Refresh and backoff timing rules")
struct RegistrationTimingTests {
    @Test("refresh: margin before expiry for long grants, half for short ones", arguments: [
        (3600 as UInt32, 30 as Int64, 3_570_000 as Int64), (600, 30, 570_000), (60, 30, 30_000), (59, 30, 29_500),
        (40, 30, 20_000), (1, 30, 500), (0, 30, 0), (3600, 0, 3_600_000), (120, 100, 60_000),
    ])
    func refresh(granted: UInt32, marginSeconds: Int64, expectedMilliseconds: Int64) {
        #expect(RegistrationStateMachine.refreshDelay(forGranted: granted, margin: .seconds(marginSeconds))
            == .milliseconds(expectedMilliseconds))
    }

    @Test("backoff: ceiling doubles from the initial delay to the cap; jitter keeps it in [ceiling/2, ceiling]",
          arguments: [
        (1, 1_000 as Int64), (2, 2_000), (3, 4_000), (6, 32_000), (7, 60_000), (30, 60_000), (1_000, 60_000),
    ])
    func backoff(attempt: Int, ceilingMilliseconds: Int64) {
        let ceiling = TimeAmount.milliseconds(ceilingMilliseconds)
        for random: UInt64 in [0, 1, 12_345, .max / 2, .max] {
            let delay = RegistrationStateMachine.backoffDelay(
                attempt: attempt, initial: .seconds(1), maximum: .seconds(60), random: random)
            #expect(delay <= ceiling)
            #expect(delay >= .nanoseconds(ceiling.nanoseconds - ceiling.nanoseconds / 2))
        }
        #expect(RegistrationStateMachine.backoffDelay(
            attempt: attempt, initial: .seconds(1), maximum: .seconds(60), random: 0)
            == .nanoseconds(ceiling.nanoseconds - ceiling.nanoseconds / 2))
    }

    @Test("backoff: nonsense inputs stay bounded instead of trapping")
    func backoffEdges() {
        #expect(RegistrationStateMachine.backoffDelay(attempt: 0, initial: .seconds(1), maximum: .seconds(60), random: 0)
            == .milliseconds(500))
        #expect(RegistrationStateMachine.backoffDelay(attempt: .max, initial: .hours(1_000_000), maximum: .seconds(60), random: .max)
            <= .seconds(60))
        #expect(RegistrationStateMachine.backoffDelay(attempt: 3, initial: .seconds(-1), maximum: .seconds(60), random: 5)
            == .zero)
    }
}
