import Glibc

/// The linear echo canceller behind ``CaptureProcessor``: a partitioned-block frequency-domain
/// adaptive filter (overlap-save, blocks of B samples, FFTs of 2B) whose partitions cover the
/// whole echo path the caller allows, bulk delay included. An ``EchoDelayEstimator`` finds the
/// bulk delay from the signals' envelopes; the filters then use only the partitions from a
/// little before it on (``activeStart``), so that the step and the cost go to the path itself.
/// Until a delay stands out, and whenever it moves earlier, every partition is in use.
///
/// ```
///  far ─┬─► FFT ─► X(p) ring ─► Σ W(p)·X(p) ─► IFFT ─► ŷ ─┐
///       │                                                  ▼
///  mic ─┼───────────────────────────────────────────────► e = mic − ŷ ─► out
///       └── W(p) += μ(k)·prop(p)·conj X(p)·E / Px(k)    ◄── FFT(0,e)
/// ```
///
/// Two filters (Ochiai's foreground/background scheme): the background adapts all the time
/// with a normalised step; the foreground produces the output and only changes by copying the
/// background when the background's error has been clearly smaller for a few blocks. Near-end
/// speech (double talk) disturbs the background, whose error then grows, so nothing is copied
/// and the foreground keeps cancelling; a background far worse than the foreground is reset
/// to it. The step is shared between partitions in proportion to their energy (a proportionate
/// NLMS, normalised per bin by Σ share·|X|²), so that the partitions before the bulk delay and
/// in the quiet end of the tail take little of it. The gradient constraint (zeroing the
/// circular half) is applied to a few partitions per block in turn. The leakage (residual echo
/// over echo-estimate power) is estimated by regressing the error power on the echo-estimate
/// power over time (as in J.-M. Valin, IEEE TASLP 2007) for statistics and double-talk
/// detection. Double talk is the error far above that residual once the filter has matured,
/// or, from much earlier, a clear share of the microphone that neither filter's echo estimate
/// explains (``DoubleTalkCoherence``), which also vetoes the first test when it finds nothing
/// unexplained.
///
/// All storage is allocated at init; a block allocates nothing. Samples are floats of full
/// scale 1. Non-finite input is replaced by silence; a diverged or non-finite filter restarts.
struct AdaptiveEchoFilter: ~Copyable {
    /// Samples per block (B).
    let blockSamples: Int
    /// Spectrum bins (B + 1).
    let bins: Int
    /// `bins` padded to a multiple of eight: the stride of every spectrum array.
    let stride: Int
    /// Partitions of B samples the filter spans.
    let partitions: Int
    /// Partitions whose gradient constraint is applied each block.
    private let constraintsPerBlock: Int
    private let fft: RealFFT

