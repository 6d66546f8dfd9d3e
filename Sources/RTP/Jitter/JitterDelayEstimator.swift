/// Chooses the playout offset that would have given the best call quality over the last
/// ``JitterBufferConfiguration/statisticsWindowMs`` of arrivals.
///
/// Each packet's *relative transit* is its arrival time minus its RTP timestamp in µs; only
/// differences between packets matter, so the unknown clock offset between sender and receiver
/// cancels. Measured from the consumer's anchor in frames and rounded up, it is the smallest
/// playout offset at which the packet would have been on time: its *bin*. The estimator keeps
/// the bins of the last `windowCapacity` packets in a ring and a histogram of them, and picks
/// the offset `n` that minimises the E-model impairment of the window:
///
/// ```
/// cost(n) = 0.024 · frameMs · n + Ie(100 · (netLoss + (1 − netLoss) · late(n)))
/// late(n) = (packets in the window with bin > n) / (packets in the window)
/// ```
///
/// that is the R-optimal trade of delay against late loss (``CallQuality``), on the grid of
/// offsets the frame clock can play at. A sliding window (rather than a decaying one) lets the
/// choice follow clock drift and route changes once the old arrivals have left it.
///
/// The histogram has ``binCount`` bins starting at `binBase`; bins outside are clamped to its
/// ends, and it is re-centred on the target when the target nears an end. The target is
/// recomputed when a packet above it enters or leaves the window, and every
/// ``updateInterval`` packets otherwise. All storage is allocated by `init` and freed by
/// `deinit`; nothing in between allocates.
///
/// `@unchecked Sendable`: the raw memory is owned by this non-copyable value alone, so sending
/// the value moves the memory with it.
struct JitterDelayEstimator: ~Copyable, @unchecked Sendable {
    /// Histogram bins [frames]: 128 frames is 2.56 s at 20 ms.
    static let binCount = 128
    /// The target is recomputed at least every this many packets.
    static let updateInterval = 16
    /// The largest |bin| stored, so that hostile timestamps cannot overflow anything.
    static let binLimit = 1 << 24

    /// One frame [µs].
    let frameMicroseconds: Double
    /// The R points one frame of extra delay costs.
    let delayCostPerFrame: Double
    /// The number of packets in the window.
    let windowCapacity: Int
    /// The weight of one packet in the network loss average.
    private let lossStep: Double

    /// The bins of the packets in the window, a ring of `windowCapacity`.
    private let window: UnsafeMutablePointer<Int32>
    private var windowHead = 0
    private var windowCount = 0
    /// The histogram: `counts[i]` packets of the window have bin `binBase + i`.
    private let counts: UnsafeMutablePointer<Int32>
    /// The absolute bin of `counts[0]`.
    private var binBase = -binCount / 4
    /// The lowest and highest non-empty relative bins (`binCount` and -1 when empty).
    private var lowest = binCount
    private var highest = -1
    private var sinceUpdate = 0
    /// The fraction of packets the network lost, averaged over about a window.
    private(set) var lossFraction = 0.0
    /// The chosen playout offset [frames after the anchor].
    private(set) var target = 0

    /// An empty estimator for frames of `frameMicroseconds` and a window of `windowMs`.
    init(frameMicroseconds: Double, windowMs: Int) {
        self.frameMicroseconds = frameMicroseconds
        delayCostPerFrame = CallQuality.delayImpairmentPerMs * frameMicroseconds / 1000
        let packets = Double(windowMs) * 1000 / frameMicroseconds
        windowCapacity = Int(min(max(packets.rounded(), 16), 65_536))
        lossStep = 1 / Double(windowCapacity)
        window = UnsafeMutablePointer<Int32>.allocate(capacity: windowCapacity)
        window.initialize(repeating: 0, count: windowCapacity)
        counts = UnsafeMutablePointer<Int32>.allocate(capacity: Self.binCount)
        counts.initialize(repeating: 0, count: Self.binCount)
    }

    deinit {
        window.deallocate()
        counts.deallocate()
    }

    /// Forgets every packet (a new stream); keeps the storage.
    mutating func reset() {
        counts.update(repeating: 0, count: Self.binCount)
        windowHead = 0
        windowCount = 0
        binBase = -Self.binCount / 4
        lowest = Self.binCount
        highest = -1
        sinceUpdate = 0
        lossFraction = 0
        target = 0
    }

    /// The bin of a packet whose relative transit is `offsetFrames` frames after the anchor:
    /// the smallest whole offset at which it is on time.
    @inline(__always)
    static func bin(offsetFrames: Double) -> Int {
        // The small tolerance keeps a packet arriving exactly on a tick in that tick's bin.
        let limited = min(max(offsetFrames - 1e-9, -Double(binLimit)), Double(binLimit))
        guard limited == limited else { return 0 }  // NaN from a hostile clock
        return Int(limited.rounded(.up))
    }

