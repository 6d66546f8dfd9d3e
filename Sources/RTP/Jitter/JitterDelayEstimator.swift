/// Chooses the playout offset that would have given the best call quality over the recent
/// arrivals, and the lowest offset a packet may be dropped to reach.
///
/// Each packet's *relative transit* is its arrival time minus its RTP timestamp in µs; only
/// differences between packets matter, so the unknown clock offset between sender and receiver
/// cancels. Measured from the consumer's anchor in frames and rounded up, it is the smallest
/// playout offset at which the packet would have been on time: its *bin*. Over the last
/// ``JitterBufferConfiguration/statisticsWindowMs`` of packets, the ``target`` is the offset
/// `n` that minimises the E-model impairment (``CallQuality``):
///
/// ```
/// cost(n) = 0.024 · frameMs · n + Ie(100 · (netLoss + (1 − netLoss) · late(n)))
/// late(n) = (packets in the window with bin > n) / (packets in the window)
/// ```
///
/// that is the R-optimal trade of delay against late loss, on the grid of offsets the frame
/// clock can play at. The consumer grows to the target at once and shrinks to it whenever that
/// costs no packet. A sliding window (rather than a decaying one) lets it follow clock drift
/// and route changes as soon as the old arrivals have left it.
///
/// Dropping a packet to shrink is another matter: it is worth it only if the shorter delay
/// lasts for the *break-even time*, ``breakEvenMs`` (about 15.8 s), how long one frame of
/// extra delay must last to cost as much R as one lost packet. As far as anyone can tell, a
/// delay that has sufficed for that long will for as long again; so ``shrinkFloor`` is the
/// highest target of the windows that make up the last break-even time, and the consumer
/// never drops a packet to go below it.
///
/// The histogram (``JitterTransitHistogram``) is re-based to keep the target a quarter of the
/// way up. The target is recomputed when a packet above it enters or leaves the window, and
/// every ``updateInterval`` packets otherwise. All storage is allocated by `init` and freed by
/// `deinit`; nothing in between allocates.
///
/// `@unchecked Sendable`: the raw memory is owned by this non-copyable value alone, so sending
/// the value moves the memory with it.
struct JitterDelayEstimator: ~Copyable, @unchecked Sendable {
    /// The target is recomputed at least every this many packets.
    static let updateInterval = 16
    /// The largest |bin| stored, so that hostile timestamps cannot overflow anything.
    static let binLimit = 1 << 24
    /// How long one frame of extra delay costs as much R as one lost packet, at no loss [ms]:
    /// `Ie'(0) · 1 % / (0.024 per ms)`, about 15.8 s whatever the frame length.
    static let breakEvenMs = 100 * CallQuality.lossImpairmentSlope(lossPercent: 0) / CallQuality.delayImpairmentPerMs

    /// One frame [µs].
    let frameMicroseconds: Double
    /// The R points one frame of extra delay costs.
    let delayCostPerFrame: Double
    /// Packets in the window.
    let windowCapacity: Int
    /// Windows that make up the break-even time (the floor is the highest target of these).
    let floorWindows: Int
    /// The weight of one packet in the network loss average.
    private let lossStep: Double

    /// The bins of the last `windowCapacity` packets, a ring.
    private let ring: UnsafeMutablePointer<Int32>
    private var head = 0
    private var count = 0
    private var histogram = JitterTransitHistogram()
    private var sinceUpdate = 0
    /// The highest target of each of the last `floorWindows` windows, a ring.
    private let windowMaxima: UnsafeMutablePointer<Int>
    private var windowMaximaHead = 0
    private var currentWindowMaximum = Int.min
    private var packetsInWindow = 0
    private var pastWindowsMaximum = Int.min
    /// The lowest relative transit of each of the last `floorWindows` windows [frames after
    /// the anchor], a ring with the same head as `windowMaxima`; NaN where there is none yet.
    private let windowMinima: UnsafeMutablePointer<Double>
    private var currentWindowMinimum = Double.infinity
    /// How many whole frames the lowest transits fall per break-even time (0 when they do
    /// not): a sender clock running fast, or a route that got shorter.
    private(set) var fallPerBreakEven = 0
    /// The fraction of packets the network lost, averaged over about a break-even time.
    private(set) var lossFraction = 0.0
    /// The best offset over the window [frames after the anchor].
    private(set) var target = 0

    /// The lowest offset a packet may be dropped to reach [frames after the anchor]: the
    /// highest target of the last break-even time, less what the fall of the transit times
    /// takes off it over the same time (that part of the delay will not be needed again),
    /// and never below the target.
    var shrinkFloor: Int {
        let highest = max(pastWindowsMaximum, currentWindowMaximum)
        guard highest != Int.min else { return target }
        return max(target, highest - fallPerBreakEven)
    }

    /// An empty estimator for frames of `frameMicroseconds` and a window of `windowMs`.
    init(frameMicroseconds: Double, windowMs: Int) {
        self.frameMicroseconds = frameMicroseconds
        delayCostPerFrame = CallQuality.delayImpairmentPerMs * frameMicroseconds / 1000
        let packets = Double(windowMs) * 1000 / frameMicroseconds
        windowCapacity = Int(min(max(packets.rounded(), 16), 65_536))
        let windowSeconds = Double(windowCapacity) * frameMicroseconds / 1_000_000
        floorWindows = Int(min(max((Self.breakEvenMs / 1000 / windowSeconds).rounded(.up), 1), 64))
        lossStep = 1 / Double(windowCapacity * floorWindows)
        ring = UnsafeMutablePointer<Int32>.allocate(capacity: windowCapacity)
        ring.initialize(repeating: 0, count: windowCapacity)
        windowMaxima = UnsafeMutablePointer<Int>.allocate(capacity: floorWindows)
        windowMaxima.initialize(repeating: Int.min, count: floorWindows)
        windowMinima = UnsafeMutablePointer<Double>.allocate(capacity: floorWindows)
        windowMinima.initialize(repeating: .nan, count: floorWindows)
    }

