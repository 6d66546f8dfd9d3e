import CSpeexDSP

/// The speexdsp baseline ``CaptureProcessor`` is measured against: `speex_echo` (10 ms frames,
/// 4096 taps) followed by `speex_preprocess` with the echo state linked (residual echo
/// suppression) and denoising on. Same init and process shape as ``CaptureProcessor``.
///
/// Noncopyable: it owns the two speexdsp states and a frame of scratch, allocated at init.
/// - warning: Not thread-safe; one thread processes one stream.
public struct SpeexCaptureProcessor: ~Copyable {
    /// The settings it was made with (`maximumEchoPathMilliseconds` is not used: 4096 taps).
    public let configuration: CaptureProcessorConfiguration
    /// Samples per ``process(far:mic:out:)`` call: 10 ms.
    public let frameSamples: Int
    /// Echo-canceller taps (filter length).
    public static let filterTaps: Int32 = 4_096
    private let echoState: OpaquePointer
    private let preprocessState: OpaquePointer
    private let scratch: UnsafeMutablePointer<Int16>

    /// - Throws: ``CaptureProcessorError`` for a configuration key out of range or a speexdsp
    ///   state that could not be made.
    public init(_ configuration: CaptureProcessorConfiguration) throws(CaptureProcessorError) {
        try configuration.validate()
        let frame = configuration.frameSamples
        guard let echo = speex_echo_state_init(Int32(frame), Self.filterTaps) else {
            throw CaptureProcessorError(key: "audio.capture", reason: "speex_echo_state_init failed")
        }
        guard let preprocess = speex_preprocess_state_init(Int32(frame), Int32(configuration.sampleRate)) else {
            speex_echo_state_destroy(echo)
            throw CaptureProcessorError(key: "audio.capture", reason: "speex_preprocess_state_init failed")
        }
        var rate = Int32(configuration.sampleRate)
        speex_echo_ctl(echo, SPEEX_ECHO_SET_SAMPLING_RATE, &rate)
        var denoise: Int32 = configuration.noiseSuppression ? 1 : 0
        speex_preprocess_ctl(preprocess, SPEEX_PREPROCESS_SET_DENOISE, &denoise)
        if configuration.echoCancellation {
            speex_preprocess_ctl(preprocess, SPEEX_PREPROCESS_SET_ECHO_STATE, UnsafeMutableRawPointer(echo))
        }
        self.configuration = configuration
        frameSamples = frame
        echoState = echo
        preprocessState = preprocess
        scratch = .allocate(capacity: frame)
        scratch.initialize(repeating: 0, count: frame)
    }

    deinit {
        speex_preprocess_state_destroy(preprocessState)
        speex_echo_state_destroy(echoState)
        scratch.deallocate()
    }

    /// Processes one frame (see ``CaptureProcessor/process(far:mic:out:)``); each buffer must
    /// hold ``frameSamples``, or the frame is passed through as silence.
    public mutating func process(
        far: UnsafeBufferPointer<Int16>, mic: UnsafeBufferPointer<Int16>, out: UnsafeMutableBufferPointer<Int16>
    ) {
        guard far.count >= frameSamples, mic.count >= frameSamples, out.count >= frameSamples,
            let farBase = far.baseAddress, let micBase = mic.baseAddress, let outBase = out.baseAddress
        else {
            for i in 0..<out.count { out[i] = 0 }
            return
        }
        if configuration.echoCancellation {
            speex_echo_cancellation(echoState, micBase, farBase, scratch)
        } else {
            scratch.update(from: micBase, count: frameSamples)
        }
        _ = speex_preprocess_run(preprocessState, scratch)
        outBase.update(from: scratch, count: frameSamples)
    }

    /// Forgets the echo path and the preprocessor's state.
    public mutating func reset() {
        speex_echo_state_reset(echoState)
    }
}
