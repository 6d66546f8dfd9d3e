import Atomics

/// The audio thread's side of a ``JitterBuffer``: once per tick, says what to play.
///
/// Non-copyable, so there is exactly one consumer per buffer. Both ways of getting a frame,
/// ``get(nowMicroseconds:payload:)`` (copies the payload out) and ``get(nowMicroseconds:_:)``
/// (lends it in its slot), take no lock and allocate nothing.
///
/// ## Playout
///
/// The consumer keeps a *playout timestamp*, the RTP timestamp due at the current tick; it
/// advances by one frame per tick. The first packet found fixes the *anchor*: its relative
/// transit time (arrival minus timestamp) plus its wait until the first tick. The *offset* is
/// how many frames later than the anchor the stream is being played; the
/// ``JitterDelayEstimator`` (fed by the producer) publishes the offset it wants, the *target*.
/// Each tick plays the packet whose timestamp is due, and moves the offset toward the target by
/// at most what that tick allows:
///
/// - **Growing** (offset below target) costs no packet: the tick conceals instead of playing,
///   and the playout timestamp waits one frame.
/// - **Waiting**: when nothing at all is buffered, the due packet may be delayed (a Wi-Fi
///   stall, a route change) or the sender may be silent, so the playout timestamp waits too,
///   up to ``JitterBufferConfiguration/capacityFrames`` frames above the target (more packets
///   than that could not be buffered anyway).
/// - **Free shrinking** (offset above target): frames that nothing will fill are skipped: a
///   silence gap before the next talkspurt, or missing packets when a later one is here.
/// - **Paid shrinking**: when the offset is above both the target and the estimator's *shrink
///   floor* (the highest target of the last ~15.8 s, as long as a frame of extra delay must
///   last to cost what a lost packet costs in E-model terms, ``CallQuality``, less what the
///   falling trend of transit times will take off), one due packet is dropped and the next one
///   played, at most one every ``dropSpacingTicks`` ticks. This is how sender clock drift and
///   route changes to a shorter path are absorbed: single frames, never bursts.
///
/// A packet found after its frame was concealed is dropped as late.
///
/// - warning: Call `get` from one thread at a time.
public struct JitterBufferConsumer: ~Copyable, Sendable {
    /// Paid drops are at least this many ticks apart.
    static let dropSpacingTicks = 5

    private let storage: JitterBufferStorage
    private let capacity: Int64
    private let samplesPerFrame: Int64
    private let microsecondsPerSample: Double

    private var epoch: Int64 = 0
    private var isStarted = false
    /// The lowest extended sequence number that may still be played.
    private var nextSequence: Int64 = 0
    private var publishedNextSequence: Int64 = 0
    /// The extended RTP timestamp due at this tick.
    private var playTimestamp: Int64 = 0
    private var offset = 0
    private var ticksSinceDrop = JitterBufferConsumer.dropSpacingTicks
    /// After a tick concealed a lost packet while the packet after it was already buffered,
    /// that packet's sequence number (its in-band FEC can rebuild the lost frame); else 0.
    private var packetAfterLoss: Int64 = 0

    /// What the ticks so far played, and the delay state.
    public private(set) var statistics = JitterConsumerStatistics()

    init(storage: JitterBufferStorage, configuration: JitterBufferConfiguration) {
        self.storage = storage
        capacity = Int64(configuration.capacityFrames)
        samplesPerFrame = Int64(configuration.samplesPerFrame)
        microsecondsPerSample = 1_000_000 / Double(configuration.clockRate)
    }

    /// What ``step()`` decided for a tick: conceal (any sequence number is positive).
    static let concealDecision: Int64 = 0
    /// What ``step()`` decided for a tick: silence.
    static let silenceDecision: Int64 = -1