    /// The last two far blocks, oldest first (2B).
    private let farTime: UnsafeMutablePointer<Float>
    /// Far spectra, `partitions` slots; slot `(newest + p) % partitions` is p blocks old.
    private let farReal: UnsafeMutablePointer<Float>
    private let farImaginary: UnsafeMutablePointer<Float>
    private var newest = 0
    /// Background (adapting) and foreground (output) filter partitions.
    private let backgroundReal: UnsafeMutablePointer<Float>
    private let backgroundImaginary: UnsafeMutablePointer<Float>
    private let foregroundReal: UnsafeMutablePointer<Float>
    private let foregroundImaginary: UnsafeMutablePointer<Float>
    /// Echo estimates of both filters and the background's error spectrum.
    private let backgroundEchoReal: UnsafeMutablePointer<Float>
    private let backgroundEchoImaginary: UnsafeMutablePointer<Float>
    private let echoReal: UnsafeMutablePointer<Float>
    private let echoImaginary: UnsafeMutablePointer<Float>
    private let errorReal: UnsafeMutablePointer<Float>
    private let errorImaginary: UnsafeMutablePointer<Float>
    /// 2B time-domain scratch blocks.
    private let scratch: UnsafeMutablePointer<Float>
    private let backgroundError: UnsafeMutablePointer<Float>
    /// Σ share(p)·|X(p)|² per bin: the proportionate NLMS normaliser.
    private let farPower: UnsafeMutablePointer<Float>
    /// Slow means of the foreground's error and echo-estimate powers (leakage regression).
    private let errorMean: UnsafeMutablePointer<Float>
    private let echoMean: UnsafeMutablePointer<Float>
    /// μ(k)·E(k)/(Σ share·|X|²), the common factor of every partition's update.
    private let stepReal: UnsafeMutablePointer<Float>
    private let stepImaginary: UnsafeMutablePointer<Float>
    /// Energy and step share of each background partition; energy of the foreground's.
    private let partitionEnergy: UnsafeMutablePointer<Float>
    private let proportion: UnsafeMutablePointer<Float>
    private let foregroundEnergy: UnsafeMutablePointer<Float>
    /// |X(p*)|² per bin, p* the foreground's strongest partition: the far power that arrives
    /// with the echo's main part (for the suppressor's reverberation model).
    let delayedFarPower: UnsafeMutablePointer<Float>
    /// Sanitised copies of the inputs (B each).
    private let farBlock: UnsafeMutablePointer<Float>
    private let micBlock: UnsafeMutablePointer<Float>
    /// The last two microphone blocks (2B), their spectrum, and the power spectra of the
    /// newest far and microphone blocks (for the delay estimator).
    private let micTime: UnsafeMutablePointer<Float>
    private let micReal: UnsafeMutablePointer<Float>
    private let micImaginary: UnsafeMutablePointer<Float>
    private let farPowerNow: UnsafeMutablePointer<Float>
    private let micPowerNow: UnsafeMutablePointer<Float>
    /// Finds the bulk delay from the envelopes, so that the filter spans the path after it.
    private var delayEstimator: EchoDelayEstimator
    /// The coherence double-talk measure, and the spectra of the zero-padded newest
    /// microphone block and of the background's error it is fed.
    private var coherence: DoubleTalkCoherence
    private let micBlockReal: UnsafeMutablePointer<Float>
    private let micBlockImaginary: UnsafeMutablePointer<Float>
    private let backgroundErrorReal: UnsafeMutablePointer<Float>
    private let backgroundErrorImaginary: UnsafeMutablePointer<Float>
    /// Whether the echo estimates have once explained ``coherenceReadyShare`` of the
    /// microphone above the noise since the last (re)start (latched): the coherence test is
    /// used from then on.
    private var coherenceReady = false
    /// Slow mean of the coherence measure's near-to-echo ratio over far-active blocks not
    /// judged double talk (-1 until the first): what the filter leaves unexplained by itself.
    private var ratioBaseline: Float = -1
    static let coherenceReadyShare: Float = 0.6
    /// The coherence test: unexplained over explained power above this, and above
    /// ``coherenceBaselineFactor`` times the baseline, with the microphone at least
    /// ``coherenceAudibleFactor`` times the noise.
    static let coherenceRatio: Float = 0.5
    static let coherenceBaselineFactor: Float = 3
    static let coherenceAudibleFactor: Float = 4
    /// First partition the filters use: the estimated bulk delay less ``delayMargin``, 0 until
    /// a delay is found. Partitions before it hold zeros and cost nothing.
    private(set) var activeStart = 0
    /// A later start waits until the estimate has held this many blocks.
    private var laterStartBlocks = 0
    /// Partitions kept before the estimated delay (the estimate may be a block or two late).
    static let delayMargin = 4
    /// Blocks a later estimate must hold before the filter's start moves to it (about 0.2 s).
    static let laterStartHold = 25
    /// Share of a filter's energy the partitions given up by a later start may hold at most.
    static let droppableShare: Float = 0.02
    /// Partitions the filter keeps active however late the estimated delay is.
    static let minimumActivePartitions = 8

    private var constraintCursor = 0
    /// Residual echo power over echo-estimate power of the foreground, and its regression sums.
    private(set) var leakage: Float = Self.initialLeakage
    private var leakageCovariance: Float = 0
    private var leakageVariance: Float = 0
    /// Far-active blocks adapted since the last (re)start.
    private var adaptedBlocks = 0
    /// Smoothed block energies of the two filters' errors, and blocks the background has led.
    private(set) var backgroundErrorSmoothed: Float = 0
    private(set) var foregroundErrorSmoothed: Float = 0
    private var backgroundLeads = 0
    /// Watches the two filters through double talk for an echo path change.
    private var pathChange = PathChangeWatch()
    /// Foreground copies taken in double talk because the echo path changed.
    private(set) var pathChanges = 0
    private(set) var micEnergyShort: Float = 0
    /// Background error over microphone energy below which it may be copied (-5 dB).
    static let copyRatio: Float = 0.3
    /// Background over foreground error energy above which the background is reset (+3 dB).
    static let resetRatio: Float = 2
    /// Whether the filter has once reached ``doubleTalkMinimumERLE`` (or, in a noisy room, the
    /// noise floor: ``noiseLimitedMinimumERLE``) since the last (re)start:
    /// double talk is detected from then on (latched, so that a filter double talk has made
    /// worse does not stop the detection that protects it).
    private var matured = false
    /// Whether the foreground has received a filter since the last (re)start.
    private var foregroundSet = false
    /// Consecutive blocks in which the output error was far louder than the microphone, and
    /// the smoothed energies compared.
    private var divergingBlocks = 0
    private var micEnergyDivergence: Float = 0
    private var errorEnergyDivergence: Float = 0
    /// Smoothed microphone and error block energies during far activity (the ERLE estimate).
    private var micEnergySmoothed: Float = 0
    private var errorEnergySmoothed: Float = 0
    /// Slowly rising minimum of the error block energy (the capture noise floor).
    private var errorFloor: Float = 0

    /// Blocks double talk is held after the last block that showed it, and blocks of the
    /// current double-talk run.
    private var doubleTalkHangover = 0
    private var doubleTalkRun = 0
    static let doubleTalkHangoverBlocks = 25
    /// Double-talk blocks after which adaptation resumes (an echo path change, not a talker).
    var longestDoubleTalkBlocks: Int { Int(Self.longestDoubleTalkSeconds * Float(blockRate)) }
    /// Blocks per second.
    var blockRate: Int { 125 * 128 / blockSamples }
    static let longestDoubleTalkSeconds: Float = 4
    /// Whether the last block was judged double talk.
    private(set) var doubleTalk = false
    /// Whether the last block was double talk only by the hangover (no talker seen in it).
    private(set) var doubleTalkHeld = false
    /// Whether the last block's input was clipped.
    private(set) var clipped = false
    /// Whether the far end was active (and not clipped) in the last block.
    private(set) var farActive = false
    /// Restarts after divergence or a non-finite state.
    private(set) var restarts = 0

