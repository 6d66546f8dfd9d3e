/// Chooses the playout offset that would have given the best call quality over the recent
/// arrivals, and the lowest offset that would have done no worse over a longer past.
///
/// Each packet's *relative transit* is its arrival time minus its RTP timestamp in µs; only
/// differences between packets matter, so the unknown clock offset between sender and receiver
/// cancels. Measured from the consumer's anchor in frames and rounded up, it is the smallest
/// playout offset at which the packet would have been on time: its *bin*. For a window of
/// packets, the best offset `n` minimises the E-model impairment (``CallQuality``):
///
/// ```
/// cost(n) = 0.024 · frameMs · n + Ie(100 · (netLoss + (1 − netLoss) · late(n)))
/// late(n) = (packets in the window with bin > n) / (packets in the window)
/// ```
///
/// that is the R-optimal trade of delay against late loss, on the grid of offsets the frame
/// clock can play at. Two windows of the same ring of bins give two answers:
///
/// - ``target``, over ``JitterBufferConfiguration/statisticsWindowMs`` (short): where the
///   consumer grows to at once, and shrinks to whenever that costs no packet.
/// - ``shrinkFloor``, over the *break-even time* (about 15.8 s): the time one frame of extra
///   delay must last to cost as much R as one lost packet. Dropping a packet to shrink is only
///   worth it when the shorter delay would have done as well for that long (and so, as far as
///   anyone can tell, will for as long again), so the consumer never drops below this.
///
/// Sliding windows (rather than decaying ones) let both follow clock drift and route changes
/// once the old arrivals have left them. Both histograms share a base bin, moved to keep the
/// target a quarter of the way up. Targets are recomputed when a packet above them enters or
/// leaves a window, and every ``updateInterval`` packets otherwise. All storage is allocated
/// by `init` and freed by `deinit`; nothing in between allocates.
///
/// `@unchecked Sendable`: the raw memory is owned by this non-copyable value alone, so sending
/// the value moves the memory with it.
struct JitterDelayEstimator: ~Copyable, @unchecked Sendable {
    /// Targets are recomputed at least every this many packets.
    static let updateInterval = 16
    /// The largest |bin| stored, so that hostile timestamps cannot overflow anything.
    static let binLimit = 1 << 24
    /// How long one frame of extra delay costs as much R as one lost packet, at no loss [ms]:
    /// `Ie'(0) · 1 % / 0.024 per ms`, about 15.8 s whatever the frame length.
    static let breakEvenMs = 100 * CallQuality.lossImpairmentSlope(lossPercent: 0) / CallQuality.delayImpairmentPerMs

    /// One frame [µs].
    let frameMicroseconds: Double
    /// The R points one frame of extra delay costs.
    let delayCostPerFrame: Double
    /// Packets in the short window.
    let shortCapacity: Int
    /// Packets in the long window (the ring's size).
    let longCapacity: Int
    /// The weight of one packet in the network loss average.
    private let lossStep: Double

    /// The bins of the last `longCapacity` packets, a ring.
    private let ring: UnsafeMutablePointer<Int32>
    private var head = 0
    private var count = 0
    private var short = JitterTransitHistogram()
    private var long = JitterTransitHistogram()
    private var sinceUpdate = 0
    /// The fraction of packets the network lost, averaged over about a long window.
    private(set) var lossFraction = 0.0
    /// The best offset over the short window [frames after the anchor].
    private(set) var target = 0
    /// The best offset over the long window [frames after the anchor].
    private(set) var shrinkFloor = 0

    /// An empty estimator for frames of `frameMicroseconds` and a short window of `windowMs`.
    init(frameMicroseconds: Double, windowMs: Int) {
        self.frameMicroseconds = frameMicroseconds
        delayCostPerFrame = CallQuality.delayImpairmentPerMs * frameMicroseconds / 1000
        func packets(_ milliseconds: Double) -> Int {
            Int(min(max((milliseconds * 1000 / frameMicroseconds).rounded(), 16), 65_536))
        }
        shortCapacity = packets(Double(windowMs))
        longCapacity = max(shortCapacity, packets(Self.breakEvenMs))
        lossStep = 1 / Double(longCapacity)
        ring = UnsafeMutablePointer<Int32>.allocate(capacity: longCapacity)
        ring.initialize(repeating: 0, count: longCapacity)
    }

    deinit {
        ring.deallocate()
    }

    /// Forgets every packet (a new stream); keeps the storage.
    mutating func reset() {
        head = 0
        count = 0
        short.reset(base: -JitterTransitHistogram.binCount / 4)
        long.reset(base: -JitterTransitHistogram.binCount / 4)
        sinceUpdate = 0
        lossFraction = 0
        target = 0
        shrinkFloor = 0
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

    /// Adds a packet with bin `bin` to both windows, dropping the oldest of each when full.
    ///
    /// - Returns: Whether ``target`` or ``shrinkFloor`` changed.
    mutating func add(bin: Int) -> Bool {
        var tailChanged = bin > target || bin > shrinkFloor
        if count >= shortCapacity {
            var leaving = head - shortCapacity
            if leaving < 0 { leaving += longCapacity }
            let old = Int(ring[leaving])
            short.remove(old)
            if old > target { tailChanged = true }
        }
        if count == longCapacity {
            let old = Int(ring[head])
            long.remove(old)
            if old > shrinkFloor { tailChanged = true }
        } else {
            count += 1
        }
        ring[head] = Int32(truncatingIfNeeded: bin)
        head += 1
        if head == longCapacity { head = 0 }
        short.add(bin)
        long.add(bin)
        sinceUpdate += 1
        guard sinceUpdate >= Self.updateInterval || tailChanged else { return false }
        sinceUpdate = 0
        let previous = (target, shrinkFloor)
        updateTargets()
        return (target, shrinkFloor) != previous
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

    /// Recomputes both targets, moving the histograms' base first if the target is near an end.
    @inline(never)
    private mutating func updateTargets() {
        var best = short.bestOffset(delayCostPerFrame: delayCostPerFrame, networkLoss: lossFraction) ?? target
        if short.isNearEnd(best) {
            rebuild(base: best - JitterTransitHistogram.binCount / 4)
            best = short.bestOffset(delayCostPerFrame: delayCostPerFrame, networkLoss: lossFraction) ?? best
        }
        target = best
        shrinkFloor = long.bestOffset(delayCostPerFrame: delayCostPerFrame, networkLoss: lossFraction) ?? best
    }

    /// Moves both histograms to `base` and re-counts the ring into them.
    @inline(never)
    private mutating func rebuild(base: Int) {
        short.reset(base: base)
        long.reset(base: base)
        // While loops, not `for in` a range: a debug build allocates iterating some ranges.
        var position = head
        var remaining = count
        var age = 0
        while remaining > 0 {
            remaining -= 1
            position = position == 0 ? longCapacity - 1 : position - 1
            let bin = Int(ring[position])
            long.add(bin)
            if age < shortCapacity { short.add(bin) }
            age += 1
        }
    }
}
