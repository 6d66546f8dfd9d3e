/// The fixed parameters of a ``JitterBuffer``: the stream's clock and frame size, and how much
/// memory to preallocate.
///
/// Everything the buffer needs is allocated once, from these numbers, when the buffer is made:
/// `capacityFrames` slots of `maximumPayloadBytes` each, and the statistics window. Nothing
/// is allocated afterwards.
///
/// One packet is one frame: the audio thread asks for one frame per tick of
/// `samplesPerFrame / clockRate` seconds (20 ms for 160 samples at 8000 Hz), and each RTP
/// packet carries one frame, its timestamp advancing by `samplesPerFrame` (RFC 3550 §5.1).
public struct JitterBufferConfiguration: Sendable, Hashable {
    /// The RTP clock rate in Hz, from the SDP `a=rtpmap` (8000 for PCMU, 48000 for Opus).
    public var clockRate: Int
    /// The RTP timestamp increment of one packet, which is also one playout tick
    /// (`clockRate * ptime / 1000`: 160 for 20 ms at 8 kHz, 960 at 48 kHz).
    public var samplesPerFrame: Int
    /// The number of packet slots, a power of two from 8 to 4096 [# packets]. Packets more than
    /// this many sequence numbers ahead of the one being played are refused as overflow.
    public var capacityFrames: Int
    /// The largest payload a slot holds [bytes]; bigger payloads are refused.
    public var maximumPayloadBytes: Int
    /// How much arrival history the playout delay target is chosen from [ms]: the delay grows to
    /// it at once and shrinks to it whenever that costs no packet.
    public var statisticsWindowMs: Int

    /// The default slot count: 128, 2.56 s of 20 ms frames.
    public static let defaultCapacityFrames = 128
    /// The default payload limit: 1500 bytes, an Ethernet MTU (an Opus frame is at most 1275).
    public static let defaultMaximumPayloadBytes = 1500
    /// The default statistics window: 2 s (the estimator also looks over the break-even time,
    /// about 15.8 s, before it drops a packet to shorten the delay).
    public static let defaultStatisticsWindowMs = 2_000

    /// A configuration for a stream of `clockRate` Hz with `samplesPerFrame` samples per packet.
    public init(
        clockRate: Int,
        samplesPerFrame: Int,
        capacityFrames: Int = JitterBufferConfiguration.defaultCapacityFrames,
        maximumPayloadBytes: Int = JitterBufferConfiguration.defaultMaximumPayloadBytes,
        statisticsWindowMs: Int = JitterBufferConfiguration.defaultStatisticsWindowMs
    ) {
        self.clockRate = clockRate
        self.samplesPerFrame = samplesPerFrame
        self.capacityFrames = capacityFrames
        self.maximumPayloadBytes = maximumPayloadBytes
        self.statisticsWindowMs = statisticsWindowMs
    }

    /// The duration of one frame (one playout tick) [µs].
    public var frameMicroseconds: Double {
        Double(samplesPerFrame) * 1_000_000 / Double(clockRate)
    }

    /// Throws the first field that is out of range.
    ///
    /// - Throws: ``JitterBufferConfigurationError`` naming the field and its value.
    public func validate() throws(JitterBufferConfigurationError) {
        guard (1_000...384_000).contains(clockRate) else {
            throw JitterBufferConfigurationError(.outOfRange, field: "clockRate", value: clockRate)
        }
        guard samplesPerFrame >= 1, samplesPerFrame <= clockRate else {
            throw JitterBufferConfigurationError(.outOfRange, field: "samplesPerFrame", value: samplesPerFrame)
        }
        guard (8...4096).contains(capacityFrames) else {
            throw JitterBufferConfigurationError(.outOfRange, field: "capacityFrames", value: capacityFrames)
        }
        guard capacityFrames & (capacityFrames - 1) == 0 else {
            throw JitterBufferConfigurationError(.notPowerOfTwo, field: "capacityFrames", value: capacityFrames)
        }
        guard (1...65_536).contains(maximumPayloadBytes) else {
            throw JitterBufferConfigurationError(.outOfRange, field: "maximumPayloadBytes", value: maximumPayloadBytes)
        }
        guard (100...600_000).contains(statisticsWindowMs) else {
            throw JitterBufferConfigurationError(.outOfRange, field: "statisticsWindowMs", value: statisticsWindowMs)
        }
    }
}
