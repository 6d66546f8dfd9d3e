import Glibc

/// The linear echo canceller behind ``CaptureProcessor``: a partitioned-block frequency-domain
/// adaptive filter (overlap-save, blocks of B samples, FFTs of 2B) whose partitions span the
/// whole echo path the caller allows, bulk delay included, so that it finds and follows any
/// delay left after the caller's alignment without a separate delay search.
///
/// ```
///  far ─┬─► FFT ─► X(p) ring ─► Σ W(p)·X(p) ─► IFFT ─► ŷ ─┐
///       │                                                  ▼
///  mic ─┼───────────────────────────────────────────────► e = mic − ŷ ─► out
///       └── W(p) += μ(k)·prop(p)·conj X(p)·E / Px(k)    ◄── FFT(0,e)
/// ```
///
/// Step size: per bin, the optimal step of a normalised filter, the ratio of the residual echo
/// power to the error power, with the residual echo estimated as `leakage × |Ŷ|²` and the
/// leakage found by regressing the error power on the echo-estimate power over time (J.-M.
/// Valin, "On adjusting the learning rate in frequency domain echo cancellation with double-
/// talk", IEEE TASLP 2007). Near-end speech raises the error power but not the residual-echo
/// estimate, so adaptation slows by itself in double talk. The step is shared between
/// partitions in proportion to their energy (a proportionate update), so that the partitions
/// before the bulk delay and in the quiet end of the tail take little of it. The gradient
/// constraint (zeroing the circular half) is applied to a few partitions per block in turn.
///
/// All storage is allocated at init; a block allocates nothing. Samples are floats of full
/// scale 1. Non-finite input is replaced by silence; a diverged or non-finite filter restarts.
struct AdaptiveEchoFilter: ~Copyable {
    /// Samples per block (B).
    let blockSamples: Int
    /// Spectrum bins (B + 1).
    let bins: Int
    /// Partitions of B samples the filter spans.
    let partitions: Int
    /// Partitions whose gradient constraint is applied each block.
    private let constraintsPerBlock: Int
    private let fft: RealFFT

    /// The last two far blocks, oldest first (2B).
    private let farTime: UnsafeMutablePointer<Float>
    /// Far spectra, `partitions` slots of `bins`; slot `(newest + p) % partitions` is p blocks old.
    private let farReal: UnsafeMutablePointer<Float>
    private let farImaginary: UnsafeMutablePointer<Float>
    private var newest = 0
    /// Filter partitions, `partitions` × `bins`.
    private let weightReal: UnsafeMutablePointer<Float>
    private let weightImaginary: UnsafeMutablePointer<Float>
    /// Echo estimate and error spectra (bins).
    private let echoReal: UnsafeMutablePointer<Float>
    private let echoImaginary: UnsafeMutablePointer<Float>
    private let errorReal: UnsafeMutablePointer<Float>
    private let errorImaginary: UnsafeMutablePointer<Float>
    /// A 2B time-domain scratch block.
    private let scratch: UnsafeMutablePointer<Float>
    /// Σ share(p)·|X(p)|² per bin: the proportionate NLMS normaliser.
    private let farPower: UnsafeMutablePointer<Float>
    /// Smoothed error and echo-estimate powers per bin (the step control).
    private let errorPower: UnsafeMutablePointer<Float>
    private let echoPower: UnsafeMutablePointer<Float>
    /// Slow means of the instantaneous error and echo-estimate powers (leakage regression).
    private let errorMean: UnsafeMutablePointer<Float>
    private let echoMean: UnsafeMutablePointer<Float>
    /// μ(k)·E(k)/Px(k), the common factor of every partition's update.
    private let stepReal: UnsafeMutablePointer<Float>
    private let stepImaginary: UnsafeMutablePointer<Float>
    /// Energy and step share of each partition.
    private let partitionEnergy: UnsafeMutablePointer<Float>
    private let proportion: UnsafeMutablePointer<Float>
    /// Sanitised copies of the inputs (B each).
    private let farBlock: UnsafeMutablePointer<Float>
    private let micBlock: UnsafeMutablePointer<Float>