    /// Answers one tick by copying the frame to decode into `destination`, or says what to
    /// play instead.
    ///
    /// - Parameters:
    ///   - nowMicroseconds: The time of this tick, on the clock the producer's arrival times
    ///     come from [µs]. Only the first frame's tick is used (to anchor the playout).
    ///   - destination: Where the payload is copied; give it
    ///     ``JitterBufferConfiguration/maximumPayloadBytes`` so nothing is cut.
    /// - Returns: ``JitterPlayout/frame(_:)`` with the packet's header fields,
    ///   ``JitterPlayout/conceal`` or ``JitterPlayout/silence``.
    public mutating func get(
        nowMicroseconds: Int64, payload destination: UnsafeMutableRawBufferPointer
    ) -> JitterPlayout {
        let decision = decide(nowMicroseconds: nowMicroseconds)
        let playout: JitterPlayout
        if decision > 0 {
            let index = storage.index(of: decision)
            let header = storage.headers[index]
            let length = Int(header.payloadBytes)
            let copied = min(length, destination.count)
            if copied > 0, let target = destination.baseAddress {
                target.copyMemory(from: storage.payload(index), byteCount: copied)
            }
            storage.state(index).store(0, ordering: .releasing)
            playout = .frame(Self.frame(decision, header, payloadBytes: copied, isTruncated: copied < length))
        } else {
            playout = decision == Self.concealDecision ? .conceal : .silence
        }
        finish(decision)
        return playout
    }

    /// Answers one tick by handing `body` the frame to decode and its payload in place, without
    /// a copy, or what to play instead (with an empty payload).
    ///
    /// - Parameters:
    ///   - nowMicroseconds: The time of this tick [µs], as for
    ///     ``get(nowMicroseconds:payload:)``.
    ///   - body: Called once, on this thread, before `get` returns. For a frame, the payload
    ///     is the packet's slot: valid only until `body` returns (the slot is then given back
    ///     to the producer), so decode it there and never keep the pointer.
    public mutating func get(
        nowMicroseconds: Int64, _ body: (JitterPlayout, UnsafeRawBufferPointer) -> Void
    ) {
        let decision = decide(nowMicroseconds: nowMicroseconds)
        if decision > 0 {
            let index = storage.index(of: decision)
            let header = storage.headers[index]
            let length = Int(header.payloadBytes)
            body(
                .frame(Self.frame(decision, header, payloadBytes: length, isTruncated: false)),
                UnsafeRawBufferPointer(start: storage.payload(index), count: length))
            storage.state(index).store(0, ordering: .releasing)
        } else {
            body(decision == Self.concealDecision ? .conceal : .silence, UnsafeRawBufferPointer(start: nil, count: 0))
        }
        finish(decision)
    }

    /// After a tick that answered ``JitterPlayout/conceal`` for a lost packet while the packet
    /// after it is already buffered, lends `body` that next packet's header and payload, in its
    /// slot: a decoder can rebuild the lost frame from the in-band FEC the packet carries (Opus
    /// LBRR, RFC 6716 §2.1.7). Returns nil otherwise: after a frame, silence, a concealment to
    /// grow the delay, or when the next packet is not here yet. The packet stays buffered and
    /// is played at the next tick. Call it between two `get`s, on the consumer's thread.
    public func withPacketAfterLoss<Result>(_ body: (JitterFrame, UnsafeRawBufferPointer) -> Result) -> Result? {
        let sequence = packetAfterLoss
        guard sequence > 0 else { return nil }
        let index = storage.index(of: sequence)
        guard storage.state(index).load(ordering: .acquiring) == sequence else { return nil }
        let header = storage.headers[index]
        let length = Int(header.payloadBytes)
        return body(
            Self.frame(sequence, header, payloadBytes: length, isTruncated: false),
            UnsafeRawBufferPointer(start: storage.payload(index), count: length))
    }

    /// The frame of packet `sequence`.
    @inline(__always)
    private static func frame(
        _ sequence: Int64, _ header: JitterSlotHeader, payloadBytes: Int, isTruncated: Bool
    ) -> JitterFrame {
        JitterFrame(
            sequenceNumber: UInt16(truncatingIfNeeded: sequence),
            timestamp: UInt32(truncatingIfNeeded: header.timestamp),
            marker: header.marker,
            arrivalMicroseconds: header.arrivalMicroseconds,
            payloadBytes: payloadBytes,
            isTruncated: isTruncated)
    }

    /// The tick's decision: the sequence number of the packet to play (its slot still held),
    /// ``concealDecision`` or ``silenceDecision``.
    @inline(__always)
    private mutating func decide(nowMicroseconds: Int64) -> Int64 {
        packetAfterLoss = 0
        let producerEpoch = storage.epoch.load(ordering: .acquiring)
        if producerEpoch != epoch { restart(epoch: producerEpoch) }
        guard isStarted || start(nowMicroseconds: nowMicroseconds) else { return Self.silenceDecision }
        return step()
    }

