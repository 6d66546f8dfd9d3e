/// What ``JitterBufferProducer/put(sequenceNumber:timestamp:arrivalMicroseconds:marker:payload:)``
/// did with a packet.
///
/// Only ``stored`` keeps the packet; every other case drops it and counts it in
/// ``JitterProducerStatistics``. None of them is an error the caller must act on: a network
/// thread just goes on reading.
public enum JitterPutResult: Sendable, Hashable {
    /// The packet is in its slot and will be played when its time comes.
    case stored
    /// A packet with this sequence number was already received (RFC 3550 allows the network to
    /// duplicate packets).
    case duplicate
    /// The packet's frame has already been played or concealed.
    case late
    /// Its slot still holds an unplayed packet: the packet is more than
    /// ``JitterBufferConfiguration/capacityFrames`` sequence numbers ahead of playout.
    case overflow
    /// The payload is longer than ``JitterBufferConfiguration/maximumPayloadBytes``.
    case payloadTooLarge
}