    private var constraintCursor = 0
    /// Residual echo power over echo-estimate power (the leakage), and its regression sums.
    private(set) var leakage: Float = Self.initialLeakage
    private var leakageCovariance: Float = 0
    private var leakageVariance: Float = 0
    /// Far-active blocks adapted since the last (re)start.
    private var adaptedBlocks = 0
    /// Consecutive blocks in which the error was far louder than the microphone.
    private var divergingBlocks = 0
    /// Smoothed microphone and error block energies during far activity (the ERLE estimate).
    private var micEnergySmoothed: Float = 0
    private var errorEnergySmoothed: Float = 0
    /// Slowly rising minimum of the error block energy (the capture noise floor).
    private var errorFloor: Float = 0

    /// Whether the last block was judged double talk.
    private(set) var doubleTalk = false
    /// Whether the last block's input was clipped.
    private(set) var clipped = false
    /// Restarts after divergence or a non-finite state.
    private(set) var restarts = 0

    static let initialLeakage: Float = 0.5
    nonisolated(unsafe) static var fixedStepForDebug = false
    /// The step used until the filter has adapted for ``startupBlocks`` far-active blocks.
    static let startupStep: Float = 0.5
    static let maximumStep: Float = 0.8
    /// Far block power below which nothing adapts (-70 dBFS).
    static let farActivePower: Float = 1e-7
    /// |sample| at or above which the block counts as clipped.
    static let clipLevel: Float = 32_700 / 32_768

    /// A filter of `partitions` blocks of `blockSamples` (a power of two).
    init(blockSamples: Int, partitions: Int) {
        self.blockSamples = blockSamples
        self.bins = blockSamples + 1
        self.partitions = max(partitions, 1)
        self.constraintsPerBlock = max(1, (self.partitions + 15) / 16)
        self.fft = RealFFT(count: 2 * blockSamples)
        func zeros(_ count: Int) -> UnsafeMutablePointer<Float> {
            let pointer = UnsafeMutablePointer<Float>.allocate(capacity: count)
            pointer.initialize(repeating: 0, count: count)
            return pointer
        }
        let spectra = self.partitions * bins
        farTime = zeros(2 * blockSamples)
        farReal = zeros(spectra)
        farImaginary = zeros(spectra)
        weightReal = zeros(spectra)
        weightImaginary = zeros(spectra)
        echoReal = zeros(bins)
        echoImaginary = zeros(bins)
        errorReal = zeros(bins)
        errorImaginary = zeros(bins)
        scratch = zeros(2 * blockSamples)
        farPower = zeros(bins)
        errorPower = zeros(bins)
        echoPower = zeros(bins)
        errorMean = zeros(bins)
        echoMean = zeros(bins)
        stepReal = zeros(bins)
        stepImaginary = zeros(bins)
        partitionEnergy = zeros(self.partitions)
        proportion = zeros(self.partitions)
        farBlock = zeros(blockSamples)
        micBlock = zeros(blockSamples)
        reset()
    }

    deinit {
        for pointer in [
            farTime, farReal, farImaginary, weightReal, weightImaginary, echoReal, echoImaginary,
            errorReal, errorImaginary, scratch, farPower, errorPower, echoPower, errorMean, echoMean,
            stepReal, stepImaginary, partitionEnergy, proportion, farBlock, micBlock,
        ] {
            pointer.deallocate()
        }
    }

    /// Forgets the echo path and the far history.
    mutating func reset() {
        let spectra = partitions * bins
        farTime.update(repeating: 0, count: 2 * blockSamples)
        farReal.update(repeating: 0, count: spectra)
        farImaginary.update(repeating: 0, count: spectra)
        farPower.update(repeating: 0, count: bins)
        newest = 0
        restartFilter()
        restarts = 0
        micEnergySmoothed = 0
        errorEnergySmoothed = 0
        errorFloor = 0
        doubleTalk = false
        clipped = false
    }

    /// Zeroes the filter and its step-control state, keeping the far history.
    private mutating func restartFilter() {
        let spectra = partitions * bins
        weightReal.update(repeating: 0, count: spectra)
        weightImaginary.update(repeating: 0, count: spectra)
        errorPower.update(repeating: 0, count: bins)
        echoPower.update(repeating: 0, count: bins)
        errorMean.update(repeating: 0, count: bins)
        echoMean.update(repeating: 0, count: bins)
        partitionEnergy.update(repeating: 0, count: partitions)
        proportion.update(repeating: 1 / Float(partitions), count: partitions)
        leakage = Self.initialLeakage
        leakageCovariance = 0
        leakageVariance = 0
        adaptedBlocks = 0
        divergingBlocks = 0
        constraintCursor = 0
    }

