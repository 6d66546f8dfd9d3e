import Atomics
import NIOCore

/// The network thread's side of a ``JitterBuffer``: puts each received RTP packet into its slot.
///
/// Non-copyable, so there is exactly one producer per buffer. ``put(sequenceNumber:timestamp:arrivalMicroseconds:marker:payload:)``
/// takes no lock and allocates nothing: it copies the payload into the slot preallocated for
/// the packet's sequence number and publishes the slot to the consumer with one atomic store.
///
/// The producer also measures the network: every packet's arrival time goes into the
/// ``JitterDelayEstimator``, and the playout offset it chooses is published for the consumer.
///
/// Sequence numbers (16 bit) and timestamps (32 bit) are extended to 64 bits relative to the
/// highest sequence number received, so wrapping is invisible (RFC 3550 §A.1). A jump of more
/// than ``maximumDropout`` forward, a timestamp going back while the sequence number goes
/// forward, or ``staleRunLimit`` packets in a row more than ``maximumMisorder`` behind restart
/// the stream (a new epoch): the consumer then starts over from the new packets.
///
/// `@unchecked Sendable` because it owns raw memory (the duplicate filter, the estimator's
/// window) that only this non-copyable value refers to: sending it moves that memory along.
///
/// - warning: Call `put` from one thread at a time (the type cannot be copied, but a class
///   holding it could be shared).
public struct JitterBufferProducer: ~Copyable, @unchecked Sendable {
    /// Extended sequence numbers start here, so that they stay positive and 0 can mean "free".
    static let sequenceBase: Int64 = 1 << 20
    /// A jump forward of more sequence numbers than this restarts the stream (RFC 3550 §A.1's
    /// MAX_DROPOUT): a longer outage than that is a new stream.
    static let maximumDropout: Int64 = 3000
    /// A packet more than this many sequence numbers behind the highest is stale (RFC 3550
    /// §A.1's MAX_MISORDER).
    static let maximumMisorder: Int64 = 100
    /// Stale packets in a row before the stream is restarted at them (a sender that started
    /// over with lower sequence numbers).
    static let staleRunLimit = 4

    private let storage: JitterBufferStorage
    private let capacity: Int64
    private let microsecondsPerSample: Double
    private let inverseFrameMicroseconds: Double
    private var estimator: JitterDelayEstimator
    /// The extended sequence number last received in each slot, to spot duplicates
    /// (`capacity` elements, freed by `deinit`).
    private let received: UnsafeMutablePointer<Int64>
    private var hasFirstPacket = false
    private var highestSequence: Int64 = 0
    private var highestTimestamp: Int64 = 0
    private var epoch: Int64 = 0
    private var staleRun = 0
    private var anchorMicroseconds: Double?
    private var publishedTarget: Int64 = 0
    private var publishedShrinkFloor: Int64 = 0

    /// What happened to the packets put so far.
    public private(set) var statistics = JitterProducerStatistics()

    init(storage: JitterBufferStorage, configuration: JitterBufferConfiguration) {
        self.storage = storage
        capacity = Int64(configuration.capacityFrames)
        microsecondsPerSample = 1_000_000 / Double(configuration.clockRate)
        inverseFrameMicroseconds = 1 / configuration.frameMicroseconds
        estimator = JitterDelayEstimator(
            frameMicroseconds: configuration.frameMicroseconds, windowMs: configuration.statisticsWindowMs)
        received = UnsafeMutablePointer<Int64>.allocate(capacity: configuration.capacityFrames)
        received.initialize(repeating: 0, count: configuration.capacityFrames)
    }

    deinit {
        received.deallocate()
    }

    /// Puts one received RTP packet into the buffer.
    ///
    /// - Parameters:
    ///   - sequenceNumber: The RTP sequence number.
    ///   - timestamp: The RTP timestamp [samples].
    ///   - arrivalMicroseconds: When the packet arrived, on the clock the consumer's `now`
    ///     comes from [µs].
    ///   - marker: The RTP marker bit.
    ///   - payload: The RTP payload; copied, so the caller may reuse the memory at once.
    /// - Returns: Whether the packet was stored, and if not why it was dropped.
    public mutating func put(
        sequenceNumber: UInt16, timestamp: UInt32, arrivalMicroseconds: Int64, marker: Bool,
        payload: UnsafeRawBufferPointer
    ) -> JitterPutResult {
        guard payload.count <= storage.maximumPayloadBytes else {
            statistics.payloadTooLarge &+= 1
            return .payloadTooLarge
        }
        let sequence: Int64
        let extendedTimestamp: Int64
        let advance: Int64
        if hasFirstPacket {
            advance = Int64(Int16(truncatingIfNeeded: sequenceNumber &- UInt16(truncatingIfNeeded: highestSequence)))
            let timestampAdvance = Int64(Int32(truncatingIfNeeded: timestamp &- UInt32(truncatingIfNeeded: highestTimestamp)))
            if advance > Self.maximumDropout || (advance > 0 && timestampAdvance < 0) {
                return restart(sequenceNumber, timestamp, arrivalMicroseconds, marker, payload)
            }
            if advance < -Self.maximumMisorder {
                staleRun += 1
                if staleRun >= Self.staleRunLimit {
                    return restart(sequenceNumber, timestamp, arrivalMicroseconds, marker, payload)
                }
                statistics.late &+= 1
                return .late
            }
            staleRun = 0
            sequence = highestSequence + advance
            extendedTimestamp = highestTimestamp + timestampAdvance
        } else {
            hasFirstPacket = true
            advance = 1
            sequence = Self.sequenceBase + Int64(sequenceNumber)
            extendedTimestamp = Int64(timestamp)
            highestSequence = sequence - 1
        }
        return store(sequence, extendedTimestamp, advance: advance, arrivalMicroseconds, marker, payload)
    }

