import RTP
import Testing

@Suite("RTP receiver statistics (RFC 3550 A.1, A.3, A.8) and the RTCP interval (A.7)")
struct RTPReceiverStatisticsTests {
    /// Feeds `sequences` with timestamps 160 apart arriving exactly on time.
    static func feed(_ sequences: [UInt16], first: UInt16, probation: Int = 0) -> RTPReceiverStatistics {
        var statistics = RTPReceiverStatistics(ssrc: 9, firstSequenceNumber: first, probation: probation)
        for sequence in sequences {
            let timestamp = UInt32(sequence) &* 160
            statistics.record(sequenceNumber: sequence, timestamp: timestamp, arrival: timestamp &+ 5_000)
        }
        return statistics
    }

    @Test("table: extended highest sequence, expected, received, cumulative lost, fraction lost", arguments: [
        ("in order", [10, 11, 12, 13], UInt16(10), UInt32(13), UInt32(4), Int32(0), UInt8(0)),
        ("one lost of five", [10, 11, 13, 14], 10, 14, 4, 1, 51),
        ("reordered, none lost", [10, 12, 11, 13], 10, 13, 4, 0, 0),
        ("duplicate counts negative loss", [10, 11, 11, 12], 10, 12, 4, -1, 0),
        ("wrap counts a cycle", [65_534, 65_535, 0, 1], 65_534, 0x0001_0001, 4, 0, 0),
        ("half lost", [0, 2, 4, 6], 0, 6, 4, 3, 109),
    ] as [(String, [UInt16], UInt16, UInt32, UInt32, Int32, UInt8)])
    func table(name: String, sequences: [UInt16], first: UInt16, highest: UInt32, received: UInt32, lost: Int32, fraction: UInt8) {
        var statistics = Self.feed(sequences, first: first)
        #expect(statistics.extendedHighestSequence == highest)
        #expect(statistics.packetsReceived == received)
        #expect(statistics.cumulativeLost == lost)
        let block = statistics.makeReportBlock()
        #expect(block.fractionLost == fraction)
        #expect(block.cumulativeLost == lost)
        #expect(block.extendedHighestSequence == highest)
        // A second block with nothing new reports no fresh loss.
        let second = statistics.makeReportBlock()
        #expect(second.fractionLost == 0)
    }

    @Test("probation: a new source counts only after two sequential packets (A.1)")
    func probation() {
        var statistics = RTPReceiverStatistics(ssrc: 1, firstSequenceNumber: 100)
        let counted100 = statistics.record(sequenceNumber: 100, timestamp: 0, arrival: 0)
        #expect(!counted100)
        #expect(!statistics.isValid)
        let counted101 = statistics.record(sequenceNumber: 101, timestamp: 160, arrival: 160)
        #expect(counted101)
        #expect(statistics.isValid)
        let counted102 = statistics.record(sequenceNumber: 102, timestamp: 320, arrival: 320)
        #expect(counted102)
        #expect(statistics.packetsReceived == 2)
        #expect(statistics.cumulativeLost == 0)
    }

    @Test("a large jump counts only once a second packet confirms it, then restarts (A.1)")
    func restart() {
        var statistics = Self.feed([10, 11, 12], first: 10)
        let counted20 = statistics.record(sequenceNumber: 20_000, timestamp: 0, arrival: 0)
        #expect(!counted20)
        let confirmed = statistics.record(sequenceNumber: 20_001, timestamp: 160, arrival: 160)
        #expect(confirmed)
        #expect(statistics.extendedHighestSequence == 20_001)
        #expect(statistics.cumulativeLost == 0)
    }

    @Test("jitter follows J += (|D| - J)/16 (A.8)")
    func jitter() {
        var statistics = RTPReceiverStatistics(ssrc: 1, firstSequenceNumber: 0, probation: 0)
        // Arrivals alternate 0 and 32 ticks late: |D| = 32 every packet after the first.
        var expected = 0.0
        for sequence in 0..<200 {
            let timestamp = UInt32(sequence * 160)
            statistics.record(sequenceNumber: UInt16(sequence), timestamp: timestamp, arrival: timestamp + (sequence % 2 == 0 ? 0 : 32))
            if sequence > 0 { expected += (32 - expected) / 16 }
        }
        #expect(abs(Double(statistics.jitter) - expected) <= 1)
        #expect(statistics.jitter >= 30)
        // On-time packets keep it at zero.
        #expect(Self.feed(Array(0..<50), first: 0).jitter == 0)
    }

    @Test("RTCP interval: at least the minimum for a two-party call, halved initially, randomised 0.5-1.5 / (e - 3/2)")
    func interval() {
        let rule = RTCPInterval(minimumSeconds: 5, sessionBandwidth: 64_000)
        #expect(rule.baseSeconds(members: 2, senders: 2, weSent: true, averageRTCPSize: 100, initial: false) == 5)
        #expect(rule.baseSeconds(members: 2, senders: 2, weSent: true, averageRTCPSize: 100, initial: true) == 2.5)
        let low = rule.seconds(members: 2, senders: 2, weSent: true, averageRTCPSize: 100, initial: false, random: 0.5)
        let high = rule.seconds(members: 2, senders: 2, weSent: true, averageRTCPSize: 100, initial: false, random: 1.5)
        #expect(abs(low - 2.5 / RTCPInterval.compensation) < 1e-9)
        #expect(abs(high - 7.5 / RTCPInterval.compensation) < 1e-9)
        // Many members on little bandwidth: n × C / bw exceeds the minimum.
        let crowded = rule.baseSeconds(members: 1_000, senders: 1, weSent: false, averageRTCPSize: 100, initial: false)
        #expect(abs(crowded - 999 * 100 / (400 * 0.75)) < 1e-9)
        // A sender among few senders gets a quarter of the bandwidth shared by the senders.
        let sender = rule.baseSeconds(members: 1_000, senders: 1, weSent: true, averageRTCPSize: 100, initial: false)
        #expect(sender == 5)
        var generator = SplitMix64(seed: 3)
        for _ in 0..<100 {
            let next = rule.next(members: 2, senders: 1, weSent: true, averageRTCPSize: 100, initial: false, using: &generator)
            #expect(next >= .seconds(2.5 / RTCPInterval.compensation) - .milliseconds(1))
            #expect(next <= .seconds(7.5 / RTCPInterval.compensation) + .milliseconds(1))
        }
    }

    @Test("odd interval settings stay within a day instead of overflowing a timer")
    func intervalBounds() {
        let endless = RTCPInterval(minimumSeconds: .infinity)
        #expect(endless.seconds(members: 2, senders: 1, weSent: true, averageRTCPSize: 100, initial: false, random: 1) == RTCPInterval.maximumSeconds)
        let starved = RTCPInterval(minimumSeconds: 0, sessionBandwidth: 0)
        #expect(starved.seconds(members: 2, senders: 1, weSent: true, averageRTCPSize: 65_535, initial: false, random: 1.5) <= RTCPInterval.maximumSeconds)
    }
}