    deinit {
        ring.deallocate()
        windowMaxima.deallocate()
        windowMinima.deallocate()
    }

    /// Forgets every packet (a new stream); keeps the storage.
    mutating func reset() {
        head = 0
        count = 0
        histogram.reset(base: -JitterTransitHistogram.binCount / 4)
        sinceUpdate = 0
        windowMaxima.update(repeating: Int.min, count: floorWindows)
        windowMaximaHead = 0
        currentWindowMaximum = Int.min
        packetsInWindow = 0
        pastWindowsMaximum = Int.min
        windowMinima.update(repeating: .nan, count: floorWindows)
        currentWindowMinimum = .infinity
        fallPerBreakEven = 0
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
        // Rounded up without a call to ceil: truncate, then step up if that went down.
        let truncated = Int(limited)
        return Double(truncated) < limited ? truncated &+ 1 : truncated
    }

    /// Adds a packet whose relative transit is `offsetFrames` frames after the anchor (and
    /// whose bin is therefore `bin`) to the window, dropping the oldest when it is full.
    ///
    /// - Returns: Whether ``target`` or ``shrinkFloor`` may have changed.
    @inline(__always)
    mutating func add(bin: Int, offsetFrames: Double) -> Bool {
        if offsetFrames < currentWindowMinimum { currentWindowMinimum = offsetFrames }
        var changed = bin > target
        if count == windowCapacity {
            let old = Int(ring[head])
            histogram.remove(old)
            if old > target { changed = true }
        } else {
            count &+= 1
        }
        ring[head] = Int32(truncatingIfNeeded: bin)
        head &+= 1
        if head == windowCapacity { head = 0 }
        histogram.add(bin)
        sinceUpdate &+= 1
        if sinceUpdate >= Self.updateInterval || changed {
            sinceUpdate = 0
            updateTarget()
            changed = true
        }
        packetsInWindow &+= 1
        if packetsInWindow == windowCapacity {
            closeWindow()
            changed = true
        }
        return changed
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

    /// Recomputes the target, moving the histogram's base first if the target is near an end.
    @inline(never)
    private mutating func updateTarget() {
        var best = histogram.bestOffset(delayCostPerFrame: delayCostPerFrame, networkLoss: lossFraction) ?? target
        if histogram.isNearEnd(best) {
            rebuild(base: best - JitterTransitHistogram.binCount / 4)
            best = histogram.bestOffset(delayCostPerFrame: delayCostPerFrame, networkLoss: lossFraction) ?? best
        }
        target = best
        if best > currentWindowMaximum { currentWindowMaximum = best }
    }

    /// Ends a window for the floor: its highest target joins the last `floorWindows - 1`, and
    /// its lowest transit the trend of lowest transits.
    @inline(never)
    private mutating func closeWindow() {
        packetsInWindow = 0
        windowMaxima[windowMaximaHead] = max(currentWindowMaximum, target)
        windowMinima[windowMaximaHead] = currentWindowMinimum.isFinite ? currentWindowMinimum : .nan
        windowMaximaHead = windowMaximaHead + 1 == floorWindows ? 0 : windowMaximaHead + 1
        currentWindowMaximum = target
        currentWindowMinimum = .infinity
        var highest = Int.min
        var index = 0
        // While loops, not `for in` a range: a debug build allocates iterating some ranges.
        while index < floorWindows {
            if index != windowMaximaHead { highest = max(highest, windowMaxima[index]) }
            index += 1
        }
        pastWindowsMaximum = highest
        let trend = lowestTransitTrend()
        fallPerBreakEven = trend < 0 ? Int(min(-trend, 1e6).rounded()) : 0
    }

    /// The least-squares slope of the windows' lowest transits, oldest to newest, times the
    /// number of windows: how far [frames] the lowest transit moves in a break-even time at
    /// the current pace; 0 with fewer than four windows measured.
    ///
    /// The lowest transit of a window is the path's base delay plus the least jitter: stalls
    /// and reordering, which hold packets back, do not move it; clock drift and route changes
    /// do.
    private func lowestTransitTrend() -> Double {
        var points = 0.0
        var sumX = 0.0
        var sumY = 0.0
        var sumXX = 0.0
        var sumXY = 0.0
        var age = 0
        var position = windowMaximaHead
        while age < floorWindows {
            // Oldest first: the head is the slot written longest ago.
            let value = windowMinima[position]
            if !value.isNaN {
                let x = Double(age)
                points += 1
                sumX += x
                sumY += value
                sumXX += x * x
                sumXY += x * value
            }
            position = position + 1 == floorWindows ? 0 : position + 1
            age += 1
        }
        let denominator = points * sumXX - sumX * sumX
        guard points >= 4, denominator > 0 else { return 0 }
        return (points * sumXY - sumX * sumY) / denominator * Double(floorWindows)
    }

    /// Moves the histogram to `base` and re-counts the ring into it.
    @inline(never)
    private mutating func rebuild(base: Int) {
        histogram.reset(base: base)
        var index = 0
        while index < count {
            histogram.add(Int(ring[index]))
            index += 1
        }
    }
}