    /// Counts the tick, publishes where playout is, and sweeps one slot.
    @inline(__always)
    private mutating func finish(_ decision: Int64) {
        if decision > 0 {
            statistics.played &+= 1
        } else if decision == Self.concealDecision {
            statistics.concealed &+= 1
        } else {
            statistics.silent &+= 1
        }
        statistics.offsetFrames = offset
        if nextSequence != publishedNextSequence {
            publishedNextSequence = nextSequence
            storage.nextSequence.store(nextSequence, ordering: .releasing)
        }
        sweep()
    }

    /// One tick of a started stream.
    @inline(__always)
    private mutating func step() -> Int64 {
        let target = Int(truncatingIfNeeded: storage.targetOffset.load(ordering: .acquiring))
        statistics.targetOffsetFrames = target
        if ticksSinceDrop < Self.dropSpacingTicks { ticksSinceDrop += 1 }
        var due = playTimestamp
        guard let (sequence, timestamp) = firstBuffered(due: due) else {
            // Nothing buffered: wait for the due packet (it may be delayed, or the sender
            // silent), but not longer than the buffer could hold packets for.
            if offset < target + Int(capacity) {
                offset += 1
            } else {
                playTimestamp = due + samplesPerFrame
            }
            return Self.concealDecision
        }
        if timestamp <= due {
            // Due now; any packet missing before it is older still, so late.
            if offset < target {
                offset += 1
                statistics.insertedToGrow &+= 1
                return Self.concealDecision
            }
            if offset > target, ticksSinceDrop >= Self.dropSpacingTicks,
                offset > Int(truncatingIfNeeded: storage.shrinkFloorOffset.load(ordering: .relaxed)),
                isBuffered(sequence + 1, dueBy: due + samplesPerFrame)
            {
                release(sequence)
                statistics.droppedToShrink &+= 1
                ticksSinceDrop = 0
                offset -= 1
                playTimestamp = due + 2 * samplesPerFrame
                return play(sequence + 1)
            }
            playTimestamp = due + samplesPerFrame
            return play(sequence)
        }
        // The next buffered packet is due later: a silence gap if nothing is missing before it.
        let isGap = sequence == nextSequence
        if offset < target {
            offset += 1
            statistics.insertedToGrow &+= 1
            return isGap ? Self.silenceDecision : Self.concealDecision
        }
        if offset > target {
            let skip = min(Int64(offset - target), (timestamp - due) / samplesPerFrame)
            if skip > 0 {
                offset -= Int(skip)
                statistics.skippedToShrink += Int(skip)
                due += skip * samplesPerFrame
                if timestamp <= due {
                    playTimestamp = due + samplesPerFrame
                    return play(sequence)
                }
            }
        }
        playTimestamp = due + samplesPerFrame
        if sequence > nextSequence {
            // Packets missing before `sequence` whose timestamps (if contiguous) are now past
            // will be late when they come.
            let passed = sequence - (timestamp - due) / samplesPerFrame
            if passed > nextSequence { nextSequence = passed }
        }
        // The frame concealed now is lost and `sequence` is the packet right after it.
        if !isGap, timestamp == due + samplesPerFrame { packetAfterLoss = sequence }
        return isGap ? Self.silenceDecision : Self.concealDecision
    }

    /// The first packet buffered at or after ``nextSequence`` that is not yet overdue, as its
    /// sequence number and timestamp. Overdue packets (timestamp a frame or more before `due`)
    /// and stale ones met on the way are released.
    @inline(__always)
    private mutating func firstBuffered(due: Int64) -> (Int64, Int64)? {
        let highest = storage.highestSequence.load(ordering: .acquiring)
        var sequence = nextSequence
        // At least the slot of `nextSequence` is looked at, so that a stale packet there is
        // freed and the producer can store the packet playout waits for.
        let last = max(nextSequence, min(highest, nextSequence + capacity - 1))
        while sequence <= last {
            let index = storage.index(of: sequence)
            let state = storage.state(index).load(ordering: .acquiring)
            if state == sequence {
                let timestamp = storage.headers[index].timestamp
                if timestamp > due - samplesPerFrame { return (sequence, timestamp) }
                storage.state(index).store(0, ordering: .releasing)
                statistics.late &+= 1
                nextSequence = sequence + 1
            } else if state != 0 && state < nextSequence {
                // Put just as playout moved past it: late too.
                storage.state(index).store(0, ordering: .releasing)
                statistics.late &+= 1
            }
            sequence += 1
        }
        return highest > last ? oldestBeyondWindow(due: due) : nil
    }

