import CALSA
import Glibc
import Synchronization

/// One open ALSA PCM, configured: what ``ALSACaptureDevice`` and ``ALSAPlaybackDevice`` share.
/// Every ALSA call goes through here and every failure becomes an ``AudioDeviceError`` with
/// ALSA's code and `snd_strerror` text.
///
/// Opening allocates (parameter containers, the error strings); `transfer` and `delayFrames`
/// do not, except to build the error they throw.
///
/// - warning: Used from one thread after `open` (the audio thread); `close` must not run while
///   that thread is inside `transfer`.
final class ALSAPCM: @unchecked Sendable {
    /// The PCM name as given (`plughw:1,0`, `default`, a name from an ``ALSAConfiguration``).
    let name: String
    let capture: Bool
    /// What ALSA chose.
    let negotiated: ALSAPCMSettings
    /// Overruns, underruns and resumes from suspend recovered with `snd_pcm_recover`.
    let recoveries = Atomic<Int>(0)
    /// The handle; nil once closed.
    private var handle: OpaquePointer?
    private let channels: Int

    #if DEBUG
    /// Tests only (debug builds): the next `injectedFailures` ALSA transfers are replaced by
    /// `injectedError`, so that the recovery path runs on plugins that never xrun (null, file).
    var injectedError: Int32 = 0
    var injectedFailures = 0
    /// Transfers that go to ALSA before the injected failures start (a device that works, then
    /// vanishes). Set these before another thread uses the device.
    var injectedAfter = 0
    #endif

    /// Consecutive recoveries one `transfer` tolerates before it gives up on the device.
    private static let recoveryLimit = 8

    /// Opens and configures `name`, in `configuration` when given, else in ALSA's global
    /// configuration (`~/.asoundrc`, `ALSA_CONFIG_PATH`...).
    init(
        name: String, capture: Bool, settings: ALSAPCMSettings, configuration: ALSAConfiguration?
    ) throws(AudioDeviceError) {
        self.name = name
        self.capture = capture
        try Self.validate(settings, name: name)
        let stream = capture ? SND_PCM_STREAM_CAPTURE : SND_PCM_STREAM_PLAYBACK
        var opened: OpaquePointer?
        let result: Int32
        if let configuration {
            result = configuration.openPCM(&opened, name: name, stream: stream)
        } else {
            result = name.withCString { snd_pcm_open(&opened, $0, stream, 0) }
        }
        guard result >= 0, let pcm = opened else {
            throw Self.error(result, name, "open \(capture ? "capture" : "playback")")
        }
        do {
            self.negotiated = try Self.configure(pcm, name: name, capture: capture, settings: settings)
        } catch {
            snd_pcm_close(pcm)
            throw error
        }
        self.handle = pcm
        self.channels = settings.format.channels
    }

    deinit {
        if let handle { snd_pcm_close(handle) }
    }

    /// Reads (capture) or writes (playback) every whole frame of `samples`, retrying short
    /// transfers and recovering from xruns and suspends.
    ///
    /// - Returns: the frames moved (`samples.count / channels`).
    func transfer(_ samples: UnsafeMutableBufferPointer<Int16>) throws(AudioDeviceError) -> Int {
        guard let pcm = handle else { throw closedError() }
        let frames = samples.count / channels
        guard frames > 0, let base = samples.baseAddress else { return 0 }
        var done = 0
        var recovered = 0
        while done < frames {
            let pointer = base + done * channels
            let wanted = snd_pcm_uframes_t(frames - done)
            let moved: snd_pcm_sframes_t
            #if DEBUG
            if injectedFailures > 0 && injectedAfter == 0 {
                injectedFailures -= 1
                moved = snd_pcm_sframes_t(injectedError)
            } else {
                if injectedAfter > 0 { injectedAfter -= 1 }
                moved = capture ? snd_pcm_readi(pcm, pointer, wanted) : snd_pcm_writei(pcm, pointer, wanted)
            }
            #else
            moved = capture ? snd_pcm_readi(pcm, pointer, wanted) : snd_pcm_writei(pcm, pointer, wanted)
            #endif
            if moved > 0 {
                done += moved
                recovered = 0
                continue
            }
            if moved == 0 {
                // Blocking mode should not return 0; wait for room rather than spin.
                _ = snd_pcm_wait(pcm, 100)
                continue
            }
            let code = Int32(truncatingIfNeeded: moved)
            try recover(pcm, code, &recovered)
        }
        return frames
    }

