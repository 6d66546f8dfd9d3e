/// How an ``AudioEngine`` runs: the devices' format and period, the codec of the call (none
/// for local sound only), the capture processing, the sounds it may play and the thread's
/// priority.
public struct AudioEngineConfiguration: Sendable {
    /// The rate and channels both devices run at. Rates 8, 16, 32 and 48 kHz; 1 or 2
    /// channels (capture is mixed to mono, playback duplicated).
    public var deviceFormat: AudioFormat
    /// One cycle of the audio thread [ms]: capture, process, encode, decode, play. 10 or 20;
    /// with a codec it is also the RTP packet time.
    public var periodMilliseconds: Int
    /// The call's codec; nil runs the devices for local sounds only.
    public var codec: AudioEngineCodec?
    /// Echo cancellation and noise suppression, at the processing rate (16 kHz).
    public var capture: CaptureProcessorConfiguration
    /// Periods of silence written before the first cycle, so that a late cycle does not
    /// underrun playback (the echo path grows by as much).
    public var playbackPrimingPeriods: Int
    /// SCHED_FIFO priority to ask for (1-99); nil keeps the default scheduling. Refused
    /// (no CAP_SYS_NICE / rtprio limit) means a warning in ``AudioEngine/realtimeStatus``.
    public var realtimePriority: Int32?
    /// Encoded frames waiting for the network side before new ones are dropped.
    public var outboundCapacityFrames: Int
    /// Local sounds (ring, beep, ringback, announcements): ``AudioEngine/play(_:to:)`` takes
    /// an index into this list.
    public var sounds: [SoundClip]
    /// Jitter buffer slots for the received stream.
    public var jitterCapacityFrames: Int

    /// The rate the echo canceller, the tones and the Opus codec run at [Hz].
    public static let processingRate = 16_000

    public init(
        deviceFormat: AudioFormat = AudioFormat(sampleRate: 16_000, channels: 1),
        periodMilliseconds: Int = 20,
        codec: AudioEngineCodec? = nil,
        capture: CaptureProcessorConfiguration = CaptureProcessorConfiguration(),
        playbackPrimingPeriods: Int = 2,
        realtimePriority: Int32? = 50,
        outboundCapacityFrames: Int = 32,
        sounds: [SoundClip] = [],
        jitterCapacityFrames: Int = 128
    ) {
        self.deviceFormat = deviceFormat
        self.periodMilliseconds = periodMilliseconds
        self.codec = codec
        self.capture = capture
        self.playbackPrimingPeriods = playbackPrimingPeriods
        self.realtimePriority = realtimePriority
        self.outboundCapacityFrames = outboundCapacityFrames
        self.sounds = sounds
        self.jitterCapacityFrames = jitterCapacityFrames
    }

    /// Checks every field; the error names the field and why.
    public func validate() throws(AudioEngineError) {
        guard [8_000, 16_000, 32_000, 48_000].contains(deviceFormat.sampleRate) else {
            throw AudioEngineError(key: "deviceFormat.sampleRate", "\(deviceFormat.sampleRate) Hz; use 8000, 16000, 32000 or 48000")
        }
        guard (1...2).contains(deviceFormat.channels) else {
            throw AudioEngineError(key: "deviceFormat.channels", "\(deviceFormat.channels); use 1 or 2")
        }
        guard periodMilliseconds == 10 || periodMilliseconds == 20 else {
            throw AudioEngineError(key: "periodMilliseconds", "\(periodMilliseconds) ms; use 10 or 20")
        }
        guard capture.sampleRate == Self.processingRate else {
            throw AudioEngineError(key: "capture.sampleRate", "\(capture.sampleRate) Hz; the engine processes at \(Self.processingRate)")
        }
        guard (0...10).contains(playbackPrimingPeriods) else {
            throw AudioEngineError(key: "playbackPrimingPeriods", "\(playbackPrimingPeriods); use 0 to 10")
        }
        if let priority = realtimePriority, !(1...99).contains(priority) {
            throw AudioEngineError(key: "realtimePriority", "\(priority); use 1 to 99")
        }
        guard (2...1_024).contains(outboundCapacityFrames) else {
            throw AudioEngineError(key: "outboundCapacityFrames", "\(outboundCapacityFrames); use 2 to 1024")
        }
        if case .opus(let opus) = codec {
            guard opus.sampleRate == Int32(Self.processingRate), opus.channels == 1 else {
                throw AudioEngineError(key: "codec.opus", "encoder at \(opus.sampleRate) Hz, \(opus.channels) ch; the engine encodes mono at \(Self.processingRate) Hz")
            }
        }
        for (index, sound) in sounds.enumerated() where sound.sampleRate != Self.processingRate {
            throw AudioEngineError(key: "sounds[\(index)].sampleRate", "\(sound.sampleRate) Hz; render sounds at \(Self.processingRate)")
        }
    }
}