    /// Blocks of far activity before the step control takes over from the startup step.
    var startupBlocks: Int { max(8, 8_000 / blockSamples) }

    /// Whether the filter has adapted long enough for its estimates to mean something.
    var isAdapted: Bool { adaptedBlocks >= startupBlocks }

    /// Smoothed microphone-over-error power during far activity [dB].
    var erleDecibels: Float {
        guard errorEnergySmoothed > 0, micEnergySmoothed > 0 else { return 0 }
        return 10 * log10f(micEnergySmoothed / errorEnergySmoothed)
    }

    /// The block offset of the most energetic partition, or nil before adaptation.
    var strongestPartition: Int? {
        guard isAdapted else { return nil }
        var best = 0
        for p in 1..<max(partitions, 1) where partitionEnergy[p] > partitionEnergy[best] { best = p }
        return partitionEnergy[best] > 0 ? best : nil
    }

    /// One block: `far` and `mic` (B each) in; `error` = mic minus the echo estimate and `echo`
    /// = the echo estimate out (B each).
    mutating func process(
        far: UnsafePointer<Float>, mic: UnsafePointer<Float>,
        error: UnsafeMutablePointer<Float>, echo: UnsafeMutablePointer<Float>
    ) {
        let B = blockSamples, K = bins, P = partitions
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
        let farActive = farEnergy > Self.farActivePower * Float(B)

        // Far spectrum into the newest slot.
        for i in 0..<B { farTime[i] = farTime[i + B] }
        for i in 0..<B { farTime[B + i] = farBlock[i] }
        newest = newest == 0 ? P - 1 : newest - 1
        fft.forward(farTime, real: farReal + newest * K, imaginary: farImaginary + newest * K)

        // Echo estimate: Σ W(p)·X(p), overlap-save.
        // Also the proportionate normaliser Σ share(p)·|X(p)|² of each bin.
        echoReal.update(repeating: 0, count: K)
        echoImaginary.update(repeating: 0, count: K)
        farPower.update(repeating: 0, count: K)
        for p in 0..<P {
            let slot = (newest + p) % P
            let xr = farReal + slot * K, xi = farImaginary + slot * K
            let wr = weightReal + p * K, wi = weightImaginary + p * K
            let share = proportion[p]
            for k in 0..<K {
                echoReal[k] += wr[k] * xr[k] - wi[k] * xi[k]
                echoImaginary[k] += wr[k] * xi[k] + wi[k] * xr[k]
                farPower[k] += share * (xr[k] * xr[k] + xi[k] * xi[k])
            }
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
        guard errorEnergy.isFinite, echoEnergy.isFinite else {
            // A non-finite filter: start over and pass the microphone through.
            restartFilter()
            restarts += 1
            for i in 0..<B {
                error[i] = micBlock[i]
                echo[i] = 0
            }
            return
        }

        // Divergence: an error much louder than the microphone for several blocks.
        if isAdapted && errorEnergy > 4 * micEnergy + 1e-6 * Float(B) {
            divergingBlocks += 1
            if divergingBlocks >= 4 {
                restartFilter()
                restarts += 1
            }
        } else {
            divergingBlocks = 0
        }
        if farActive {
            micEnergySmoothed = 0.98 * micEnergySmoothed + 0.02 * micEnergy
            errorEnergySmoothed = 0.98 * errorEnergySmoothed + 0.02 * errorEnergy
        }
        errorFloor = errorFloor == 0 || errorEnergy < errorFloor ? errorEnergy : errorFloor * 1.002

        // Error spectrum (and the echo estimate's, on the same footing) for the step control.
        for i in 0..<B { scratch[i] = 0 }
        for i in 0..<B { scratch[B + i] = error[i] }
        fft.forward(scratch, real: errorReal, imaginary: errorImaginary)
        for i in 0..<B { scratch[B + i] = echo[i] }
        fft.forward(scratch, real: echoReal, imaginary: echoImaginary)

        var farPowerSum: Float = 0
        for k in 0..<K { farPowerSum += farPower[k] }
        guard farActive, !clippedNow else {
            doubleTalk = false
            return
        }

        // Leakage: regression of the error power on the echo-estimate power, over time.
        var covariance: Float = 0, variance: Float = 0
        var errorSum: Float = 0, echoSum: Float = 0
        for k in 0..<K {
            let pe = errorReal[k] * errorReal[k] + errorImaginary[k] * errorImaginary[k]
            let py = echoReal[k] * echoReal[k] + echoImaginary[k] * echoImaginary[k]
            errorMean[k] += 0.05 * (pe - errorMean[k])
            echoMean[k] += 0.05 * (py - echoMean[k])
            let de = pe - errorMean[k], dy = py - echoMean[k]
            covariance += dy * de
            variance += dy * dy
            errorPower[k] = 0.6 * errorPower[k] + 0.4 * pe
            echoPower[k] = 0.6 * echoPower[k] + 0.4 * py
            errorSum += pe
            echoSum += py
        }
        let rate = 0.05 * min(1, echoSum / max(errorSum, 1e-20))
        leakageCovariance = (1 - rate) * leakageCovariance + rate * covariance
        leakageVariance = (1 - rate) * leakageVariance + rate * variance
        if adaptedBlocks > startupBlocks / 2, leakageVariance > 1e-24 {
            leakage = min(1, max(0.001, leakageCovariance / leakageVariance))
        }
        doubleTalk = isAdapted && errorEnergy > 4 * (leakage * echoEnergy) + 3 * errorFloor && errorEnergy > 0.3 * micEnergy

        // Per-bin step μ(k)·E(k)/(Px(k)+δ).
        let regularisation = 0.01 * farPowerSum / Float(K) + Float(2 * B) * 1e-8
        let adapted = isAdapted
        for k in 0..<K {
            var mu: Float
            if adapted && !Self.fixedStepForDebug {
                mu = leakage * echoPower[k] / (errorPower[k] + 1e-12)
                mu = min(Self.maximumStep, mu)
            } else {
                mu = Self.startupStep
            }
            let scale = mu / (farPower[k] + regularisation)
            stepReal[k] = scale * errorReal[k]
            stepImaginary[k] = scale * errorImaginary[k]
        }
        adaptedBlocks += 1

        // Update every partition by its share; measure the energies for the next shares.
        var energySum: Float = 0
        for p in 0..<P {
            let slot = (newest + p) % P
            let xr = farReal + slot * K, xi = farImaginary + slot * K
            let wr = weightReal + p * K, wi = weightImaginary + p * K
            let share = proportion[p]
            var energy: Float = 0
            for k in 0..<K {
                let r = wr[k] + share * (xr[k] * stepReal[k] + xi[k] * stepImaginary[k])
                let i = wi[k] + share * (xr[k] * stepImaginary[k] - xi[k] * stepReal[k])
                wr[k] = r
                wi[k] = i
                energy += r * r + i * i
            }
            partitionEnergy[p] = energy
            energySum += energy
        }
        // Gradient constraint on a few partitions in turn: keep the first B taps only.
        for _ in 0..<constraintsPerBlock {
            let p = constraintCursor
            constraintCursor = (constraintCursor + 1) % P
            let wr = weightReal + p * K, wi = weightImaginary + p * K
            fft.inverse(real: wr, imaginary: wi, output: scratch)
            for i in B..<(2 * B) { scratch[i] = 0 }
            fft.forward(scratch, real: wr, imaginary: wi)
        }
        // Proportionate shares: magnitude plus a floor, normalised to 1.
        var magnitudeSum: Float = 0
        for p in 0..<P {
            let magnitude = partitionEnergy[p].squareRoot()
            proportion[p] = magnitude
            magnitudeSum += magnitude
        }
        let floor = 0.2 * magnitudeSum / Float(P) + 1e-12
        let total = magnitudeSum + floor * Float(P)
        for p in 0..<P { proportion[p] = (proportion[p] + floor) / total }
        _ = energySum
    }
}