    /// `snd_pcm_recover` for an overrun/underrun (-EPIPE), a suspend (-ESTRPIPE) or a signal
    /// (-EINTR); anything else, or too many in a row, throws.
    private func recover(_ pcm: OpaquePointer, _ code: Int32, _ recovered: inout Int) throws(AudioDeviceError) {
        guard code == -EPIPE || code == -ESTRPIPE || code == -EINTR else {
            throw Self.error(code, name, capture ? "read" : "write")
        }
        recovered += 1
        guard recovered <= Self.recoveryLimit else {
            throw Self.error(code, name, capture ? "read (recovery keeps failing)" : "write (recovery keeps failing)")
        }
        let result = snd_pcm_recover(pcm, code, 1)
        guard result >= 0 else { throw Self.error(result, name, "recover") }
        if code != -EINTR { recoveries.add(1, ordering: .relaxed) }
    }

    /// `snd_pcm_delay`, 0 on error or when closed.
    func delayFrames() -> Int {
        guard let pcm = handle else { return 0 }
        var delay: snd_pcm_sframes_t = 0
        guard snd_pcm_delay(pcm, &delay) >= 0 else { return 0 }
        return max(0, delay)
    }

    /// Drains (playback, so what was written is heard) or drops (capture), then closes.
    /// Idempotent.
    func close() {
        guard let pcm = handle else { return }
        handle = nil
        if capture { snd_pcm_drop(pcm) } else { snd_pcm_drain(pcm) }
        snd_pcm_close(pcm)
    }

    @inline(never)
    private func closedError() -> AudioDeviceError {
        AudioDeviceError(device: name, operation: capture ? "read" : "write", code: -EBADF, reason: "the device is closed")
    }

    @inline(never)
    static func error(_ code: Int32, _ name: String, _ operation: String) -> AudioDeviceError {
        AudioDeviceError(device: name, operation: operation, code: code, reason: String(cString: snd_strerror(code)))
    }

    private static func check(_ code: Int32, _ name: String, _ operation: String) throws(AudioDeviceError) {
        if code < 0 { throw error(code, name, operation) }
    }

    private static func validate(_ settings: ALSAPCMSettings, name: String) throws(AudioDeviceError) {
        func refuse(_ reason: String) -> AudioDeviceError {
            AudioDeviceError(device: name, operation: "check settings", reason: reason)
        }
        guard (1...32).contains(settings.format.channels) else { throw refuse("\(settings.format.channels) channels") }
        guard (1_000...768_000).contains(settings.format.sampleRate) else { throw refuse("rate \(settings.format.sampleRate) Hz") }
        guard settings.periodFrames > 0 else { throw refuse("period of \(settings.periodFrames) frames") }
        guard settings.bufferFrames >= settings.periodFrames else {
            throw refuse("buffer of \(settings.bufferFrames) frames is smaller than the period of \(settings.periodFrames)")
        }
        guard settings.availMinFrames > 0 else { throw refuse("avail_min of \(settings.availMinFrames) frames") }
        if let start = settings.startThresholdFrames, start < 0 { throw refuse("start threshold of \(start) frames") }
    }

