/// Tells an echo path that changed (the loudspeaker or the microphone moved, the housing was
/// opened) from double talk, for ``AdaptiveEchoFilter``.
///
/// Both look alike to the double-talk tests: the foreground's error far above its residual
/// estimate, the microphone unexplained by it. The foreground stays frozen in double talk,
/// but the background keeps adapting, and only an echo can be learnt from the far end: a
/// talker stays in the background's error as in the foreground's. So when, in double talk,
/// the background's error stays at most a quarter of the foreground's and cancels on its own
/// (below ``AdaptiveEchoFilter/copyRatio`` of the microphone, as for an ordinary copy) for
/// ``leadBlocks`` blocks in a row, the path changed.
struct PathChangeWatch {
    /// Energies smoothed over a few blocks.
    private(set) var backgroundError: Float = 0
    private var foregroundError: Float = 0
    private var microphone: Float = 0
    private var leads = 0

    /// The background's error over the foreground's below which it leads.
    static let leadRatio: Float = 0.25
    /// Blocks in a row the background must lead (about 100 ms at 8 ms blocks).
    static let leadBlocks = 12

    /// Feeds one double-talk block's energies; returns whether the path changed.
    mutating func background(_ background: Float, beats foreground: Float, microphone mic: Float, floor: Float) -> Bool {
        backgroundError = 0.7 * backgroundError + 0.3 * background
        foregroundError = 0.7 * foregroundError + 0.3 * foreground
        microphone = 0.7 * microphone + 0.3 * mic
        if backgroundError < Self.leadRatio * foregroundError && backgroundError < AdaptiveEchoFilter.copyRatio * microphone + 2 * floor {
            leads += 1
        } else {
            leads = 0
        }
        return leads >= Self.leadBlocks
    }
}
