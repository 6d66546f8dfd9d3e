/// What a receiver counts about one source to fill an RTCP report block: the source
/// validation and sequence tracking of RFC 3550 A.1, the loss of A.3 and the interarrival
/// jitter of A.8.
///
/// Feed every packet of the source to ``record(sequenceNumber:timestamp:arrival:)`` with its
/// arrival time in the source's RTP clock; call ``makeReportBlock(lastSenderReport:delaySinceLastSenderReport:)``
/// when a report is due.
public struct RTPReceiverStatistics: Sendable, Hashable {
    /// A dropout larger than this many packets is a jump (A.1 `MAX_DROPOUT`).
    public static let maxDropout: UInt16 = 3_000
    /// Packets this far behind are late or duplicates, not a restart (A.1 `MAX_MISORDER`).
    public static let maxMisorder: UInt16 = 100
    /// Sequential packets needed before a new source is valid (A.1 `MIN_SEQUENTIAL`).
    public static let minSequential = 2

    /// The source.
    public let ssrc: UInt32
    var maxSequence: UInt16
    var cycles: UInt32 = 0
    var baseSequence: UInt32
    var badSequence: UInt32 = 0x1_0001
    var probation: Int
    /// Valid packets received (A.1 `received`).
    public private(set) var packetsReceived: UInt32 = 0
    var expectedPrior: UInt32 = 0
    var receivedPrior: UInt32 = 0
    var lastTransit: Int64?
    /// Without probation: the first packet (at `maxSequence`) is still to come.
    var awaitingFirst = false
    /// The jitter estimate times 16 (A.8's integer form).
    var scaledJitter: UInt32 = 0

    /// Statistics for `ssrc`, starting at its first packet's sequence number. With `probation`
    /// at 0 the source is valid at once; RFC 3550 asks for ``minSequential`` packets in a row.
    public init(ssrc: UInt32, firstSequenceNumber: UInt16, probation: Int = RTPReceiverStatistics.minSequential) {
        self.ssrc = ssrc
        self.maxSequence = firstSequenceNumber &- 1
        self.baseSequence = UInt32(firstSequenceNumber)
        self.probation = probation
        if probation == 0 {
            restart(at: firstSequenceNumber)
            awaitingFirst = true
        }
    }

    /// A.1 `init_seq`.
    mutating func restart(at sequence: UInt16) {
        baseSequence = UInt32(sequence)
        maxSequence = sequence
        badSequence = 0x1_0001
        cycles = 0
        packetsReceived = 0
        receivedPrior = 0
        expectedPrior = 0
    }

    /// Whether the source has passed probation.
    public var isValid: Bool { probation == 0 }

    /// Records one packet; `arrival` is its arrival time in RTP clock ticks (any origin).
    /// Returns whether the packet counts (false during probation, and for a packet far out of
    /// order until a second one confirms a restart).
    @discardableResult
    public mutating func record(sequenceNumber sequence: UInt16, timestamp: UInt32, arrival: UInt32) -> Bool {
        let delta = sequence &- maxSequence
        if awaitingFirst, sequence == maxSequence {
            awaitingFirst = false
        } else if probation > 0 {
            if sequence == maxSequence &+ 1 {
                probation -= 1
                maxSequence = sequence
                if probation == 0 {
                    restart(at: sequence)
                    packetsReceived += 1
                    updateJitter(timestamp: timestamp, arrival: arrival)
                    return true
                }
            } else {
                probation = Self.minSequential - 1
                maxSequence = sequence
            }
            return false
        } else if delta < Self.maxDropout {
            awaitingFirst = false
            if sequence < maxSequence { cycles &+= 0x1_0000 }
            maxSequence = sequence
        } else if delta <= UInt16.max - Self.maxMisorder {
            if UInt32(sequence) == badSequence {
                restart(at: sequence)
            } else {
                badSequence = (UInt32(sequence) + 1) & 0xFFFF
                return false
            }
        }
        packetsReceived &+= 1
        updateJitter(timestamp: timestamp, arrival: arrival)
        return true
    }

    /// A.8: J += (|D| - J) / 16, in the integer form that keeps J × 16.
    mutating func updateJitter(timestamp: UInt32, arrival: UInt32) {
        let transit = Int64(Int32(bitPattern: arrival &- timestamp))
        if let lastTransit {
            let difference = UInt32(min(abs(transit - lastTransit), Int64(UInt32.max >> 5)))
            scaledJitter = scaledJitter &+ difference &- ((scaledJitter &+ 8) >> 4)
        }
        lastTransit = transit
    }

    /// The highest sequence number received, with wraps counted in the high 16 bits.
    public var extendedHighestSequence: UInt32 { cycles &+ UInt32(maxSequence) }

    /// Packets expected so far (A.3).
    public var packetsExpected: UInt32 { extendedHighestSequence &- baseSequence &+ 1 }

    /// Packets lost so far, clamped to 24-bit signed (negative when duplicates arrived).
    public var cumulativeLost: Int32 {
        let lost = Int64(packetsExpected) - Int64(packetsReceived)
        return Int32(min(max(lost, -0x80_0000), 0x7F_FFFF))
    }

    /// The interarrival jitter in RTP clock ticks.
    public var jitter: UInt32 { scaledJitter >> 4 }

    /// A report block for this source, and the start of a new reporting interval: the
    /// fraction lost covers the packets since the previous block (A.3).
    public mutating func makeReportBlock(lastSenderReport: UInt32 = 0, delaySinceLastSenderReport: UInt32 = 0) -> RTCPReportBlock {
        let expected = packetsExpected
        let expectedInterval = expected &- expectedPrior
        expectedPrior = expected
        let receivedInterval = packetsReceived &- receivedPrior
        receivedPrior = packetsReceived
        let lostInterval = Int64(expectedInterval) - Int64(receivedInterval)
        let fraction: UInt8 =
            expectedInterval == 0 || lostInterval <= 0 ? 0 : UInt8(min(255, (lostInterval << 8) / Int64(expectedInterval)))
        return RTCPReportBlock(
            ssrc: ssrc, fractionLost: fraction, cumulativeLost: cumulativeLost,
            extendedHighestSequence: extendedHighestSequence, jitter: jitter, lastSenderReport: lastSenderReport,
            delaySinceLastSenderReport: delaySinceLastSenderReport)
    }
}
