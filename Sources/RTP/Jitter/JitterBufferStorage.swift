import Atomics

/// The memory a ``JitterBufferProducer`` and its ``JitterBufferConsumer`` share: the packet
/// slots and a few published values, all allocated once by ``init(configuration:)``.
///
/// ```
/// slot i (i = extended sequence number & (capacity - 1)):
///   state[i]    atomic Int64: 0 = free (the producer may write the slot),
///               s > 0 = holds extended sequence number s (the consumer owns it)
///   headers[i]  timestamp, arrival, length, marker
///   payload     maximumPayloadBytes, at payloads + i * payloadStride
/// published values (one cache line per writer):
///   producer:   targetOffset, shrinkFloorOffset, highestSequence, epoch, epochStartSequence
///   consumer:   nextSequence, anchorBits, anchorEpoch
/// ```
///
/// A slot changes hands only through its state: the producer fills a free slot and then
/// stores the sequence number with release ordering; the consumer loads it with acquire
/// ordering, reads the slot, and stores 0 with release ordering. So the two threads never
/// access the same slot at the same time, and no lock is needed.
///
/// - warning: `@unchecked Sendable` because it hands out raw memory; only the producer and
///   consumer types use it, each within the protocol above.
final class JitterBufferStorage: @unchecked Sendable {
    /// The number of slots, a power of two.
    let capacity: Int
    /// `capacity - 1`, to turn a sequence number into a slot index.
    let mask: Int64
    /// The bytes between two slots' payloads (the payload limit rounded up to a cache line).
    let payloadStride: Int
    /// The payload limit [bytes].
    let maximumPayloadBytes: Int

    private let stateMemory: UnsafeMutablePointer<Int64.AtomicRepresentation>
    private let published: UnsafeMutablePointer<Int64.AtomicRepresentation>
    let headers: UnsafeMutablePointer<JitterSlotHeader>
    let payloads: UnsafeMutableRawPointer

    /// Indices into the published values, writer by writer, 8 words (64 bytes) apart.
    private enum Published {
        static let targetOffset = 0
        static let highestSequence = 1
        static let epoch = 2
        static let epochStartSequence = 3
        static let shrinkFloorOffset = 4
        static let nextSequence = 8
        static let anchorBits = 9
        static let anchorEpoch = 10
        static let count = 16
    }

    /// Allocates and clears all the memory for a buffer of this configuration.
    init(configuration: JitterBufferConfiguration) {
        capacity = configuration.capacityFrames
        mask = Int64(configuration.capacityFrames - 1)
        maximumPayloadBytes = configuration.maximumPayloadBytes
        payloadStride = (configuration.maximumPayloadBytes + 63) & ~63
        stateMemory = Self.allocateAtomics(count: capacity)
        published = Self.allocateAtomics(count: Published.count)
        headers = UnsafeMutablePointer<JitterSlotHeader>.allocate(capacity: capacity)
        headers.initialize(repeating: JitterSlotHeader(), count: capacity)
        payloads = UnsafeMutableRawPointer.allocate(byteCount: payloadStride * capacity, alignment: 64)
        payloads.initializeMemory(as: UInt8.self, repeating: 0, count: payloadStride * capacity)
    }

    deinit {
        stateMemory.deinitialize(count: capacity)
        UnsafeMutableRawPointer(stateMemory).deallocate()
        published.deinitialize(count: Published.count)
        UnsafeMutableRawPointer(published).deallocate()
        headers.deinitialize(count: capacity)
        headers.deallocate()
        payloads.deallocate()
    }

    private static func allocateAtomics(count: Int) -> UnsafeMutablePointer<Int64.AtomicRepresentation> {
        let raw = UnsafeMutableRawPointer.allocate(
            byteCount: count * MemoryLayout<Int64.AtomicRepresentation>.stride, alignment: 64)
        let pointer = raw.bindMemory(to: Int64.AtomicRepresentation.self, capacity: count)
        pointer.initialize(repeating: Int64.AtomicRepresentation(0), count: count)
        return pointer
    }

    /// The slot index of extended sequence number `sequence`.
    @inline(__always)
    func index(of sequence: Int64) -> Int { Int(sequence & mask) }

    /// The state of slot `index`: 0 when free, else the sequence number it holds.
    @inline(__always)
    func state(_ index: Int) -> UnsafeAtomic<Int64> { UnsafeAtomic(at: stateMemory + index) }

    /// The payload bytes of slot `index`.
    @inline(__always)
    func payload(_ index: Int) -> UnsafeMutableRawPointer { payloads + index * payloadStride }

    /// Producer → consumer: the playout offset the estimator asks for [frames after the anchor].
    var targetOffset: UnsafeAtomic<Int64> { UnsafeAtomic(at: published + Published.targetOffset) }
    /// Producer → consumer: the lowest offset a packet may be dropped to reach [frames after
    /// the anchor].
    var shrinkFloorOffset: UnsafeAtomic<Int64> { UnsafeAtomic(at: published + Published.shrinkFloorOffset) }
    /// Producer → consumer: the highest extended sequence number received (0 before any).
    var highestSequence: UnsafeAtomic<Int64> { UnsafeAtomic(at: published + Published.highestSequence) }
    /// Producer → consumer: bumped when the stream restarts (see ``epochStartSequence``).
    var epoch: UnsafeAtomic<Int64> { UnsafeAtomic(at: published + Published.epoch) }
    /// Producer → consumer: the first extended sequence number of the current epoch.
    var epochStartSequence: UnsafeAtomic<Int64> { UnsafeAtomic(at: published + Published.epochStartSequence) }
    /// Consumer → producer: the lowest sequence number that can still be played.
    var nextSequence: UnsafeAtomic<Int64> { UnsafeAtomic(at: published + Published.nextSequence) }
    /// Consumer → producer: the anchor [µs, bit pattern of a `Double`].
    var anchorBits: UnsafeAtomic<Int64> { UnsafeAtomic(at: published + Published.anchorBits) }
    /// Consumer → producer: the epoch the anchor belongs to, plus one (0: none yet).
    var anchorEpoch: UnsafeAtomic<Int64> { UnsafeAtomic(at: published + Published.anchorEpoch) }
}
