import COpus

/// How an Opus encoder is set up (RFC 6716, RFC 7587): rate, channels, what it carries, and
/// the resilience features a door phone on Wi-Fi wants: in-band FEC, DTX and the expected loss.
public struct OpusConfiguration: Sendable, Hashable {
    /// What the encoder is tuned for.
    public enum Application: Sendable, Hashable {
        /// Speech (OPUS_APPLICATION_VOIP).
        case voip
        /// Music or mixed content (OPUS_APPLICATION_AUDIO).
        case audio
        /// The lowest delay, no speech-specific modes (OPUS_APPLICATION_RESTRICTED_LOWDELAY).
        case restrictedLowDelay

        var rawValue: Int32 {
            switch self {
            case .voip: OPUS_APPLICATION_VOIP
            case .audio: OPUS_APPLICATION_AUDIO
            case .restrictedLowDelay: OPUS_APPLICATION_RESTRICTED_LOWDELAY
            }
        }
    }

    /// The rates libopus accepts for PCM in and out.
    public static let sampleRates: Set<Int32> = [8_000, 12_000, 16_000, 24_000, 48_000]

    /// The PCM sample rate (8, 12, 16, 24 or 48 kHz).
    public var sampleRate: Int32
    /// 1 or 2.
    public var channels: Int32
    public var application: Application
    /// The target bit rate in bit/s, or nil for libopus's choice.
    public var bitrate: Int32?
    /// In-band forward error correction (the `useinbandfec=1` of RFC 7587 §6.1).
    public var inbandFEC: Bool
    /// Discontinuous transmission: near-silent frames of 1-2 bytes during silence (`usedtx=1`).
    public var dtx: Bool
    /// The packet loss the FEC is tuned for, in percent (0-100).
    public var expectedLossPercent: Int32
    /// 0 (fastest) to 10 (best).
    public var complexity: Int32

    public init(
        sampleRate: Int32 = 48_000, channels: Int32 = 1, application: Application = .voip, bitrate: Int32? = nil,
        inbandFEC: Bool = true, dtx: Bool = false, expectedLossPercent: Int32 = 10, complexity: Int32 = 5
    ) {
        self.sampleRate = sampleRate
        self.channels = channels
        self.application = application
        self.bitrate = bitrate
        self.inbandFEC = inbandFEC
        self.dtx = dtx
        self.expectedLossPercent = expectedLossPercent
        self.complexity = complexity
    }

    /// Checks the values libopus would refuse, naming the field.
    func validate() throws(OpusError) {
        guard Self.sampleRates.contains(sampleRate) else {
            throw OpusError(code: nil, "sampleRate \(sampleRate) is not one of 8000, 12000, 16000, 24000, 48000")
        }
        guard channels == 1 || channels == 2 else { throw OpusError(code: nil, "channels must be 1 or 2, not \(channels)") }
        if let bitrate, !(500...512_000).contains(bitrate) {
            throw OpusError(code: nil, "bitrate \(bitrate) is outside 500...512000 bit/s")
        }
        guard (0...100).contains(expectedLossPercent) else {
            throw OpusError(code: nil, "expectedLossPercent \(expectedLossPercent) is outside 0...100")
        }
        guard (0...10).contains(complexity) else { throw OpusError(code: nil, "complexity \(complexity) is outside 0...10") }
    }

    /// The samples per channel of a frame of `milliseconds` (2.5 ms as 25 tenths).
    public func samplesPerChannel(tenthsOfMillisecond: Int32) -> Int32 {
        sampleRate / 10_000 * tenthsOfMillisecond
    }
}
