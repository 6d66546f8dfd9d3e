/// A histogram of packet bins (the smallest playout offset, in frames after the anchor, at
/// which each packet would have been on time) over a window of packets, and the offset that
/// minimises the E-model impairment for it. Part of ``JitterDelayEstimator``.
///
/// ``binCount`` bins start at a base bin the owner chooses; bins outside are clamped to the
/// ends. The lowest and highest non-empty bins are tracked so that the search only looks where
/// there are packets. All storage is allocated by `init` and freed by `deinit`.
///
/// `@unchecked Sendable`: the raw memory is owned by this non-copyable value alone, so sending
/// the value moves the memory with it.
struct JitterTransitHistogram: ~Copyable, @unchecked Sendable {
    /// Histogram bins [frames]: 128 frames is 2.56 s at 20 ms.
    static let binCount = 128

    /// `counts[i]` packets of the window have bin `base + i` (clamped).
    private let counts: UnsafeMutablePointer<Int32>
    /// The absolute bin of `counts[0]`.
    private(set) var base = -binCount / 4
    /// The lowest and highest non-empty relative bins (`binCount` and -1 when empty).
    private var lowest = binCount
    private var highest = -1
    /// Packets in the histogram.
    private(set) var total = 0

    /// An empty histogram.
    init() {
        counts = UnsafeMutablePointer<Int32>.allocate(capacity: Self.binCount)
        counts.initialize(repeating: 0, count: Self.binCount)
    }

    deinit {
        counts.deallocate()
    }

    /// Empties the histogram and moves its first bin to `base`.
    mutating func reset(base newBase: Int) {
        counts.update(repeating: 0, count: Self.binCount)
        base = newBase
        lowest = Self.binCount
        highest = -1
        total = 0
    }

    @inline(__always)
    private func relative(_ bin: Int) -> Int {
        min(max(bin - base, 0), Self.binCount - 1)
    }

    /// Counts one packet of bin `bin`.
    @inline(__always)
    mutating func add(_ bin: Int) {
        let index = relative(bin)
        counts[index] += 1
        total += 1
        if index < lowest { lowest = index }
        if index > highest { highest = index }
    }

    /// Forgets one packet of bin `bin` (one that was added).
    @inline(__always)
    mutating func remove(_ bin: Int) {
        let index = relative(bin)
        counts[index] -= 1
        total -= 1
        guard counts[index] == 0 else { return }
        if index == highest {
            while highest >= 0 && counts[highest] == 0 { highest -= 1 }
        }
        if index == lowest {
            while lowest < Self.binCount && counts[lowest] == 0 { lowest += 1 }
        }
    }

    /// The offset with the least impairment, `cost(n) = delayCostPerFrame · n + Ie(loss(n))`
    /// where `loss(n)` is the network loss plus the packets with a bin above `n`; nil when empty.
    ///
    /// Scans down from the highest non-empty bin. The loss impairment only grows on the way
    /// down and the delay impairment cannot fall below that of the lowest bin, so the scan
    /// stops as soon as no lower offset can win.
    func bestOffset(delayCostPerFrame: Double, networkLoss: Double) -> Int? {
        guard highest >= lowest, total > 0 else { return nil }
        let network = min(max(networkLoss, 0), 1)
        let lossPercentPerLatePacket = 100 * (1 - network) / Double(total)
        let networkPercent = 100 * network
        let lowestDelayCost = delayCostPerFrame * Double(base + lowest)
        var late = 0
        var best = highest
        var bestCost = Double.infinity
        var offset = highest
        while offset >= lowest {
            let loss = CallQuality.lossImpairment(
                lossPercent: networkPercent + lossPercentPerLatePacket * Double(late))
            if loss + lowestDelayCost >= bestCost { break }
            let cost = loss + delayCostPerFrame * Double(base + offset)
            if cost < bestCost {
                bestCost = cost
                best = offset
            }
            late += Int(counts[offset])
            offset -= 1
        }
        return base + best
    }

    /// Whether `bin` is within `margin` bins of either end (so the owner should move the base).
    func isNearEnd(_ bin: Int) -> Bool {
        let index = bin - base
        return index < Self.binCount / 8 || index > Self.binCount * 5 / 8
    }
}