    static let initialLeakage: Float = 0.5
    /// Bounds of the background's normalised step, and how much the error floor (a minimum)
    /// is scaled to estimate the noise in the error.
    static let maximumStep: Float = 0.8
    static let minimumStep: Float = 0.15
    static let noiseFloorFactor: Float = 1.5
    /// Smoothed ERLE [dB] the filter must once reach before double talk is detected: the
    /// detection threshold (error 4× = 6 dB above the expected residual) plus 6 dB, so that a
    /// young filter's unmodelled echo is not taken for a talker.
    static let doubleTalkMinimumERLE: Float = 12
    /// Or, where noise limits the ERLE: at least this ERLE [dB], with the smoothed error
    /// during far activity below ``noiseLimitedErrorFactor`` times ``errorFloor`` (about
    /// 8 dB above the floor, i.e. the residual echo at most a few times the noise).
    static let noiseLimitedMinimumERLE: Float = 6
    static let noiseLimitedErrorFactor: Float = 6
    static let doubleTalkCoherence: Float = 0.95
    static let copyCoherence: Float = 0.8
    /// Share of the microphone's power explained linearly by the echo estimate (set by the
    /// owner from the suppressor, one block late); 1 when unknown.
    var explainedShare: Float = 1
    static let proportionFloor: Float = 0.2
    /// Normaliser regularisation, as a share of the mean far power per bin: keeps bins the far
    /// end hardly excites (between the harmonics of a voiced sound) from taking huge steps.
    static let regularisationShare: Float = 0.1
    /// Far block power below which nothing adapts (-70 dBFS).
    static let farActivePower: Float = 1e-7
    /// |sample| at or above which the block counts as clipped.
    static let clipLevel: Float = 32_700 / 32_768

    /// A filter of `partitions` blocks of `blockSamples` (a power of two).
    init(blockSamples: Int, partitions: Int) {
        self.blockSamples = blockSamples
        self.bins = blockSamples + 1
        let stride = SIMDMemory.padded(blockSamples + 1)
        self.stride = stride
        self.partitions = max(partitions, 1)
        self.constraintsPerBlock = max(1, (self.partitions + 15) / 16)
        self.fft = RealFFT(count: 2 * blockSamples)
        let zeros = SIMDMemory.zeros
        let spectra = self.partitions * stride
        farTime = zeros(2 * blockSamples)
        farReal = zeros(spectra)
        farImaginary = zeros(spectra)
        backgroundReal = zeros(spectra)
        backgroundImaginary = zeros(spectra)
        foregroundReal = zeros(spectra)
        foregroundImaginary = zeros(spectra)
        backgroundEchoReal = zeros(stride)
        backgroundEchoImaginary = zeros(stride)
        echoReal = zeros(stride)
        echoImaginary = zeros(stride)
        errorReal = zeros(stride)
        errorImaginary = zeros(stride)
        scratch = zeros(2 * blockSamples)
        backgroundError = zeros(blockSamples)
        farPower = zeros(stride)
        errorMean = zeros(stride)
        echoMean = zeros(stride)
        stepReal = zeros(stride)
        stepImaginary = zeros(stride)
        partitionEnergy = zeros(self.partitions)
        proportion = zeros(self.partitions)
        foregroundEnergy = zeros(self.partitions)
        farBlock = zeros(blockSamples)
        micBlock = zeros(blockSamples)
        delayedFarPower = zeros(stride)
        micTime = zeros(2 * blockSamples)
        micReal = zeros(stride)
        micImaginary = zeros(stride)
        farPowerNow = zeros(stride)
        micPowerNow = zeros(stride)
        delayEstimator = EchoDelayEstimator(bins: blockSamples + 1, maximumDelayBlocks: self.partitions)
        coherence = DoubleTalkCoherence(bins: blockSamples + 1)
        micBlockReal = zeros(stride)
        micBlockImaginary = zeros(stride)
        backgroundErrorReal = zeros(stride)
        backgroundErrorImaginary = zeros(stride)
        reset()
    }

    deinit {
        farTime.deallocate()
        farReal.deallocate()
        farImaginary.deallocate()
        backgroundReal.deallocate()
        backgroundImaginary.deallocate()
        foregroundReal.deallocate()
        foregroundImaginary.deallocate()
        backgroundEchoReal.deallocate()
        backgroundEchoImaginary.deallocate()
        echoReal.deallocate()
        echoImaginary.deallocate()
        errorReal.deallocate()
        errorImaginary.deallocate()
        scratch.deallocate()
        backgroundError.deallocate()
        farPower.deallocate()
        errorMean.deallocate()
        echoMean.deallocate()
        stepReal.deallocate()
        stepImaginary.deallocate()
        partitionEnergy.deallocate()
        proportion.deallocate()
        foregroundEnergy.deallocate()
        farBlock.deallocate()
        micBlock.deallocate()
        delayedFarPower.deallocate()
        micTime.deallocate()
        micReal.deallocate()
        micImaginary.deallocate()
        farPowerNow.deallocate()
        micPowerNow.deallocate()
        micBlockReal.deallocate()
        micBlockImaginary.deallocate()
        backgroundErrorReal.deallocate()
        backgroundErrorImaginary.deallocate()
    }

