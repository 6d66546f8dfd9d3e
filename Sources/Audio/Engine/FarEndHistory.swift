/// What the loudspeaker was given, at the processing rate, indexed by the count of samples
/// written since the engine started: the echo canceller's reference is read back from it at
/// the device delay. Fixed memory; samples older than the capacity read as silence.
struct FarEndHistory: ~Copyable {
    private let storage: UnsafeMutableBufferPointer<Int16>
    private let mask: Int
    /// Samples written so far.
    private(set) var written = 0

    init(minimumCapacity: Int) {
        var capacity = 1
        while capacity < minimumCapacity { capacity <<= 1 }
        storage = .allocate(capacity: capacity)
        storage.initialize(repeating: 0)
        mask = capacity - 1
    }

    deinit { storage.deallocate() }

    var capacity: Int { mask + 1 }

    mutating func append(_ samples: UnsafeBufferPointer<Int16>) {
        for sample in samples {
            storage[written & mask] = sample
            written += 1
        }
    }

    /// Copies the `target.count` samples that end at absolute index `end` (exclusive);
    /// indexes not written yet or already overwritten give zeros.
    func read(endingAt end: Int, into target: UnsafeMutableBufferPointer<Int16>) {
        let start = end - target.count
        for offset in 0..<target.count {
            let index = start + offset
            target[offset] = (index >= 0 && index < written && written - index <= capacity) ? storage[index & mask] : 0
        }
    }
}
