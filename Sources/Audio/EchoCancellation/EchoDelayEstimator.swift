import Glibc

/// Finds the bulk delay of the echo path (how many blocks after the far end plays its sound
/// the echo starts to reach the microphone) without the adaptive filter: by matching the
/// microphone's spectral envelope against the far end's envelope history.
///
/// Each block, the power spectra of the far end and the microphone are summed into `bands`
/// bands (the speech range, about 125 Hz up to three quarters of the bins), taken as
/// logarithms, and normalised per band by a slow running mean and variance. The far vectors
/// are kept for the last `maximumDelayBlocks` blocks; for every candidate delay d the
/// estimator smooths the correlation of the microphone's vector with the far vector d blocks
/// old. An echo follows the far envelope with its bulk delay (smeared later by the room's
/// reverberation), a near talker or noise follows nothing, so the correlation peaks just after
/// the start of the echo path; the estimate is where that peak starts to rise (the filter keeps
/// a margin before it). The estimate is reported once it stands out from the other delays
/// (``delayBlocks`` nil before); it then stays until a better one stands out.
///
/// ```
///  far |X|² ─► bands ─► log ─► normalise ─► history[d] ─┐
///                                                         ├─► corr[d] += r·(m·x[d] − corr[d]) ─► argmax
///  mic |D|² ─► bands ─► log ─► normalise ─► m ───────────┘
/// ```
///
/// All storage is allocated at init; ``update(farPower:micPower:farActive:learn:)`` allocates
/// nothing. Cost per block: 2·bands logarithms and `maximumDelayBlocks`·bands multiply-adds.
struct EchoDelayEstimator: ~Copyable {
    /// Candidate delays 0..<maximumDelayBlocks [blocks].
    let maximumDelayBlocks: Int
    /// Bands the spectra are summed into.
    let bands: Int
    /// First bin of the first band, and bins per band.
    private let firstBin: Int
    private let bandWidth: Int
    /// Normalised far vectors, `maximumDelayBlocks` × `bands`; slot `(newest + d) % D` is d
    /// blocks old.
    private let farHistory: UnsafeMutablePointer<Float>
    private var newest = 0
    /// The last block's log band powers.
    private let farPrevious: UnsafeMutablePointer<Float>
    private let micPrevious: UnsafeMutablePointer<Float>
    /// Running means and variances of the changes of the log band powers.
    private let farMean: UnsafeMutablePointer<Float>
    private let farVariance: UnsafeMutablePointer<Float>
    private let micMean: UnsafeMutablePointer<Float>
    private let micVariance: UnsafeMutablePointer<Float>
    /// The current microphone vector.
    private let micVector: UnsafeMutablePointer<Float>
    /// Smoothed correlation per candidate delay.
    private let correlation: UnsafeMutablePointer<Float>
    /// Blocks of statistics so far (the means' warm-up), correlation updates so far, and
    /// blocks since the far end was last active.
    private var blocks = 0
    private var updates = 0
    private var blocksSinceFar = Int.max / 2

    /// The bulk delay found [blocks], or nil while no delay stands out.
    private(set) var delayBlocks: Int?
    /// The best delay's correlation over the best one elsewhere (more than ``neighbourhood``
    /// blocks away).
    private(set) var confidence: Float = 0

    /// Weight of a new block in the band means and variances (about 1 s at 8 ms blocks).
    static let statisticsRate: Float = 0.008
    /// Weight of a new block in the correlations once warmed up (about 2 s).
    static let correlationRate: Float = 0.004
    /// Correlation updates before an estimate is reported (about 0.5 s of far activity).
    static let minimumUpdates = 60
    /// How many times the best delay's correlation must exceed the best elsewhere.
    static let minimumConfidence: Float = 1.4
    /// Correlation (of the normalised envelope changes, averaged over the bands) the best delay
    /// must reach: an echo reaches 0.05-0.2 here, unrelated sounds stay below 0.03.
    static let minimumCorrelation: Float = 0.04
    /// Share of the peak correlation that marks the peak's rising edge (the estimate).
    static let onsetShare: Float = 0.5
    /// Delays this close to the best [blocks] belong to its peak (reverberation, the window).
    static let neighbourhood = 4

    /// An estimator for spectra of `bins` bins (B + 1) and delays up to `maximumDelayBlocks`.
    init(bins: Int, maximumDelayBlocks: Int) {
        self.maximumDelayBlocks = max(maximumDelayBlocks, 1)
        // Bands from about 125 Hz (bin 2 at 62.5 Hz per bin and up) to 3/4 of the bins.
        let first = min(2, max(bins - 1, 0))
        let last = max(first + 1, bins * 3 / 4)
        let span = last - first
        let bands = min(24, max(span, 1))
        self.bands = bands
        self.firstBin = first
        self.bandWidth = max(1, span / bands)
        let zeros = SIMDMemory.zeros
        farHistory = zeros(self.maximumDelayBlocks * bands)
        farMean = zeros(bands)
        farPrevious = zeros(bands)
        micPrevious = zeros(bands)
        farVariance = zeros(bands)
        micMean = zeros(bands)
        micVariance = zeros(bands)
        micVector = zeros(bands)
        correlation = zeros(self.maximumDelayBlocks)
        reset()
    }