    /// ``put(sequenceNumber:timestamp:arrivalMicroseconds:marker:payload:)`` with the payload
    /// in a `ByteBuffer` (its readable bytes); the buffer is not consumed.
    public mutating func put(
        sequenceNumber: UInt16, timestamp: UInt32, arrivalMicroseconds: Int64, marker: Bool,
        payload: ByteBuffer
    ) -> JitterPutResult {
        payload.withUnsafeReadableBytes { bytes in
            put(sequenceNumber: sequenceNumber, timestamp: timestamp,
                arrivalMicroseconds: arrivalMicroseconds, marker: marker, payload: bytes)
        }
    }

    /// Stores a packet whose sequence number and timestamp have been extended.
    ///
    /// A duplicate is refused before anything else. A packet refused as overflow leaves no
    /// trace (the network thread may try it again); a late or stored one is remembered for
    /// duplicate detection, counts for the network loss average, and has its transit measured.
    @inline(__always)
    private mutating func store(
        _ sequence: Int64, _ timestamp: Int64, advance: Int64, _ arrivalMicroseconds: Int64,
        _ marker: Bool, _ payload: UnsafeRawBufferPointer
    ) -> JitterPutResult {
        let index = storage.index(of: sequence)
        if received[index] == sequence {
            statistics.duplicates &+= 1
            return .duplicate
        }
        let isLate = sequence < storage.nextSequence.load(ordering: .acquiring)
        let state = storage.state(index)
        if !isLate && state.load(ordering: .acquiring) != 0 {
            statistics.overflow &+= 1
            return .overflow
        }
        received[index] = sequence
        estimator.noteSequence(advance: advance)
        measure(timestamp: timestamp, arrivalMicroseconds: arrivalMicroseconds)
        if sequence > highestSequence {
            highestSequence = sequence
            highestTimestamp = timestamp
            storage.highestSequence.store(sequence, ordering: .releasing)
        }
        if isLate {
            statistics.late &+= 1
            return .late
        }
        let length = payload.count
        storage.headers[index] = JitterSlotHeader(
            timestamp: timestamp, arrivalMicroseconds: arrivalMicroseconds,
            payloadBytes: Int32(truncatingIfNeeded: length), marker: marker)
        if let source = payload.baseAddress, length > 0 {
            storage.payload(index).copyMemory(from: source, byteCount: length)
        }
        state.store(sequence, ordering: .releasing)
        statistics.stored &+= 1
        return .stored
    }

    /// Adds the packet's relative transit time to the estimator (once the consumer has
    /// anchored the playout), and publishes the target when it changes.
    @inline(__always)
    private mutating func measure(timestamp: Int64, arrivalMicroseconds: Int64) {
        let anchor: Double
        if let known = anchorMicroseconds {
            anchor = known
        } else {
            guard storage.anchorEpoch.load(ordering: .acquiring) == epoch + 1 else { return }
            anchor = Double(bitPattern: UInt64(bitPattern: storage.anchorBits.load(ordering: .relaxed)))
            anchorMicroseconds = anchor
        }
        let transit = Double(arrivalMicroseconds) - Double(timestamp) * microsecondsPerSample
        let offsetFrames = (transit - anchor) * inverseFrameMicroseconds
        if estimator.add(bin: JitterDelayEstimator.bin(offsetFrames: offsetFrames), offsetFrames: offsetFrames) {
            let target = Int64(estimator.target)
            if target != publishedTarget {
                publishedTarget = target
                storage.targetOffset.store(target, ordering: .releasing)
            }
            let floor = Int64(estimator.shrinkFloor)
            if floor != publishedShrinkFloor {
                publishedShrinkFloor = floor
                storage.shrinkFloorOffset.store(floor, ordering: .releasing)
            }
        }
    }

    /// Starts a new epoch at this packet: its sequence number is extended past every earlier
    /// one, the estimator forgets the old stream, and the consumer is told to start over.
    @inline(never)
    private mutating func restart(
        _ sequenceNumber: UInt16, _ timestamp: UInt32, _ arrivalMicroseconds: Int64, _ marker: Bool,
        _ payload: UnsafeRawBufferPointer
    ) -> JitterPutResult {
        statistics.resynchronizations &+= 1
        staleRun = 0
        let floor = highestSequence + Self.maximumDropout + 2 * capacity
        let sequence = floor + Int64(UInt16(truncatingIfNeeded: Int64(sequenceNumber) - floor))
        let extendedTimestamp = highestTimestamp
            + Int64(UInt32(truncatingIfNeeded: Int64(timestamp) - highestTimestamp))
        epoch += 1
        estimator.reset()
        anchorMicroseconds = nil
        publishedTarget = 0
        publishedShrinkFloor = 0
        highestSequence = sequence - 1
        storage.targetOffset.store(0, ordering: .relaxed)
        storage.shrinkFloorOffset.store(0, ordering: .relaxed)
        storage.epochStartSequence.store(sequence, ordering: .relaxed)
        storage.epoch.store(epoch, ordering: .releasing)
        return store(sequence, extendedTimestamp, advance: 1, arrivalMicroseconds, marker, payload)
    }
}
