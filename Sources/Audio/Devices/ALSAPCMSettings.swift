/// What an ALSA device is asked for, and (as ``ALSACaptureDevice/negotiated`` /
/// ``ALSAPlaybackDevice/negotiated``) what ALSA chose.
///
/// Access is always read/write interleaved and samples signed 16-bit native-endian. The rate is
/// exact: when ALSA can only offer another rate the open fails with an error naming it. Period
/// and buffer sizes are requests (`snd_pcm_hw_params_set_*_near`): read the negotiated values.
public struct ALSAPCMSettings: Sendable, Hashable, CustomStringConvertible {
    /// Rate and channels.
    public var format: AudioFormat
    /// Frames per period: how many the card moves per interrupt, and what `read` / `write`
    /// are normally called with.
    public var periodFrames: Int
    /// Frames in the ring buffer (the most that can be queued for playback, or captured
    /// before an overrun).
    public var bufferFrames: Int
    /// Frames queued before the stream starts by itself (`snd_pcm_sw_params_set_start_threshold`).
    /// `nil` asks for the default: 1 for capture (start on the first read), two periods (at
    /// most the buffer) for playback. Always set in the negotiated settings.
    public var startThresholdFrames: Int?
    /// Frames that must be available before a blocked `read` / `write` wakes
    /// (`snd_pcm_sw_params_set_avail_min`).
    public var availMinFrames: Int
    /// Lets a `plug` PCM (`plughw:`, `default`) convert the rate in software when the card
    /// cannot run at ``format``'s rate (`snd_pcm_hw_params_set_rate_resample`). When false, a
    /// rate the hardware does not have fails the open.
    public var allowsResampling: Bool

    /// A request with the usual low-latency shape: a buffer of four periods, playback starting
    /// once two periods are queued, capture starting on the first `read`, and a wake-up per
    /// period.
    public init(
        format: AudioFormat,
        periodFrames: Int,
        bufferFrames: Int? = nil,
        startThresholdFrames: Int? = nil,
        availMinFrames: Int? = nil,
        allowsResampling: Bool = true
    ) {
        self.format = format
        self.periodFrames = periodFrames
        self.bufferFrames = bufferFrames ?? periodFrames * 4
        self.startThresholdFrames = startThresholdFrames
        self.availMinFrames = availMinFrames ?? periodFrames
        self.allowsResampling = allowsResampling
    }

    /// The start threshold to give ALSA once the buffer and period sizes are known.
    func startThreshold(capture: Bool, bufferFrames: Int, periodFrames: Int) -> Int {
        if let startThresholdFrames { return startThresholdFrames }
        return capture ? 1 : min(bufferFrames, 2 * periodFrames)
    }

    public var description: String {
        "\(format), period \(periodFrames), buffer \(bufferFrames), start \(startThresholdFrames.map(String.init) ?? "default"), avail_min \(availMinFrames)"
    }
}