    /// Forgets the echo path and the far history.
    mutating func reset() {
        let spectra = partitions * stride
        farTime.update(repeating: 0, count: 2 * blockSamples)
        farReal.update(repeating: 0, count: spectra)
        farImaginary.update(repeating: 0, count: spectra)
        newest = 0
        micTime.update(repeating: 0, count: 2 * blockSamples)
        delayEstimator.reset()
        coherence.reset()
        activeStart = 0
        laterStartBlocks = 0
        restartFilter()
        delayedFarPower.update(repeating: 0, count: stride)
        restarts = 0
        micEnergySmoothed = 0
        errorEnergySmoothed = 0
        errorFloor = 0
        doubleTalk = false
        doubleTalkHeld = false
        clipped = false
        farActive = false
    }

    /// Zeroes both filters and the step-control state, keeping the far history.
    private mutating func restartFilter() {
        let spectra = partitions * stride
        backgroundReal.update(repeating: 0, count: spectra)
        backgroundImaginary.update(repeating: 0, count: spectra)
        foregroundReal.update(repeating: 0, count: spectra)
        foregroundImaginary.update(repeating: 0, count: spectra)
        errorMean.update(repeating: 0, count: stride)
        echoMean.update(repeating: 0, count: stride)
        partitionEnergy.update(repeating: 0, count: partitions)
        foregroundEnergy.update(repeating: 0, count: partitions)
        proportion.update(repeating: 1 / Float(partitions), count: partitions)
        leakage = Self.initialLeakage
        leakageCovariance = 0
        leakageVariance = 0
        adaptedBlocks = 0
        divergingBlocks = 0
        doubleTalkHangover = 0
        doubleTalkRun = 0
        constraintCursor = 0
        backgroundErrorSmoothed = 0
        foregroundErrorSmoothed = 0
        backgroundLeads = 0
        pathChange = PathChangeWatch()
        foregroundSet = false
        matured = false
        coherenceReady = false
        ratioBaseline = -1
        peakPartition = 0
        tailDecay = Self.initialTailDecay
        blocksSinceShape = 0
    }

    /// The foreground's strongest partition and the per-block power decay of its tail after
    /// it, renewed every ``shapeInterval`` blocks.
    private(set) var peakPartition = 0
    private(set) var tailDecay: Float = Self.initialTailDecay
    private var blocksSinceShape = 0
    static let initialTailDecay: Float = 0.6
    static let shapeInterval = 16

    /// Finds the peak partition and fits the decay of the partitions after it: a least-squares
    /// line through their log energies, down to 40 dB below the peak.
    private mutating func measureShape() {
        let P = partitions
        var best = activeStart
        for p in activeStart..<P where foregroundEnergy[p] > foregroundEnergy[best] { best = p }
        guard foregroundEnergy[best] > 0 else { return }
        peakPartition = best
        let floor = foregroundEnergy[best] * 1e-4
        var n: Float = 0, sx: Float = 0, sy: Float = 0, sxx: Float = 0, sxy: Float = 0
        var p = best
        while p < P, foregroundEnergy[p] > floor {
            let x = Float(p - best), y = log10f(foregroundEnergy[p])
            n += 1
            sx += x
            sy += y
            sxx += x * x
            sxy += x * y
            p += 1
        }
        guard n >= 3 else { return }
        let slope = (n * sxy - sx * sy) / max(n * sxx - sx * sx, 1e-12)
        let decay = powf(10, slope)
        if decay.isFinite { tailDecay = min(0.97, max(0.3, decay)) }
    }

    /// Blocks of far activity (about 0.5 s) before the estimates are trusted.
    var startupBlocks: Int { max(8, 8_000 / blockSamples) }

    /// Whether the filter has adapted long enough for its estimates to mean something.
    var isAdapted: Bool { adaptedBlocks >= startupBlocks && foregroundSet }

    /// Smoothed microphone-over-error power during far activity [dB].
    var erleDecibels: Float {
        guard errorEnergySmoothed > 0, micEnergySmoothed > 0 else { return 0 }
        return 10 * log10f(micEnergySmoothed / errorEnergySmoothed)
    }

    /// The block offset of the foreground's most energetic partition, or nil before adaptation.
    var strongestPartition: Int? {
        guard isAdapted else { return nil }
        var best = activeStart
        for p in activeStart..<partitions where foregroundEnergy[p] > foregroundEnergy[best] { best = p }
        return foregroundEnergy[best] > 0 ? best : nil
    }

