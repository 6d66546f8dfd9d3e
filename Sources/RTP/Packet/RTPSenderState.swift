/// What one sending stream keeps between packets (RFC 3550 §5.1, §6.4.1): its SSRC, the next
/// sequence number, the timestamp base, and the packet and octet counts that an SR reports.
///
/// The SSRC, first sequence number and timestamp base are random, as RFC 3550 §5.1 and §8
/// ask, so that a stream is hard to guess and restarts do not collide.
public struct RTPSenderState: Sendable, Hashable {
    /// The synchronization source.
    public let ssrc: UInt32
    /// The sequence number the next packet gets.
    public private(set) var nextSequenceNumber: UInt16
    /// The RTP timestamp of media time 0.
    public let timestampBase: UInt32
    /// Packets sent so far (SR sender's packet count, wrapping).
    public private(set) var packetCount: UInt32 = 0
    /// Payload octets sent so far (SR sender's octet count, wrapping).
    public private(set) var octetCount: UInt32 = 0

    /// A stream with random SSRC, first sequence number and timestamp base from `generator`.
    public init(using generator: inout some RandomNumberGenerator) {
        self.ssrc = UInt32.random(in: .min ... .max, using: &generator)
        self.nextSequenceNumber = UInt16.random(in: .min ... .max, using: &generator)
        self.timestampBase = UInt32.random(in: .min ... .max, using: &generator)
    }

    /// A stream with random values from the system generator.
    public init() {
        var generator = SystemRandomNumberGenerator()
        self.init(using: &generator)
    }

    /// A stream with the given values (for tests and restarts).
    public init(ssrc: UInt32, firstSequenceNumber: UInt16, timestampBase: UInt32) {
        self.ssrc = ssrc
        self.nextSequenceNumber = firstSequenceNumber
        self.timestampBase = timestampBase
    }

    /// The RTP timestamp of `mediaTime` clock ticks since the stream started (wrapping).
    @inlinable
    public func timestamp(at mediaTime: UInt64) -> UInt32 {
        timestampBase &+ UInt32(truncatingIfNeeded: mediaTime)
    }

    /// The header of the next packet, taking a sequence number and counting `payloadCount`
    /// octets for the sender report.
    public mutating func nextHeader(payloadType: UInt8, timestamp: UInt32, marker: Bool = false, payloadCount: Int) -> RTPHeader {
        let header = RTPHeader(payloadType: payloadType, marker: marker, sequenceNumber: nextSequenceNumber, timestamp: timestamp, ssrc: ssrc)
        nextSequenceNumber &+= 1
        packetCount &+= 1
        octetCount &+= UInt32(truncatingIfNeeded: payloadCount)
        return header
    }
}