    /// hw params (access, format, channels, exact rate, period, buffer), then sw params.
    private static func configure(
        _ pcm: OpaquePointer, name: String, capture: Bool, settings: ALSAPCMSettings
    ) throws(AudioDeviceError) -> ALSAPCMSettings {
        var hwOut: OpaquePointer?
        try check(snd_pcm_hw_params_malloc(&hwOut), name, "allocate hw params")
        guard let hw = hwOut else { throw AudioDeviceError(device: name, operation: "allocate hw params", reason: "no memory") }
        defer { snd_pcm_hw_params_free(hw) }
        try check(snd_pcm_hw_params_any(pcm, hw), name, "read hw params")
        try check(snd_pcm_hw_params_set_rate_resample(pcm, hw, settings.allowsResampling ? 1 : 0), name, "set rate resampling")
        try check(snd_pcm_hw_params_set_access(pcm, hw, SND_PCM_ACCESS_RW_INTERLEAVED), name, "set interleaved access")
        try check(snd_pcm_hw_params_set_format(pcm, hw, SND_PCM_FORMAT_S16), name, "set format S16")

        let channels = UInt32(settings.format.channels)
        let channelResult = snd_pcm_hw_params_set_channels(pcm, hw, channels)
        if channelResult < 0 {
            var low: UInt32 = 0
            var high: UInt32 = 0
            snd_pcm_hw_params_get_channels_min(hw, &low)
            snd_pcm_hw_params_get_channels_max(hw, &high)
            throw AudioDeviceError(
                device: name, operation: "set channels", code: channelResult,
                reason: "\(channels) channels not available; the device offers \(low)...\(high)")
        }

        let wantedRate = UInt32(settings.format.sampleRate)
        var rate = wantedRate
        var direction: Int32 = 0
        let rateResult = snd_pcm_hw_params_set_rate_near(pcm, hw, &rate, &direction)
        if rateResult < 0 || rate != wantedRate || direction != 0 {
            throw AudioDeviceError(
                device: name, operation: "set rate", code: rateResult < 0 ? rateResult : nil,
                reason: "\(wantedRate) Hz not available; ALSA offered \(rate) Hz"
                    + (settings.allowsResampling ? "" : " (resampling not allowed)"))
        }

        var period = snd_pcm_uframes_t(settings.periodFrames)
        direction = 0
        try check(snd_pcm_hw_params_set_period_size_near(pcm, hw, &period, &direction), name, "set period of \(settings.periodFrames) frames")
        var buffer = snd_pcm_uframes_t(settings.bufferFrames)
        try check(snd_pcm_hw_params_set_buffer_size_near(pcm, hw, &buffer), name, "set buffer of \(settings.bufferFrames) frames")
        try check(snd_pcm_hw_params(pcm, hw), name, "apply hw params")
        direction = 0
        try check(snd_pcm_hw_params_get_period_size(hw, &period, &direction), name, "read the period size")
        try check(snd_pcm_hw_params_get_buffer_size(hw, &buffer), name, "read the buffer size")

        var swOut: OpaquePointer?
        try check(snd_pcm_sw_params_malloc(&swOut), name, "allocate sw params")
        guard let sw = swOut else { throw AudioDeviceError(device: name, operation: "allocate sw params", reason: "no memory") }
        defer { snd_pcm_sw_params_free(sw) }
        try check(snd_pcm_sw_params_current(pcm, sw), name, "read sw params")
        let start = settings.startThreshold(capture: capture, bufferFrames: Int(buffer), periodFrames: Int(period))
        try check(snd_pcm_sw_params_set_start_threshold(pcm, sw, snd_pcm_uframes_t(start)), name, "set start threshold of \(start) frames")
        try check(snd_pcm_sw_params_set_avail_min(pcm, sw, snd_pcm_uframes_t(settings.availMinFrames)), name, "set avail_min of \(settings.availMinFrames) frames")
        try check(snd_pcm_sw_params(pcm, sw), name, "apply sw params")
        var startChosen: snd_pcm_uframes_t = 0
        var availChosen: snd_pcm_uframes_t = 0
        try check(snd_pcm_sw_params_get_start_threshold(sw, &startChosen), name, "read the start threshold")
        try check(snd_pcm_sw_params_get_avail_min(sw, &availChosen), name, "read avail_min")
        try check(snd_pcm_prepare(pcm), name, "prepare")

        return ALSAPCMSettings(
            format: settings.format, periodFrames: Int(period), bufferFrames: Int(buffer),
            startThresholdFrames: Int(startChosen), availMinFrames: Int(availChosen),
            allowsResampling: settings.allowsResampling)
    }
}