    /// One block: `far` and `mic` (B each) in; `error` = mic minus the foreground's echo
    /// estimate and `echo` = that estimate out (B each).
    mutating func process(
        far: UnsafePointer<Float>, mic: UnsafePointer<Float>,
        error: UnsafeMutablePointer<Float>, echo: UnsafeMutablePointer<Float>
    ) {
        let B = blockSamples, S = stride, P = partitions
        // Sanitise: non-finite samples become silence; note clipping.
        var farEnergy: Float = 0, micEnergy: Float = 0
        var clippedNow = false
        for i in 0..<B {
            var x = far[i], d = mic[i]
            if !x.isFinite { x = 0 }
            if !d.isFinite { d = 0 }
            if abs(x) >= Self.clipLevel || abs(d) >= Self.clipLevel { clippedNow = true }
            farBlock[i] = x
            micBlock[i] = d
            farEnergy += x * x
            micEnergy += d * d
        }
        clipped = clippedNow
        let farPresent = farEnergy > Self.farActivePower * Float(B)
        farActive = farPresent && !clippedNow

        // Far spectrum into the newest slot.
        for i in 0..<B { farTime[i] = farTime[i + B] }
        for i in 0..<B { farTime[B + i] = farBlock[i] }
        newest = newest == 0 ? P - 1 : newest - 1
        fft.forward(farTime, real: farReal + newest * S, imaginary: farImaginary + newest * S)
        estimateDelay()

        filter()
        // Time-domain echo estimates (overlap-save: the last B samples) and errors.
        fft.inverse(real: backgroundEchoReal, imaginary: backgroundEchoImaginary, output: scratch)
        var backgroundEnergy: Float = 0
        for i in 0..<B {
            let e = micBlock[i] - scratch[B + i]
            backgroundError[i] = e
            backgroundEnergy += e * e
        }
        fft.inverse(real: echoReal, imaginary: echoImaginary, output: scratch)
        var errorEnergy: Float = 0
        var echoEnergy: Float = 0
        for i in 0..<B {
            let y = scratch[B + i]
            echo[i] = y
            let e = micBlock[i] - y
            error[i] = e
            errorEnergy += e * e
            echoEnergy += y * y
        }
        guard errorEnergy.isFinite, echoEnergy.isFinite, backgroundEnergy.isFinite else {
            // A non-finite filter: start over and pass the microphone through.
            restartFilter()
            restarts += 1
            for i in 0..<B {
                error[i] = micBlock[i]
                echo[i] = 0
            }
            return
        }
        // The microphone block's spectrum (zero-padded like the errors'), and the capture
        // noise in it, for the coherence measure.
        for i in 0..<B { scratch[i] = 0 }
        for i in 0..<B { scratch[B + i] = micBlock[i] }
        fft.forward(scratch, real: micBlockReal, imaginary: micBlockImaginary)
        coherence.trackNoise(micReal: micBlockReal, micImaginary: micBlockImaginary)
        // Divergence of the output: an error much louder than the microphone, both smoothed
        // over about 80 ms, for 16 blocks on end.
        micEnergyDivergence = 0.9 * micEnergyDivergence + 0.1 * micEnergy
        errorEnergyDivergence = 0.9 * errorEnergyDivergence + 0.1 * errorEnergy
        if errorEnergyDivergence > 4 * micEnergyDivergence + 4 * errorFloor + 1e-7 * Float(B) {
            divergingBlocks += 1
            if divergingBlocks >= 16 {
                restartFilter()
                restarts += 1
            }
        } else {
            divergingBlocks = 0
        }
        // The ERLE estimate learns outside double talk only (a talker is not a bad filter),
        // unless "double talk" lasts so long that it must be an echo path change.
        if farActive && (!doubleTalk || doubleTalkRun > longestDoubleTalkBlocks) {
            micEnergySmoothed = 0.98 * micEnergySmoothed + 0.02 * micEnergy
            errorEnergySmoothed = 0.98 * errorEnergySmoothed + 0.02 * errorEnergy
        }
        errorFloor = errorFloor == 0 || errorEnergy < errorFloor ? errorEnergy : errorFloor * 1.002
        // The echo's main delay: the foreground's peak once there is one, else the estimate.
        let mainDelay = foregroundSet ? peakPartition : min(delayEstimator.delayBlocks ?? peakPartition, P - 1)
        let delayedSlot = (newest + mainDelay) % P
        for k in 0..<bins {
            let xr = farReal[delayedSlot * S + k], xi = farImaginary[delayedSlot * S + k]
            delayedFarPower[k] = xr * xr + xi * xi
        }
        blocksSinceShape += 1
        if blocksSinceShape >= Self.shapeInterval && foregroundSet {
            blocksSinceShape = 0
            measureShape()
        }
        guard farActive else {
            // A pause of the far end (between its words, while their echo still arrives over
            // a long path) does not end double talk: the last decision holds through its
            // hangover, so that the post-filter stays gentle on a talker the echo overlaps.
            if doubleTalkHangover > 0 { doubleTalkHangover -= 1 }
            doubleTalk = doubleTalkHangover > 0
            doubleTalkHeld = doubleTalk
            return
        }
        estimateLeakage(error: error, echo: echo)
        // The background's error spectrum (zero-padded block): the update's gradient, and
        // with the microphone's the coherence measure.
        for i in 0..<B { scratch[i] = 0 }
        for i in 0..<B { scratch[B + i] = backgroundError[i] }
        fft.forward(scratch, real: backgroundErrorReal, imaginary: backgroundErrorImaginary)
        coherence.update(
            micReal: micBlockReal, micImaginary: micBlockImaginary,
            foregroundEchoReal: echoReal, foregroundEchoImaginary: echoImaginary,
            backgroundErrorReal: backgroundErrorReal, backgroundErrorImaginary: backgroundErrorImaginary,
            foregroundSet: foregroundSet)
        if isAdapted && coherence.explainedShare >= Self.coherenceReadyShare { coherenceReady = true }
        // Double talk: the output error far above what the residual echo and noise explain.
        // Not while the filter is young: an error it cannot explain yet is most likely echo.
        // And only when the microphone is no longer mostly explained by the echo estimate
        // (the suppressor's coherence measure, one block old): a poorly modelled echo stays
        // coherent with the estimate, a near-end talker is not.
        if isAdapted && erleDecibels >= Self.doubleTalkMinimumERLE { matured = true }
        // In a noisy room the ERLE estimate stops short of that minimum however good the
        // filter: the error is mostly noise. A filter that has taken the error during far
        // activity to within a few times the noise floor has left little echo to mistake for
        // a talker either.
        if isAdapted && erleDecibels >= Self.noiseLimitedMinimumERLE
            && errorEnergySmoothed < Self.noiseLimitedErrorFactor * errorFloor {
            matured = true
        }
        let energyTest = matured
            && explainedShare < Self.doubleTalkCoherence
            && errorEnergy > 4 * (leakage * echoEnergy + 2 * errorFloor)
        // Or the coherence test, which needs neither a mature filter nor a leakage estimate:
        // the microphone holds, above the noise, a clear share that neither filter's echo
        // estimate explains, well above what the filter leaves unexplained by itself. The
        // energy test is not taken when the coherence measure finds nothing unexplained at
        // all (a foreground made worse by the last talker, not a talker).
        let ratio = coherence.nearToEchoRatio
        let audible = coherence.explainedPower + coherence.unexplainedPower
            > Self.coherenceAudibleFactor * coherence.noisePower
        let coherenceTest = coherenceReady && audible
            && ratio > max(Self.coherenceRatio, Self.coherenceBaselineFactor * ratioBaseline)
        let unexplained = (energyTest && (!coherenceReady || ratio > 0)) || coherenceTest
        if unexplained {
            doubleTalkHangover = Self.doubleTalkHangoverBlocks
            doubleTalkRun += 1
        } else if doubleTalkHangover > 0 {
            doubleTalkHangover -= 1
        } else {
            doubleTalkRun = 0
        }
        doubleTalk = doubleTalkHangover > 0
        doubleTalkHeld = doubleTalk && !unexplained
        if !doubleTalk {
            let capped = min(ratio, 4)
            ratioBaseline = ratioBaseline < 0 ? capped : 0.99 * ratioBaseline + 0.01 * capped
            compareFilters(backgroundEnergy: backgroundEnergy, foregroundEnergy: errorEnergy, micEnergy: micEnergy)
            pathChange = PathChangeWatch()
        } else if foregroundSet && pathChange.background(
            backgroundEnergy, beats: errorEnergy, microphone: micEnergy, floor: errorFloor)
        {
            // "Double talk" that the background explains far better than the foreground is an
            // echo path that changed (a talker is in both filters' errors): take it.
            adoptBackground(errorSmoothed: pathChange.backgroundError)
            backgroundErrorSmoothed = pathChange.backgroundError
            pathChange = PathChangeWatch()
            pathChanges += 1
        }

        // Background update: per-bin normalised step on E_b, shared by proportion.
        errorReal.update(from: backgroundErrorReal, count: S)
        errorImaginary.update(from: backgroundErrorImaginary, count: S)
        var farPowerSum: Float = 0
        for k in 0..<bins { farPowerSum += farPower[k] }
        let regularisation = Self.regularisationShare * farPowerSum / Float(bins) + Float(2 * B) * 1e-8
        // Step: the share of the background's error that is not noise (the optimal NLMS
        // step for an error of echo plus noise), large while converging, small once only
        // noise is left, which keeps the misadjustment low.
        let noiseShare = Self.noiseFloorFactor * errorFloor / max(backgroundErrorSmoothed, 1e-20)
        let step = min(Self.maximumStep, max(Self.minimumStep, 1 - noiseShare))
        for k in 0..<bins {
            let scale = step / (farPower[k] + regularisation)
            stepReal[k] = scale * errorReal[k]
            stepImaginary[k] = scale * errorImaginary[k]
        }
        adaptedBlocks += 1
        adapt()
    }

