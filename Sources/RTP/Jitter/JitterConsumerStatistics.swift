/// Counters and the playout delay state kept by ``JitterBufferConsumer``.
///
/// Read them on the consumer's (audio) thread. Delays are offsets of the playout point from
/// the *anchor*, the relative transit time of the first packet played: they compare with each
/// other, not with the network's absolute one-way delay, which a receiver cannot know.
public struct JitterConsumerStatistics: Sendable, Hashable {
    /// Ticks answered with a frame.
    public var played = 0
    /// Ticks answered with ``JitterPlayout/conceal``.
    public var concealed = 0
    /// Ticks answered with ``JitterPlayout/silence``.
    public var silent = 0
    /// Packets found in the buffer after their frame had been concealed (or put just as
    /// playout passed them), and dropped.
    public var late = 0
    /// Packets dropped on purpose to shorten the delay (after the delay had been longer than
    /// needed for long enough to be worth a packet).
    public var droppedToShrink = 0
    /// Concealed frames inserted on purpose to lengthen the delay.
    public var insertedToGrow = 0
    /// Ticks the delay was shortened for free: missing frames or silence skipped.
    public var skippedToShrink = 0
    /// The current playout offset [frames after the anchor].
    public var offsetFrames = 0
    /// The offset the delay estimator currently asks for [frames after the anchor].
    public var targetOffsetFrames = 0

    /// All zero.
    public init() {}
}
