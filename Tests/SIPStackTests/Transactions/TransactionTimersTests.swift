import NIOCore
import SIPStack
import Testing

@Suite("Transaction timer values (RFC 3261 Table 4, RFC 6026)")
struct TransactionTimersTests {
    struct Row: Sendable, CustomTestStringConvertible {
        let timer: TransactionTimer
        /// Milliseconds over UDP and over a reliable transport; nil when not used.
        let udp: Int64?
        let reliable: Int64?
        var testDescription: String { "\(timer)" }
    }

    static let defaults: [Row] = [
        Row(timer: .timerA, udp: 500, reliable: nil),
        Row(timer: .timerB, udp: 32_000, reliable: 32_000),
        Row(timer: .timerD, udp: 32_000, reliable: 0),
        Row(timer: .timerE, udp: 500, reliable: nil),
        Row(timer: .timerF, udp: 32_000, reliable: 32_000),
        Row(timer: .timerG, udp: 500, reliable: nil),
        Row(timer: .timerH, udp: 32_000, reliable: 32_000),
        Row(timer: .timerI, udp: 5_000, reliable: 0),
        Row(timer: .timerJ, udp: 32_000, reliable: 0),
        Row(timer: .timerK, udp: 5_000, reliable: 0),
        Row(timer: .timerL, udp: 32_000, reliable: 32_000),
        Row(timer: .timerM, udp: 32_000, reliable: 32_000),
        Row(timer: .trying, udp: 200, reliable: 200),
    ]

    @Test("every timer's default duration over UDP and over a reliable transport", arguments: defaults)
    func defaultDuration(_ row: Row) {
        let timers = TransactionTimers.default
        #expect(timers.duration(of: row.timer, reliable: false).map { $0.nanoseconds / 1_000_000 } == row.udp)
        #expect(timers.duration(of: row.timer, reliable: true).map { $0.nanoseconds / 1_000_000 } == row.reliable)
    }

    @Test("the table covers every timer")
    func tableIsComplete() {
        #expect(Set(Self.defaults.map(\.timer)) == Set(TransactionTimer.allCases))
    }

    @Test("the base values are T1 500 ms, T2 4 s, T4 5 s")
    func baseValues() {
        let timers = TransactionTimers()
        #expect(timers.t1 == .milliseconds(500))
        #expect(timers.t2 == .seconds(4))
        #expect(timers.t4 == .seconds(5))
        #expect(timers.transactionTimeout == .seconds(32))
    }

    @Test("derived timers follow configured base values")
    func configured() {
        let timers = TransactionTimers(t1: .milliseconds(200), t2: .seconds(2), t4: .seconds(3), timerD: .seconds(40))
        #expect(timers.duration(of: .timerB, reliable: false) == .milliseconds(12_800))
        #expect(timers.duration(of: .timerE, reliable: false) == .milliseconds(200))
        #expect(timers.duration(of: .timerI, reliable: false) == .seconds(3))
        #expect(timers.duration(of: .timerD, reliable: false) == .seconds(40))
        #expect(timers.duration(of: .timerD, reliable: true) == .zero)
        #expect(timers.nextCappedInterval(after: .seconds(1)) == .seconds(2))
        #expect(timers.nextCappedInterval(after: .milliseconds(1500)) == .seconds(2))
        #expect(timers.nextTimerA(after: .seconds(4)) == .seconds(8))
    }

    @Test("huge configured values saturate instead of overflowing")
    func saturates() {
        let timers = TransactionTimers(t1: .nanoseconds(.max / 2))
        #expect(timers.transactionTimeout == .nanoseconds(.max))
        #expect(timers.nextTimerA(after: .nanoseconds(.max)) == .nanoseconds(.max))
    }
}