    /// Feeds the delay estimator the newest far and microphone power spectra, and moves the
    /// filters' first partition to the estimated bulk delay less a margin: at once when the
    /// estimate is earlier than the start, after ``laterStartHold`` blocks when later (the
    /// partitions given up are zeroed, so that they cost nothing and add no noise).
    private mutating func estimateDelay() {
        let B = blockSamples, S = stride, P = partitions
        for i in 0..<B { micTime[i] = micTime[i + B] }
        for i in 0..<B { micTime[B + i] = micBlock[i] }
        fft.forward(micTime, real: micReal, imaginary: micImaginary)
        let xr = farReal + newest * S, xi = farImaginary + newest * S
        for k in 0..<bins {
            farPowerNow[k] = xr[k] * xr[k] + xi[k] * xi[k]
            micPowerNow[k] = micReal[k] * micReal[k] + micImaginary[k] * micImaginary[k]
        }
        // Double talk (as judged in the last block) only blurs the envelope match.
        delayEstimator.update(farPower: farPowerNow, micPower: micPowerNow, farActive: farActive, learn: !doubleTalk)
        guard let delay = delayEstimator.delayBlocks else { return }
        let latest = max(0, P - min(P, Self.minimumActivePartitions))
        let start = min(max(0, delay - Self.delayMargin), latest)
        if start < activeStart {
            activeStart = start
            laterStartBlocks = 0
        } else if start > activeStart && !doubleTalk {
            laterStartBlocks += 1
            // Never give up partitions that hold a noticeable part of either filter.
            var dropped: Float = 0, kept: Float = 0, droppedForeground: Float = 0, keptForeground: Float = 0
            for p in activeStart..<P {
                if p < start {
                    dropped += partitionEnergy[p]
                    droppedForeground += foregroundEnergy[p]
                } else {
                    kept += partitionEnergy[p]
                    keptForeground += foregroundEnergy[p]
                }
            }
            if dropped > Self.droppableShare * (dropped + kept)
                || droppedForeground > Self.droppableShare * (droppedForeground + keptForeground) {
                laterStartBlocks = 0
            }
            if laterStartBlocks >= Self.laterStartHold {
                for p in activeStart..<start {
                    (backgroundReal + p * S).update(repeating: 0, count: S)
                    (backgroundImaginary + p * S).update(repeating: 0, count: S)
                    (foregroundReal + p * S).update(repeating: 0, count: S)
                    (foregroundImaginary + p * S).update(repeating: 0, count: S)
                    partitionEnergy[p] = 0
                    foregroundEnergy[p] = 0
                    proportion[p] = 0
                }
                activeStart = start
                laterStartBlocks = 0
            }
        } else {
            laterStartBlocks = 0
        }
    }

