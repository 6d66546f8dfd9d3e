/// The settings of a ``CaptureProcessor``: the capture-side processing of a door phone (echo
/// cancellation, then residual-echo and noise suppression) for one mono 16-bit stream.
///
/// Keys are named `audio.capture.<property>` in errors (``CaptureProcessorError``). The
/// defaults suit a loudspeaker a few centimetres from the microphone, outdoors.
public struct CaptureProcessorConfiguration: Sendable, Hashable {
    /// Samples per second of both the far-end reference and the microphone [Hz]: 8000, 16000,
    /// 32000 or 48000. Anything else is refused.
    public var sampleRate: Int
    /// Whether the adaptive echo canceller and the residual-echo suppressor run.
    public var echoCancellation: Bool
    /// Whether the stationary noise of the capture is suppressed.
    public var noiseSuppression: Bool
    /// How much of the echo path the adaptive filter covers [ms]: any bulk delay left after the
    /// caller's alignment plus the reverberation tail. 40 to 2000.
    public var maximumEchoPathMilliseconds: Int

    /// The sample rates ``CaptureProcessor`` accepts [Hz].
    public static let supportedSampleRates: [Int] = [8_000, 16_000, 32_000, 48_000]
    /// The accepted range of ``maximumEchoPathMilliseconds`` [ms].
    public static let echoPathMillisecondsRange: ClosedRange<Int> = 40...2_000

    /// - Parameters:
    ///   - sampleRate: [Hz], 16000 unless told otherwise.
    ///   - echoCancellation: on by default.
    ///   - noiseSuppression: on by default.
    ///   - maximumEchoPathMilliseconds: 500 ms by default: a 200 ms bulk delay and a 300 ms
    ///     tail (which holds all but -45 dB of a 400 ms RT60 room's echo).
    public init(
        sampleRate: Int = 16_000,
        echoCancellation: Bool = true,
        noiseSuppression: Bool = true,
        maximumEchoPathMilliseconds: Int = 500
    ) {
        self.sampleRate = sampleRate
        self.echoCancellation = echoCancellation
        self.noiseSuppression = noiseSuppression
        self.maximumEchoPathMilliseconds = maximumEchoPathMilliseconds
    }

    /// Throws the first setting that is out of range.
    func validate() throws(CaptureProcessorError) {
        guard Self.supportedSampleRates.contains(sampleRate) else {
            throw CaptureProcessorError(
                key: "audio.capture.sampleRate",
                reason: "\(sampleRate) Hz is not supported (8000, 16000, 32000 or 48000)")
        }
        guard Self.echoPathMillisecondsRange.contains(maximumEchoPathMilliseconds) else {
            throw CaptureProcessorError(
                key: "audio.capture.maximumEchoPathMilliseconds",
                reason: "\(maximumEchoPathMilliseconds) ms is outside \(Self.echoPathMillisecondsRange.lowerBound)...\(Self.echoPathMillisecondsRange.upperBound)")
        }
    }

    /// Samples per ``CaptureProcessor/process(far:mic:out:)`` call: 10 ms.
    var frameSamples: Int { sampleRate / 100 }

    /// Samples per internal block (a power of two near 8 ms; the FFT is twice as long).
    var blockSamples: Int {
        switch sampleRate {
        case 8_000: return 64
        case 16_000: return 128
        default: return 256
        }
    }
}