    deinit {
        farHistory.deallocate()
        farMean.deallocate()
        farPrevious.deallocate()
        micPrevious.deallocate()
        farVariance.deallocate()
        micMean.deallocate()
        micVariance.deallocate()
        micVector.deallocate()
        correlation.deallocate()
    }

    /// Forgets everything (a new call).
    mutating func reset() {
        farHistory.update(repeating: 0, count: maximumDelayBlocks * bands)
        farMean.update(repeating: 0, count: bands)
        farPrevious.update(repeating: -12, count: bands)
        micPrevious.update(repeating: -12, count: bands)
        farVariance.update(repeating: 1, count: bands)
        micMean.update(repeating: 0, count: bands)
        micVariance.update(repeating: 1, count: bands)
        micVector.update(repeating: 0, count: bands)
        correlation.update(repeating: 0, count: maximumDelayBlocks)
        newest = 0
        blocks = 0
        updates = 0
        blocksSinceFar = Int.max / 2
        delayBlocks = nil
        confidence = 0
    }

    /// One block: the far end's and the microphone's power spectra (`bins` each, of the same
    /// block), whether the far end was active in it, and whether the correlations may learn
    /// from it (false while a near-end talker is known to be present: it only adds noise).
    mutating func update(farPower: UnsafePointer<Float>, micPower: UnsafePointer<Float>, farActive: Bool, learn: Bool = true) {
        let D = maximumDelayBlocks, K = bands
        let rate = blocks < 50 ? 1 / Float(blocks + 1) : Self.statisticsRate
        blocks += 1
        newest = newest == 0 ? D - 1 : newest - 1
        let slot = farHistory + newest * K
        Self.normalise(farPower, into: slot, previous: farPrevious, mean: farMean, variance: farVariance, rate: rate,
                       firstBin: firstBin, bandWidth: bandWidth, bands: K)
        Self.normalise(micPower, into: micVector, previous: micPrevious, mean: micMean, variance: micVariance, rate: rate,
                       firstBin: firstBin, bandWidth: bandWidth, bands: K)
        blocksSinceFar = farActive ? 0 : blocksSinceFar + 1
        // Learn only while some far sound within reach of the longest delay can be echoing.
        guard learn, blocksSinceFar < D, blocks > 8 else { return }
        updates += 1
        let step = max(1 / Float(updates), Self.correlationRate)
        for d in 0..<D {
            let x = farHistory + ((newest + d) % D) * K
            var dot: Float = 0
            for b in 0..<K { dot += micVector[b] * x[b] }
            let value = dot / Float(K)
            correlation[d] += step * ((value.isFinite ? value : 0) - correlation[d])
        }
        choose()
    }

    /// The best delay, if it stands out enough from the rest: its correlation at least
    /// ``minimumCorrelation`` and ``minimumConfidence`` times the best correlation more than
    /// ``neighbourhood`` blocks away from it (sounds that merely resemble each other, such as
    /// a near talker's syllables and the far end's, correlate weakly at many delays at once).
    private mutating func choose() {
        let D = maximumDelayBlocks
        var best = 0
        for d in 1..<max(D, 1) where correlation[d] > correlation[best] { best = d }
        var rival: Float = 0
        for d in 0..<D where abs(d - best) > Self.neighbourhood { rival = max(rival, correlation[d]) }
        let peak = correlation[best]
        let ratio = peak / max(rival, 1e-6)
        confidence = ratio.isFinite ? ratio : 0
        // Early on the averages are short, and unrelated envelopes correlate by chance: about
        // 1/sqrt(averaged values) at each delay; the best of many delays reaches ~3 times that.
        let averaged = Float(min(updates, Int(1 / Self.correlationRate)) * bands)
        let chance = 2 / averaged.squareRoot()
        if updates >= Self.minimumUpdates && peak >= Self.minimumCorrelation + chance
            && confidence >= Self.minimumConfidence {
            // The echo starts where the peak starts to rise: reverberation and smooth
            // envelopes spread it to later delays, never to earlier ones.
            var onset = best
            while onset > 0 && correlation[onset - 1] >= Self.onsetShare * peak { onset -= 1 }
            delayBlocks = onset
        }
    }

    /// Band sums of `power`, the change of their logarithms since the last block (onsets and
    /// decays, which the echo repeats at its bulk delay; the slow envelope, which reverberation
    /// smears later, drops out), normalised by (and updating) the running mean and variance.
    private static func normalise(
        _ power: UnsafePointer<Float>, into vector: UnsafeMutablePointer<Float>,
        previous: UnsafeMutablePointer<Float>,
        mean: UnsafeMutablePointer<Float>, variance: UnsafeMutablePointer<Float>, rate: Float,
        firstBin: Int, bandWidth: Int, bands: Int
    ) {
        for b in 0..<bands {
            var sum: Float = 1e-12
            let start = firstBin + b * bandWidth
            for k in start..<(start + bandWidth) {
                let p = power[k]
                if p.isFinite { sum += p }
            }
            let level = log10f(sum)
            let change = level - previous[b]
            previous[b] = level
            mean[b] += rate * (change - mean[b])
            let deviation = change - mean[b]
            variance[b] += rate * (deviation * deviation - variance[b])
            vector[b] = deviation / (variance[b] + 1e-3).squareRoot()
        }
    }
}