    /// Per-bin talker share of the microphone (coherence measure; 1 when unknown).
    var talkerShare: UnsafeMutablePointer<Float> { coherence.talkerShare }

    /// The estimated bulk delay [blocks], nil until one stands out.
    var bulkDelayBlocks: Int? { delayEstimator.delayBlocks }

    /// Both filters' echo spectra and the normaliser, from the far spectra.
    private func filter() {
        let S = stride, P = partitions
        backgroundEchoReal.update(repeating: 0, count: S)
        backgroundEchoImaginary.update(repeating: 0, count: S)
        echoReal.update(repeating: 0, count: S)
        echoImaginary.update(repeating: 0, count: S)
        farPower.update(repeating: 0, count: S)
        for p in activeStart..<P {
            let slot = (newest + p) % P
            let xr = farReal + slot * S, xi = farImaginary + slot * S
            let br = backgroundReal + p * S, bi = backgroundImaginary + p * S
            let fr = foregroundReal + p * S, fi = foregroundImaginary + p * S
            let share = SIMD8<Float>(repeating: proportion[p])
            var k = 0
            while k < S {
                let x = SIMDMemory.load(xr, k), y = SIMDMemory.load(xi, k)
                let wr = SIMDMemory.load(br, k), wi = SIMDMemory.load(bi, k)
                let vr = SIMDMemory.load(fr, k), vi = SIMDMemory.load(fi, k)
                SIMDMemory.store(SIMDMemory.load(backgroundEchoReal, k) + wr * x - wi * y, backgroundEchoReal, k)
                SIMDMemory.store(SIMDMemory.load(backgroundEchoImaginary, k) + wr * y + wi * x, backgroundEchoImaginary, k)
                SIMDMemory.store(SIMDMemory.load(echoReal, k) + vr * x - vi * y, echoReal, k)
                SIMDMemory.store(SIMDMemory.load(echoImaginary, k) + vr * y + vi * x, echoImaginary, k)
                SIMDMemory.store(SIMDMemory.load(farPower, k) + share * (x * x + y * y), farPower, k)
                k += SIMDMemory.lanes
            }
        }
    }

    /// Copies the background to the foreground when it has been clearly better for a few
    /// blocks; resets the background to the foreground when it is far worse (double talk).
    private mutating func compareFilters(backgroundEnergy: Float, foregroundEnergy: Float, micEnergy: Float) {
        backgroundErrorSmoothed = 0.7 * backgroundErrorSmoothed + 0.3 * backgroundEnergy
        foregroundErrorSmoothed = 0.7 * foregroundErrorSmoothed + 0.3 * foregroundEnergy
        micEnergyShort = 0.7 * micEnergyShort + 0.3 * micEnergy

        // Copy only a background that also cancels well on its own (error 5 dB below the
        // microphone, noise aside): with a near-end talker in the error it cannot.
        // And only while the microphone is mostly echo (the suppressor's coherence measure).
        let cancels = backgroundErrorSmoothed < Self.copyRatio * micEnergyShort + 2 * errorFloor
            && (!foregroundSet || explainedShare >= Self.copyCoherence
                // A foreground worse than none, or far behind, explains little of anything.
                || foregroundErrorSmoothed > micEnergyShort
                || backgroundErrorSmoothed < 0.25 * foregroundErrorSmoothed)
        if backgroundErrorSmoothed < 0.6 * foregroundErrorSmoothed && cancels {
            backgroundLeads += 1
            if backgroundLeads >= 3 {
                adoptBackground(errorSmoothed: backgroundErrorSmoothed)
                backgroundLeads = 0
                foregroundSet = true
            }
        } else {
            backgroundLeads = 0
            if foregroundSet && backgroundErrorSmoothed > Self.resetRatio * foregroundErrorSmoothed {
                copy(from: foregroundReal, foregroundImaginary, to: backgroundReal, backgroundImaginary)
                backgroundErrorSmoothed = foregroundErrorSmoothed
            }
        }
    }

