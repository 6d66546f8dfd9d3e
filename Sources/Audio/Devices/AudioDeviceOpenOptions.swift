/// What ``AudioDeviceSpecification``'s factory needs besides the format and period: how file
/// and null devices keep time, where ALSA names are resolved, and how ALSA is asked.
public struct AudioDeviceOpenOptions: Sendable {
    /// Pacing of `wav`, `wav-loop` and `null` devices. ALSA devices are paced by the card.
    public var pacing: AudioDevicePacing
    /// Where `alsa:` names are resolved; nil for ALSA's global configuration.
    public var alsaConfiguration: ALSAConfiguration?
    /// The ALSA ring buffer in periods.
    public var alsaBufferPeriods: Int
    /// Whether a `plug` PCM may resample (``ALSAPCMSettings/allowsResampling``).
    public var alsaAllowsResampling: Bool
    /// How much a `wav:` playback device records, in seconds, before it drops frames.
    public var recordingCapacitySeconds: Double

    public init(
        pacing: AudioDevicePacing = .paced,
        alsaConfiguration: ALSAConfiguration? = nil,
        alsaBufferPeriods: Int = 4,
        alsaAllowsResampling: Bool = true,
        recordingCapacitySeconds: Double = 600
    ) {
        self.pacing = pacing
        self.alsaConfiguration = alsaConfiguration
        self.alsaBufferPeriods = alsaBufferPeriods
        self.alsaAllowsResampling = alsaAllowsResampling
        self.recordingCapacitySeconds = recordingCapacitySeconds
    }
}
