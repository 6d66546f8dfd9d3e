/// What a ``CaptureProcessor`` has seen and estimated so far, for logs and health checks.
/// Reading it is cheap; it is a snapshot, updated once per internal block.
public struct CaptureProcessorStatistics: Sendable, Hashable {
    /// Frames processed since init or the last reset.
    public var frames: Int = 0
    /// Where the echo's strongest part is, after the caller's alignment [ms]: the centre of the
    /// adaptive filter's most energetic partition; nil until the filter has converged.
    public var estimatedEchoDelayMilliseconds: Double?
    /// The echo path's bulk delay after the caller's alignment [ms]: where the echo starts, found
    /// from the far end's and the microphone's spectral envelopes (independently of the
    /// adaptive filter, which spans the path from there); nil until a delay stands out.
    public var estimatedBulkDelayMilliseconds: Double?
    /// The linear canceller's echo return loss enhancement, microphone over error power during
    /// far-end speech, smoothed [dB]; 0 until the far end has spoken.
    public var echoReturnLossEnhancementDecibels: Double = 0
    /// The residual echo the canceller believes is left, relative to its echo estimate [dB].
    public var residualEchoLeakageDecibels: Double = 0
    /// Internal blocks in which the near end talked over far-end echo (adaptation was held back).
    public var doubleTalkBlocks: Int = 0
    /// Whether the last block was double talk.
    public var doubleTalkActive: Bool = false
    /// Times the adaptive filter was found diverged or non-finite and restarted.
    public var filterRestarts: Int = 0
    /// Echo path changes followed in double talk (the background, which adapts through it,
    /// taken as the foreground because it explains the microphone far better).
    public var echoPathChanges: Int = 0
    /// Internal blocks whose microphone or reference was clipped (adaptation skipped).
    public var clippedBlocks: Int = 0

    public init() {}
}