    /// Makes the background the foreground: its coefficients, its partition energies, and
    /// `errorSmoothed` as the foreground's smoothed error.
    private mutating func adoptBackground(errorSmoothed: Float) {
        copy(from: backgroundReal, backgroundImaginary, to: foregroundReal, foregroundImaginary)
        for p in 0..<partitions { foregroundEnergy[p] = partitionEnergy[p] }
        foregroundErrorSmoothed = errorSmoothed
    }

    private func copy(
        from sourceReal: UnsafeMutablePointer<Float>, _ sourceImaginary: UnsafeMutablePointer<Float>,
        to targetReal: UnsafeMutablePointer<Float>, _ targetImaginary: UnsafeMutablePointer<Float>
    ) {
        let count = partitions * stride
        targetReal.update(from: sourceReal, count: count)
        targetImaginary.update(from: sourceImaginary, count: count)
    }

    /// The leakage regression over the foreground's error and echo-estimate spectra.
    private mutating func estimateLeakage(error: UnsafeMutablePointer<Float>, echo: UnsafeMutablePointer<Float>) {
        let B = blockSamples
        for i in 0..<B { scratch[i] = 0 }
        for i in 0..<B { scratch[B + i] = error[i] }
        fft.forward(scratch, real: errorReal, imaginary: errorImaginary)
        for i in 0..<B { scratch[B + i] = echo[i] }
        fft.forward(scratch, real: echoReal, imaginary: echoImaginary)
        var covariance: Float = 0, variance: Float = 0
        var errorSum: Float = 0, echoSum: Float = 0
        for k in 0..<bins {
            let pe = errorReal[k] * errorReal[k] + errorImaginary[k] * errorImaginary[k]
            let py = echoReal[k] * echoReal[k] + echoImaginary[k] * echoImaginary[k]
            errorMean[k] += 0.05 * (pe - errorMean[k])
            echoMean[k] += 0.05 * (py - echoMean[k])
            let de = pe - errorMean[k], dy = py - echoMean[k]
            covariance += dy * de
            variance += dy * dy
            errorSum += pe
            echoSum += py
        }
        let rate = 0.05 * min(1, echoSum / max(errorSum, 1e-20))
        leakageCovariance = (1 - rate) * leakageCovariance + rate * covariance
        leakageVariance = (1 - rate) * leakageVariance + rate * variance
        if isAdapted, leakageVariance > 1e-24 {
            leakage = min(1, max(0.001, leakageCovariance / leakageVariance))
        }
    }

    /// Updates every background partition by its share, constrains a few, and renews the
    /// shares from the partition energies.
    private mutating func adapt() {
        let B = blockSamples, S = stride, P = partitions, first = activeStart
        for p in first..<P {
            let slot = (newest + p) % P
            let xr = farReal + slot * S, xi = farImaginary + slot * S
            let br = backgroundReal + p * S, bi = backgroundImaginary + p * S
            let share = SIMD8<Float>(repeating: proportion[p])
            var energy = SIMD8<Float>()
            var k = 0
            while k < S {
                let x = SIMDMemory.load(xr, k), y = SIMDMemory.load(xi, k)
                let sr = SIMDMemory.load(stepReal, k), si = SIMDMemory.load(stepImaginary, k)
                let r = SIMDMemory.load(br, k) + share * (x * sr + y * si)
                let i = SIMDMemory.load(bi, k) + share * (x * si - y * sr)
                SIMDMemory.store(r, br, k)
                SIMDMemory.store(i, bi, k)
                energy += r * r + i * i
                k += SIMDMemory.lanes
            }
            partitionEnergy[p] = energy.sum()
        }
        // Gradient constraint on a few partitions in turn: keep the first B taps only.
        for _ in 0..<constraintsPerBlock {
            if constraintCursor < first { constraintCursor = first }
            let p = constraintCursor
            constraintCursor = constraintCursor + 1 < P ? constraintCursor + 1 : first
            let br = backgroundReal + p * S, bi = backgroundImaginary + p * S
            fft.inverse(real: br, imaginary: bi, output: scratch)
            for i in B..<(2 * B) { scratch[i] = 0 }
            fft.forward(scratch, real: br, imaginary: bi)
        }
        // Proportionate shares: magnitude plus a floor, normalised to 1.
        var magnitudeSum: Float = 0
        for p in first..<P {
            let magnitude = partitionEnergy[p].squareRoot()
            proportion[p] = magnitude
            magnitudeSum += magnitude
        }
        let active = Float(P - first)
        let floor = Self.proportionFloor * magnitudeSum / active + 1e-12
        let total = magnitudeSum + floor * active
        for p in first..<P { proportion[p] = (proportion[p] + floor) / total }
    }
}