    /// Adds a packet with bin `bin` to the window, dropping the oldest when it is full.
    ///
    /// - Returns: Whether ``target`` changed.
    mutating func add(bin: Int) -> Bool {
        var tailChanged = bin > target
        if windowCount == windowCapacity {
            let oldest = Int(window[windowHead])
            remove(oldest)
            if oldest > target { tailChanged = true }
        } else {
            windowCount += 1
        }
        window[windowHead] = Int32(truncatingIfNeeded: bin)
        windowHead += 1
        if windowHead == windowCapacity { windowHead = 0 }
        let relative = relativeBin(bin)
        counts[relative] += 1
        if relative < lowest { lowest = relative }
        if relative > highest { highest = relative }
        sinceUpdate += 1
        guard sinceUpdate >= Self.updateInterval || tailChanged else { return false }
        sinceUpdate = 0
        let previous = target
        updateTarget()
        return target != previous
    }

    /// Notes where a new packet's sequence number fell relative to the highest so far, for the
    /// network loss average: `advance` > 0 means `advance - 1` packets were skipped, `advance`
    /// < 0 that a packet counted as lost has arrived after all.
    @inline(__always)
    mutating func noteSequence(advance: Int64) {
        if advance > 0 {
            // A while loop, not `for in` a range of Int64: a debug build allocates iterating it.
            var skipped = min(advance - 1, 64)
            while skipped > 0 {
                lossFraction += lossStep * (1 - lossFraction)
                skipped -= 1
            }
            lossFraction -= lossStep * lossFraction
        } else if advance < 0 {
            lossFraction = max(0, lossFraction - lossStep)
        }
    }

    @inline(__always)
    private func relativeBin(_ bin: Int) -> Int {
        min(max(bin - binBase, 0), Self.binCount - 1)
    }

    @inline(__always)
    private mutating func remove(_ bin: Int) {
        let relative = relativeBin(bin)
        counts[relative] -= 1
        guard counts[relative] == 0 else { return }
        if relative == highest {
            while highest >= 0 && counts[highest] == 0 { highest -= 1 }
        }
        if relative == lowest {
            while lowest < Self.binCount && counts[lowest] == 0 { lowest += 1 }
        }
    }

    /// Recomputes ``target`` from the histogram, re-centring the histogram if the target is
    /// near one of its ends.
    @inline(never)
    private mutating func updateTarget() {
        var best = bestRelativeOffset()
        if best < Self.binCount / 8 || best > Self.binCount * 5 / 8 {
            recenter(on: binBase + best)
            best = bestRelativeOffset()
        }
        target = binBase + best
    }

    /// The relative offset with the least impairment (a quarter up when the window is empty).
    ///
    /// Scans down from the highest non-empty bin. The loss impairment only grows on the way
    /// down and the delay impairment cannot fall below that of the lowest bin, so the scan
    /// stops as soon as no lower offset can win.
    private func bestRelativeOffset() -> Int {
        guard highest >= lowest else { return Self.binCount / 4 }
        let network = min(max(lossFraction, 0), 1)
        let lossPercentPerLatePacket = 100 * (1 - network) / Double(windowCount)
        let networkPercent = 100 * network
        let lowestDelayCost = delayCostPerFrame * Double(binBase + lowest)
        var late = 0
        var best = highest
        var bestCost = Double.infinity
        var offset = highest
        while offset >= lowest {
            let loss = CallQuality.lossImpairment(
                lossPercent: networkPercent + lossPercentPerLatePacket * Double(late))
            if loss + lowestDelayCost >= bestCost { break }
            let cost = loss + delayCostPerFrame * Double(binBase + offset)
            if cost < bestCost {
                bestCost = cost
                best = offset
            }
            late += Int(counts[offset])
            offset -= 1
        }
        return best
    }

    /// Moves the histogram so that absolute bin `center` is a quarter of the way up, and
    /// re-bins the window.
    @inline(never)
    private mutating func recenter(on center: Int) {
        binBase = center - Self.binCount / 4
        counts.update(repeating: 0, count: Self.binCount)
        lowest = Self.binCount
        highest = -1
        // A while loop, not `for in` a range: a debug build allocates iterating some ranges.
        var position = windowHead
        var remaining = windowCount
        while remaining > 0 {
            remaining -= 1
            position = position == 0 ? windowCapacity - 1 : position - 1
            let relative = relativeBin(Int(window[position]))
            counts[relative] += 1
            if relative < lowest { lowest = relative }
            if relative > highest { highest = relative }
        }
    }
}
