/// An RTP jitter buffer between a network thread and an audio thread: lock-free,
/// single-producer/single-consumer, with every byte allocated up front.
///
/// Make one per received stream (SSRC), then move ``producer`` to the network thread and
/// ``consumer`` to the audio thread:
///
/// ```swift
/// let buffer = try JitterBuffer(JitterBufferConfiguration(clockRate: 8000, samplesPerFrame: 160))
/// var producer = buffer.producer   // network thread: producer.put(sequenceNumber:...)
/// var consumer = buffer.consumer   // audio thread, every 20 ms: consumer.get(nowMicroseconds:payload:)
/// ```
///
/// The two halves share fixed memory (``JitterBufferConfiguration/capacityFrames`` slots with
/// their payload space, see `JitterBufferStorage`) and a few atomics from swift-atomics; after
/// `init`, neither `put` nor `get` takes a lock or allocates. The playout delay adapts to the
/// measured jitter: the producer's estimator picks the delay that maximises the E-model rating
/// R over the last two seconds (``CallQuality``), and the consumer moves toward it at the
/// moments that cost least: it grows by concealing, shrinks for free across silence and
/// missing frames, and drops single packets only when a shorter delay has sufficed for as long
/// as a lost packet is worth (see ``JitterBufferConsumer``).
///
/// Both halves are non-copyable, so a buffer has exactly one of each. Taking them out of the
/// buffer consumes it (`let producer = buffer.producer`); the type is `@frozen` so that other
/// modules may take the two halves apart that way.
@frozen
public struct JitterBuffer: ~Copyable, Sendable {
    /// The network thread's half: puts packets.
    public var producer: JitterBufferProducer
    /// The audio thread's half: gets one frame per tick.
    public var consumer: JitterBufferConsumer

    /// Allocates a buffer for `configuration`.
    ///
    /// - Throws: ``JitterBufferConfigurationError`` when a field is out of range.
    public init(_ configuration: JitterBufferConfiguration) throws(JitterBufferConfigurationError) {
        try configuration.validate()
        let storage = JitterBufferStorage(configuration: configuration)
        producer = JitterBufferProducer(storage: storage, configuration: configuration)
        consumer = JitterBufferConsumer(storage: storage, configuration: configuration)
    }
}
