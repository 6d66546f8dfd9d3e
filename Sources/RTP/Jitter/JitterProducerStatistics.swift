/// Counters kept by ``JitterBufferProducer``, one per ``JitterPutResult`` plus resynchronisations.
///
/// Read them on the producer's thread (they are plain values, not atomics).
public struct JitterProducerStatistics: Sendable, Hashable {
    /// Packets stored.
    public var stored = 0
    /// Packets dropped as duplicates.
    public var duplicates = 0
    /// Packets dropped because their frame had already been played or concealed.
    public var late = 0
    /// Packets dropped because their slot was still taken.
    public var overflow = 0
    /// Packets dropped because their payload was too large.
    public var payloadTooLarge = 0
    /// Times the stream was restarted because the sequence number or timestamp jumped (a new
    /// sender, or a sender that restarted its counters).
    public var resynchronizations = 0

    /// All zero.
    public init() {}
}
