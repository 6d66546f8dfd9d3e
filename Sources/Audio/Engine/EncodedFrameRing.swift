import Synchronization

/// The audio thread's encoded frames on their way to the network thread: a lock-free
/// single-producer/single-consumer ring of fixed slots, all memory allocated at `init`.
///
/// The audio thread ``push(samples:marker:_:)``es one frame per period; the network side
/// ``drain(_:)``s whatever is there. A full ring drops the new frame (the network side is not
/// keeping up; counted in ``dropped``) rather than block the audio thread.
final class EncodedFrameRing: @unchecked Sendable {
    /// Bytes a slot holds.
    let slotBytes: Int
    /// Slots (a power of two).
    let capacity: Int
    private let mask: Int
    private let payloads: UnsafeMutableRawBufferPointer
    private let lengths: UnsafeMutableBufferPointer<Int32>
    private let sampleCounts: UnsafeMutableBufferPointer<Int32>
    private let markers: UnsafeMutableBufferPointer<Bool>
    /// Frames pushed (written by the producer only).
    private let head = Atomic<Int>(0)
    /// Frames drained (written by the consumer only).
    private let tail = Atomic<Int>(0)
    /// Frames the producer dropped because the ring was full.
    let dropped = Atomic<Int>(0)

    init(capacity requested: Int, slotBytes: Int) {
        var capacity = 1
        while capacity < max(requested, 2) { capacity <<= 1 }
        self.capacity = capacity
        self.mask = capacity - 1
        self.slotBytes = slotBytes
        payloads = .allocate(byteCount: capacity * slotBytes, alignment: 16)
        payloads.initializeMemory(as: UInt8.self, repeating: 0)
        lengths = .allocate(capacity: capacity)
        lengths.initialize(repeating: 0)
        sampleCounts = .allocate(capacity: capacity)
        sampleCounts.initialize(repeating: 0)
        markers = .allocate(capacity: capacity)
        markers.initialize(repeating: false)
    }

    deinit {
        payloads.deallocate()
        lengths.deallocate()
        sampleCounts.deallocate()
        markers.deallocate()
    }

    /// Producer: lets `fill` write one frame into a free slot (it returns the bytes written,
    /// 0 to write nothing) and publishes it with its RTP sample count. Returns false when the
    /// ring was full or `fill` wrote nothing.
    @discardableResult
    func push(samples: Int, marker: Bool, _ fill: (UnsafeMutableRawBufferPointer) -> Int) -> Bool {
        let position = head.load(ordering: .relaxed)
        guard position - tail.load(ordering: .acquiring) < capacity else {
            dropped.add(1, ordering: .relaxed)
            return false
        }
        let slot = position & mask
        let region = UnsafeMutableRawBufferPointer(rebasing: payloads[(slot * slotBytes)..<((slot + 1) * slotBytes)])
        let written = fill(region)
        guard written > 0, written <= slotBytes else { return false }
        lengths[slot] = Int32(written)
        sampleCounts[slot] = Int32(samples)
        markers[slot] = marker
        head.store(position + 1, ordering: .releasing)
        return true
    }

    /// Consumer: hands `body` every published frame in order (payload valid only during the
    /// call) and frees the slots. Returns how many frames it handed over.
    @discardableResult
    func drain(_ body: (UnsafeRawBufferPointer, _ samples: Int, _ marker: Bool) -> Void) -> Int {
        var position = tail.load(ordering: .relaxed)
        let end = head.load(ordering: .acquiring)
        var count = 0
        while position < end {
            let slot = position & mask
            let bytes = UnsafeRawBufferPointer(rebasing: payloads[(slot * slotBytes)..<(slot * slotBytes + Int(lengths[slot]))])
            body(bytes, Int(sampleCounts[slot]), markers[slot])
            position += 1
            count += 1
            tail.store(position, ordering: .releasing)
        }
        return count
    }

    /// Frames waiting.
    var count: Int { head.load(ordering: .acquiring) - tail.load(ordering: .acquiring) }
}