    /// The oldest packet buffered more than a buffer's length after ``nextSequence`` (after a
    /// loss of more than `capacity` packets in a row), found by looking at every slot.
    @inline(never)
    private mutating func oldestBeyondWindow(due: Int64) -> (Int64, Int64)? {
        var oldest = Int64.max
        var index = 0
        while index < Int(capacity) {
            let held = storage.state(index).load(ordering: .acquiring)
            if held >= nextSequence && held < oldest { oldest = held }
            index += 1
        }
        guard oldest != Int64.max else { return nil }
        let timestamp = storage.headers[storage.index(of: oldest)].timestamp
        guard timestamp > due - samplesPerFrame else {
            storage.state(storage.index(of: oldest)).store(0, ordering: .releasing)
            statistics.late &+= 1
            nextSequence = oldest + 1
            return nil
        }
        return (oldest, timestamp)
    }

    /// Whether `sequence` is buffered with a timestamp no later than `dueBy`.
    @inline(__always)
    private func isBuffered(_ sequence: Int64, dueBy: Int64) -> Bool {
        let index = storage.index(of: sequence)
        return storage.state(index).load(ordering: .acquiring) == sequence
            && storage.headers[index].timestamp <= dueBy
    }

    /// Moves past packet `sequence`, which this tick plays (its slot is freed once it is read).
    @inline(__always)
    private mutating func play(_ sequence: Int64) -> Int64 {
        nextSequence = sequence + 1
        return sequence
    }

    /// Frees packet `sequence` without playing it and moves past it.
    @inline(__always)
    private mutating func release(_ sequence: Int64) {
        storage.state(storage.index(of: sequence)).store(0, ordering: .releasing)
        nextSequence = sequence + 1
    }

    /// Anchors the playout on the oldest buffered packet, if any. Looks at every slot: when
    /// more packets came than fit before the first tick, the buffered ones are not the newest.
    @inline(never)
    private mutating func start(nowMicroseconds: Int64) -> Bool {
        var oldest = Int64.max
        var index = 0
        while index < Int(capacity) {
            let held = storage.state(index).load(ordering: .acquiring)
            if held >= nextSequence && held != 0 && held < oldest { oldest = held }
            index += 1
        }
        guard oldest != Int64.max else { return false }
        let timestamp = storage.headers[storage.index(of: oldest)].timestamp
        let anchor = Double(nowMicroseconds) - Double(timestamp) * microsecondsPerSample
        storage.anchorBits.store(Int64(bitPattern: anchor.bitPattern), ordering: .relaxed)
        storage.anchorEpoch.store(epoch + 1, ordering: .releasing)
        nextSequence = oldest
        playTimestamp = timestamp
        offset = 0
        isStarted = true
        return true
    }

    /// Starts over after the producer restarted the stream: forgets the playout state and
    /// frees every slot of the old epoch.
    @inline(never)
    private mutating func restart(epoch newEpoch: Int64) {
        epoch = newEpoch
        isStarted = false
        nextSequence = storage.epochStartSequence.load(ordering: .relaxed)
        var index = 0
        while index < Int(capacity) {
            let state = storage.state(index)
            let held = state.load(ordering: .acquiring)
            if held != 0 && held < nextSequence { state.store(0, ordering: .releasing) }
            index += 1
        }
    }

    /// Frees one stale slot, if the slot half a buffer ahead holds a packet already passed, so
    /// that a packet put just as the consumer moved past it cannot hold its slot for long.
    @inline(__always)
    private mutating func sweep() {
        let state = storage.state(storage.index(of: nextSequence + capacity / 2))
        let held = state.load(ordering: .acquiring)
        if held != 0 && held < nextSequence {
            state.store(0, ordering: .releasing)
            statistics.late &+= 1
        }
    }
}
