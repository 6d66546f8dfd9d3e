/// The sound devices and the audio engine as `GET /status` shows them.
public struct AudioStatus: Sendable, Codable, Hashable {
    /// The capture device string as configured (`alsa:default`, `wav:/path`, `null`).
    public var capture: String
    /// The playback device string as configured.
    public var playback: String
    /// The backend in use: `alsa`, `wav` or `null`.
    public var backend: String
    /// Why the backend is not what was asked for (no sound card: fell back to `null`); nil when fine.
    public var warning: String?
    /// Whether the audio thread got its real-time (SCHED_FIFO) priority.
    public var realtime: Bool
    public var engine: AudioEngineStatistics

    public init(
        capture: String,
        playback: String,
        backend: String,
        warning: String? = nil,
        realtime: Bool = false,
        engine: AudioEngineStatistics = AudioEngineStatistics()
    ) {
        self.capture = capture
        self.playback = playback
        self.backend = backend
        self.warning = warning
        self.realtime = realtime
        self.engine = engine
    }
}
