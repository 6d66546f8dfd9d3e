/// One reception report block of an SR or RR (RFC 3550 §6.4.1): what the reporter received
/// from one source.
///
/// ```
/// |                 SSRC of the source reported on                |
/// | fraction lost |       cumulative number of packets lost       |
/// |           extended highest sequence number received           |
/// |                      interarrival jitter                      |
/// |                         last SR (LSR)                         |
/// |                   delay since last SR (DLSR)                  |
/// ```
public struct RTCPReportBlock: Sendable, Hashable {
    /// The source this block reports on.
    public var ssrc: UInt32
    /// Packets lost since the previous report, as a fraction of 256.
    public var fractionLost: UInt8
    /// Packets lost since reception began (24-bit signed: duplicates can make it negative).
    public var cumulativeLost: Int32
    /// The highest sequence number received, with the count of wraps in the high 16 bits.
    public var extendedHighestSequence: UInt32
    /// The interarrival jitter estimate, in timestamp units (RFC 3550 §6.4.1, A.8).
    public var jitter: UInt32
    /// The middle 32 bits of the NTP timestamp of the last SR received from the source, or 0.
    public var lastSenderReport: UInt32
    /// The delay between receiving that SR and sending this block, in 1/65536 s.
    public var delaySinceLastSenderReport: UInt32

    /// A report block.
    public init(
        ssrc: UInt32, fractionLost: UInt8 = 0, cumulativeLost: Int32 = 0, extendedHighestSequence: UInt32 = 0,
        jitter: UInt32 = 0, lastSenderReport: UInt32 = 0, delaySinceLastSenderReport: UInt32 = 0
    ) {
        self.ssrc = ssrc
        self.fractionLost = fractionLost
        self.cumulativeLost = min(max(cumulativeLost, -0x80_0000), 0x7F_FFFF)
        self.extendedHighestSequence = extendedHighestSequence
        self.jitter = jitter
        self.lastSenderReport = lastSenderReport
        self.delaySinceLastSenderReport = delaySinceLastSenderReport
    }

    /// The round-trip time this block shows when it arrives at `arrival` (RFC 3550 §6.4.1:
    /// A - LSR - DLSR, in 1/65536 s), or nil when the reporter has had no SR from us or the
    /// result is negative (clock trouble).
    public func roundTripTime(arrivedAt arrival: NTPTimestamp) -> Duration? {
        guard lastSenderReport != 0 else { return nil }
        let units = arrival.middle32 &- lastSenderReport &- delaySinceLastSenderReport
        guard units < 0x8000_0000 else { return nil }
        return .nanoseconds(Int64(units) * 1_000_000_000 / 65_536)
    }
}
