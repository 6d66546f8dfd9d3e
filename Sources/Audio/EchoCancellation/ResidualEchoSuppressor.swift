import Glibc

/// The post-filter behind ``CaptureProcessor``: a short-time spectral gain on the linear
/// canceller's error that removes what the canceller left of the echo and the stationary
/// noise, and leaves near-end speech nearly untouched.
///
/// Analysis and synthesis use square-root Hann windows of 2B samples at hop B (perfect
/// reconstruction, B samples of delay). Per bin, the interference is
/// * the noise power: minimum statistics, the minimum of the smoothed error power over about
///   1.5 s in eight sub-windows, scaled for its bias;
/// * plus the residual echo power, the largest of: the echo estimate's power times a per-bin
///   leakage (the slope of |E|² regressed on |Ŷ|² over time, learnt in far-end single talk);
///   a reverberation model (the far power at the echo's main delay integrated with the tail
///   decay the filter shows, regressed the same way), which covers what a young filter has
///   not yet modelled and the tail after the far end stops; and the last value held with a
///   decay (the unboosted value). Outside double talk the estimate is boosted 30× (and that is
///   held too), so that far-end single talk is suppressed to the floor; in double talk it enters
///   the gain unbiased, from the first block on, so that the talker passes, except in bins whose
///   error the estimate explains (no talker there), which are suppressed as in single talk.
///
/// The gain is a Wiener gain of a decision-directed a-priori SNR (Ephraim-Malah), floored
/// where echo dominates at -40 dB (-25 dB in double talk) and where noise does at -20 dB.
/// The suppressor also measures how much of the microphone the echo estimate explains
/// (``explainedShare``, from the coherence of the two), which the canceller uses to tell
/// double talk from a poorly modelled echo.
/// Allocates nothing after init.
struct ResidualEchoSuppressor: ~Copyable {
    let blockSamples: Int
    let bins: Int
    private let fft: RealFFT
    private let window: UnsafeMutablePointer<Float>
    private let errorHistory: UnsafeMutablePointer<Float>
    private let echoHistory: UnsafeMutablePointer<Float>
    private let frame: UnsafeMutablePointer<Float>
    private let spectrumReal: UnsafeMutablePointer<Float>
    private let spectrumImaginary: UnsafeMutablePointer<Float>
    private let echoReal: UnsafeMutablePointer<Float>
    private let echoImaginary: UnsafeMutablePointer<Float>
    /// G²·|E|² of the previous block (decision-directed SNR).
    private let previousClean: UnsafeMutablePointer<Float>
    private let residual: UnsafeMutablePointer<Float>
    private let heldEcho: UnsafeMutablePointer<Float>
    private let smoothed: UnsafeMutablePointer<Float>
    private let noise: UnsafeMutablePointer<Float>
    private let currentMinimum: UnsafeMutablePointer<Float>
    /// Minima of the last `subwindows` sub-windows, `subwindows` × `bins`.
    private let windowMinima: UnsafeMutablePointer<Float>
    private let overlap: UnsafeMutablePointer<Float>
    /// Per-bin leakage regression: slow means of |E|² and |Ŷ|², their covariance, the
    /// variance of |Ŷ|², and the leakage they give (smoothed over neighbouring bins).
    private let errorMean: UnsafeMutablePointer<Float>
    private let echoMean: UnsafeMutablePointer<Float>
    private let covariance: UnsafeMutablePointer<Float>
    private let variance: UnsafeMutablePointer<Float>
    private let leak: UnsafeMutablePointer<Float>
    private let echoPower: UnsafeMutablePointer<Float>
    /// Reverberation model: the delayed far power integrated with the tail's decay, and the
    /// same regression of |E|² on it.
    private let reverb: UnsafeMutablePointer<Float>
    /// Coherence of the microphone with the echo estimate: the microphone's history and
    /// spectrum, and the smoothed auto and cross spectra.
    private let micHistory: UnsafeMutablePointer<Float>
    private let micReal: UnsafeMutablePointer<Float>
    private let micImaginary: UnsafeMutablePointer<Float>
    private let micAuto: UnsafeMutablePointer<Float>
    private let echoAuto: UnsafeMutablePointer<Float>
    private let crossReal: UnsafeMutablePointer<Float>
    private let crossImaginary: UnsafeMutablePointer<Float>
    private let reverbMean: UnsafeMutablePointer<Float>
    private let reverbCovariance: UnsafeMutablePointer<Float>
    private let reverbVariance: UnsafeMutablePointer<Float>
    private let reverbLeak: UnsafeMutablePointer<Float>
    private let subwindows = 8
    private let subwindowBlocks: Int
    private var blockInSubwindow = 0
    private var subwindowIndex = 0
    private var blocks = 0

    /// Whether the echo part and the noise part of the interference are used.
    let echoSuppression: Bool
    let noiseSuppression: Bool

    /// Weight of the previous block's clean estimate in the a-priori SNR.
    static let decisionDirectedWeight: Float = 0.9
    static let reverbOverestimation: Float = 2
    /// Extra residual-echo over-estimation outside double talk.
    static let singleTalkBoost: Float = 30
    /// Error-over-microphone power ratio above which a bin falls back to the microphone.
    static let amplificationLimit: Float = 10
    /// Residual-echo scaling in double talk: it takes back ``echoOverestimation``, so that the
    /// estimate enters the gain unbiased and the talker passes.
    static let doubleTalkBoost: Float = 0.5
    /// In double talk, a bin whose error power is below this many times its unboosted residual
    /// echo and noise estimate holds no talker, and gets the single-talk boost.
    static let doubleTalkBinGate: Float = 4
    /// In the double-talk hangover (no talker seen in the block), a bin whose talker share
    /// (``AdaptiveEchoFilter/talkerShare``) is below this holds no talker either.
    static let heldTalkerShare: Float = 0.1
    /// Residual-echo over-estimation factor.
    static let echoOverestimation: Float = 2
    /// Per-block decay of the held residual echo (about 60 ms at 8 ms blocks).
    static let echoHold: Float = 0.6
    /// Gain floors where echo dominates: -40 dB outside double talk, where no talker can lose
    /// anything by it, and -25 dB in double talk; and where noise dominates, -20 dB.
    static let singleTalkEchoFloor: Float = 0.01
    static let doubleTalkEchoFloor: Float = 0.056
    static let noiseFloor: Float = 0.1
    /// Bias compensation of the minimum-statistics noise estimate.
    static let noiseBias: Float = 1.8

    init(blockSamples: Int, sampleRate: Int, echoSuppression: Bool, noiseSuppression: Bool) {
        self.blockSamples = blockSamples
        self.bins = blockSamples + 1
        self.fft = RealFFT(count: 2 * blockSamples)
        self.echoSuppression = echoSuppression
        self.noiseSuppression = noiseSuppression
        // 8 sub-windows covering ~1.5 s.
        self.subwindowBlocks = max(4, sampleRate * 3 / 2 / (8 * blockSamples))
        func zeros(_ count: Int) -> UnsafeMutablePointer<Float> {
            let pointer = UnsafeMutablePointer<Float>.allocate(capacity: count)
            pointer.initialize(repeating: 0, count: count)
            return pointer
        }
        let n = 2 * blockSamples
        window = zeros(n)
        for i in 0..<n {
            window[i] = Float(sin(Double.pi * Double(i) / Double(n)))  // sqrt of periodic Hann
        }
        errorHistory = zeros(n)
        echoHistory = zeros(n)
        frame = zeros(n)
        spectrumReal = zeros(bins)
        spectrumImaginary = zeros(bins)
        echoReal = zeros(bins)
        echoImaginary = zeros(bins)
        previousClean = zeros(bins)
        residual = zeros(bins)
        heldEcho = zeros(bins)
        smoothed = zeros(bins)
        noise = zeros(bins)
        currentMinimum = zeros(bins)
        windowMinima = zeros(subwindows * bins)
        overlap = zeros(blockSamples)
        errorMean = zeros(bins)
        echoMean = zeros(bins)
        covariance = zeros(bins)
        variance = zeros(bins)
        leak = zeros(bins)
        echoPower = zeros(bins)
        reverb = zeros(bins)
        micHistory = zeros(n)
        micReal = zeros(bins)
        micImaginary = zeros(bins)
        micAuto = zeros(bins)
        echoAuto = zeros(bins)
        crossReal = zeros(bins)
        crossImaginary = zeros(bins)
        reverbMean = zeros(bins)
        reverbCovariance = zeros(bins)
        reverbVariance = zeros(bins)
        reverbLeak = zeros(bins)
        reset()
    }

    deinit {
        for pointer in [
            window, errorHistory, echoHistory, frame, spectrumReal, spectrumImaginary, echoReal,
            echoImaginary, previousClean, residual, heldEcho, smoothed, noise, currentMinimum, windowMinima, overlap,
            errorMean, echoMean, covariance, variance, leak, echoPower,
            reverb, reverbMean, reverbCovariance, reverbVariance, reverbLeak,
            micHistory, micReal, micImaginary, micAuto, echoAuto, crossReal, crossImaginary,
        ] {
            pointer.deallocate()
        }
    }

    mutating func reset() {
        let n = 2 * blockSamples
        errorHistory.update(repeating: 0, count: n)
        echoHistory.update(repeating: 0, count: n)
        previousClean.update(repeating: 0, count: bins)
        residual.update(repeating: 0, count: bins)
        heldEcho.update(repeating: 0, count: bins)
        smoothed.update(repeating: 0, count: bins)
        noise.update(repeating: 0, count: bins)
        currentMinimum.update(repeating: .greatestFiniteMagnitude, count: bins)
        windowMinima.update(repeating: .greatestFiniteMagnitude, count: subwindows * bins)
        overlap.update(repeating: 0, count: blockSamples)
        errorMean.update(repeating: 0, count: bins)
        echoMean.update(repeating: 0, count: bins)
        covariance.update(repeating: 0, count: bins)
        variance.update(repeating: 0, count: bins)
        leak.update(repeating: Self.initialLeak, count: bins)
        reverb.update(repeating: 0, count: bins)
        micHistory.update(repeating: 0, count: n)
        for spectrum in [micAuto, echoAuto, crossReal, crossImaginary] {
            spectrum.update(repeating: 0, count: bins)
        }
        reverbMean.update(repeating: 0, count: bins)
        reverbCovariance.update(repeating: 0, count: bins)
        reverbVariance.update(repeating: 0, count: bins)
        reverbLeak.update(repeating: 0, count: bins)
        blockInSubwindow = 0
        subwindowIndex = 0
        blocks = 0
    }

    /// Leakage assumed before the regression has seen anything.
    static let initialLeak: Float = 0.5
    /// Weight of a new block in the means and in the regression sums.
    static let meanRate: Float = 0.05
    static let regressionRate: Float = 0.03

    /// One block: the canceller's `error` and `echo` estimate (B each), and whether the far
    /// end was active (the leakage regression learns then only), in; the suppressed output (B
    /// samples, delayed by B) out.
    mutating func process(
        mic: UnsafePointer<Float>, error: UnsafePointer<Float>, echo: UnsafePointer<Float>, farActive: Bool,
        doubleTalk: Bool,
        delayedFarPower: UnsafePointer<Float>, tailDecay: Float,
        talkerShare: UnsafePointer<Float>, doubleTalkHeld: Bool = false,
        output: UnsafeMutablePointer<Float>
    ) {
        let B = blockSamples, K = bins
        for i in 0..<B {
            errorHistory[i] = errorHistory[i + B]
            echoHistory[i] = echoHistory[i + B]
            micHistory[i] = micHistory[i + B]
            let d = mic[i]
            micHistory[B + i] = d.isFinite ? d : 0
            let e = error[i], y = echo[i]
            errorHistory[B + i] = e.isFinite ? e : 0
            echoHistory[B + i] = y.isFinite ? y : 0
        }
        for i in 0..<(2 * B) { frame[i] = window[i] * errorHistory[i] }
        fft.forward(frame, real: spectrumReal, imaginary: spectrumImaginary)
        if echoSuppression {
            for i in 0..<(2 * B) { frame[i] = window[i] * echoHistory[i] }
            fft.forward(frame, real: echoReal, imaginary: echoImaginary)
            for i in 0..<(2 * B) { frame[i] = window[i] * micHistory[i] }
            fft.forward(frame, real: micReal, imaginary: micImaginary)
            updateCoherence()
        }
        // The first blocks hold the zeros the history starts with: not noise.
        let warming = blocks < 2
        let first = blocks == 2
        blocks += 1
        blockInSubwindow += 1
        let closeSubwindow = blockInSubwindow >= subwindowBlocks
        let minima = windowMinima + subwindowIndex * K
        if echoSuppression {
            // The residual-echo models learn only where the echo estimate explains part of
            // the microphone. With no echo at all (a sealed housing, a headset), or while a
            // talker the detector has not flagged speaks, |E|² follows the talker, and a slope
            // learnt from it would suppress the talker whenever the far end speaks.
            let learn = farActive && explainedShare >= Self.learningExplainedShare
            updateLeakage(farActive: learn)
            updateReverb(farActive: learn, delayedFarPower: delayedFarPower, tailDecay: tailDecay)
        }
        let suppress = echoSuppression || noiseSuppression
        let weight = Self.decisionDirectedWeight
        let boost = doubleTalk ? Self.doubleTalkBoost : Self.singleTalkBoost
        for k in 0..<K {
            var pe = spectrumReal[k] * spectrumReal[k] + spectrumImaginary[k] * spectrumImaginary[k]
            if echoSuppression {
                // Where the echo estimate made the bin louder than the microphone (a filter
                // not yet fit for a new sound), the microphone is the better start.
                let pd = micReal[k] * micReal[k] + micImaginary[k] * micImaginary[k]
                if pe > Self.amplificationLimit * pd {
                    spectrumReal[k] = micReal[k]
                    spectrumImaginary[k] = micImaginary[k]
                    pe = pd
                }
            }
            // Noise: minimum statistics over the sub-windows.
            smoothed[k] = first || warming ? pe : 0.8 * smoothed[k] + 0.2 * pe
            if !warming { currentMinimum[k] = min(currentMinimum[k], smoothed[k]) }
            var minimum = currentMinimum[k]
            for w in 0..<subwindows { minimum = min(minimum, windowMinima[w * K + k]) }
            if closeSubwindow {
                minima[k] = currentMinimum[k]
                currentMinimum[k] = .greatestFiniteMagnitude
            }
            noise[k] = Self.noiseBias * (warming ? smoothed[k] : minimum)
            guard suppress else { continue }
            // Residual echo, held with a decay.
            var echoPart: Float = 0
            if echoSuppression {
                // The residual held with a decay is the unboosted one, so that double talk
                // gets its gentle suppression from its first block on; outside double talk the
                // boosted estimate is held as well (it covers a filter that lags the room).
                let unboosted = max(
                    Self.echoOverestimation * leak[k] * echoPower[k],
                    Self.reverbOverestimation * reverbLeak[k] * reverb[k],
                    Self.echoHold * residual[k])
                residual[k] = unboosted
                if doubleTalk {
                    // A bin the residual estimate explains (error within a few times of it)
                    // holds no talker: it is suppressed as in single talk.
                    let expected = unboosted + (noiseSuppression ? noise[k] : 0) + 1e-14
                    // In the hangover after a talker, also a bin the canceller's coherence
                    // measure finds (nearly) all explained by the echo estimate.
                    let noTalker = pe < Self.doubleTalkBinGate * expected
                        || (doubleTalkHeld && talkerShare[k] < Self.heldTalkerShare)
                    echoPart = (noTalker ? Self.singleTalkBoost : boost) * unboosted
                } else {
                    echoPart = max(boost * unboosted, Self.echoHold * heldEcho[k])
                }
                heldEcho[k] = echoPart
            }
            let noisePart = noiseSuppression ? noise[k] : 0
            let interference = echoPart + noisePart + 1e-14
            let posterior = pe / interference
            let prior = weight * previousClean[k] / interference + (1 - weight) * max(posterior - 1, 0)
            let floor = echoPart > noisePart
                ? (doubleTalk ? Self.doubleTalkEchoFloor : Self.singleTalkEchoFloor) : Self.noiseFloor
            var gain = prior / (1 + prior)
            if !(gain >= floor) { gain = floor }
            previousClean[k] = gain * gain * pe
            spectrumReal[k] *= gain
            spectrumImaginary[k] *= gain
        }
        if closeSubwindow {
            blockInSubwindow = 0
            subwindowIndex = (subwindowIndex + 1) % subwindows
        }
        fft.inverse(real: spectrumReal, imaginary: spectrumImaginary, output: frame)
        for i in 0..<B {
            output[i] = overlap[i] + window[i] * frame[i]
            overlap[i] = window[B + i] * frame[B + i]
        }
    }

    /// Regresses |E(k)|² on |Ŷ(k)|² over time, per bin: near-end speech and noise do not
    /// follow the echo estimate's fluctuations, so the slope is the residual echo's share.
    private mutating func updateLeakage(farActive: Bool) {
        let K = bins
        for k in 0..<K {
            echoPower[k] = echoReal[k] * echoReal[k] + echoImaginary[k] * echoImaginary[k]
        }
        guard farActive else { return }
        let meanRate = Self.meanRate, rate = Self.regressionRate
        for k in 0..<K {
            let pe = spectrumReal[k] * spectrumReal[k] + spectrumImaginary[k] * spectrumImaginary[k]
            let py = echoPower[k]
            errorMean[k] += meanRate * (pe - errorMean[k])
            echoMean[k] += meanRate * (py - echoMean[k])
            let dy = py - echoMean[k], de = pe - errorMean[k]
            covariance[k] += rate * (dy * de - covariance[k])
            variance[k] += rate * (dy * dy - variance[k])
        }
        // Slope per bin, smoothed over three bins, kept within [0.0005, 1].
        var previous: Float = 0
        for k in 0..<K {
            let lower = max(k - 1, 0), upper = min(k + 1, K - 1)
            let c = covariance[lower] + 2 * covariance[k] + covariance[upper]
            let v = variance[lower] + 2 * variance[k] + variance[upper]
            var slope = v > 1e-30 ? c / v : Self.initialLeak
            if !(slope >= 0.0005) { slope = 0.0005 }
            if slope > 1 { slope = 1 }
            if k > 0 { leak[k - 1] = previous }
            previous = slope
        }
        leak[K - 1] = previous
    }

    /// The residual the unconverged or unmodelled tail leaves: the far power at the echo's
    /// main delay, integrated with the tail's per-block decay, and regressed per bin against
    /// |E|² as ``updateLeakage(farActive:)`` does with |Ŷ|². It follows the echo's decay after
    /// the far end stops, when |Ŷ|² (a short-tailed estimate) falls faster than the echo.
    private mutating func updateReverb(farActive: Bool, delayedFarPower: UnsafePointer<Float>, tailDecay: Float) {
        let K = bins
        let decay = tailDecay.isFinite ? min(max(tailDecay, 0), 0.99) : 0.6
        for k in 0..<K {
            let x = delayedFarPower[k]
            reverb[k] = decay * reverb[k] + (x.isFinite ? x : 0)
        }
        guard farActive else { return }
        let meanRate = Self.meanRate, rate = Self.regressionRate
        for k in 0..<K {
            let pe = spectrumReal[k] * spectrumReal[k] + spectrumImaginary[k] * spectrumImaginary[k]
            reverbMean[k] += meanRate * (reverb[k] - reverbMean[k])
            let dr = reverb[k] - reverbMean[k], de = pe - errorMean[k]
            reverbCovariance[k] += rate * (dr * de - reverbCovariance[k])
            reverbVariance[k] += rate * (dr * dr - reverbVariance[k])
        }
        var previous: Float = 0
        for k in 0..<K {
            let lower = max(k - 1, 0), upper = min(k + 1, K - 1)
            let c = reverbCovariance[lower] + 2 * reverbCovariance[k] + reverbCovariance[upper]
            let v = reverbVariance[lower] + 2 * reverbVariance[k] + reverbVariance[upper]
            var slope = v > 1e-30 ? c / v : 0
            if !(slope >= 0) { slope = 0 }
            if slope > 1 { slope = 1 }
            if k > 0 { reverbLeak[k - 1] = previous }
            previous = slope
        }
        reverbLeak[K - 1] = previous
    }

    /// Share of the microphone's power explained linearly by the echo estimate, over all bins.
    private(set) var explainedShare: Float = 0

    /// Smooths the auto and cross spectra of the microphone and the echo estimate, and sums
    /// Σ|S_dy|²/S_yy over Σ S_dd: the share of the microphone explained by the estimate.
    private mutating func updateCoherence() {
        let a = Self.coherenceSmoothing, b = 1 - a
        var explained: Float = 0, total: Float = 0
        defer { explainedShare = total > 0 ? explained / total : 0 }
        for k in 0..<bins {
            defer {
                total += micAuto[k]
                if echoAuto[k] > 1e-20 {
                    explained += (crossReal[k] * crossReal[k] + crossImaginary[k] * crossImaginary[k]) / echoAuto[k]
                }
            }
            let dr = micReal[k], di = micImaginary[k]
            let yr = echoReal[k], yi = echoImaginary[k]
            micAuto[k] = a * micAuto[k] + b * (dr * dr + di * di)
            echoAuto[k] = a * echoAuto[k] + b * (yr * yr + yi * yi)
            crossReal[k] = a * crossReal[k] + b * (dr * yr + di * yi)
            crossImaginary[k] = a * crossImaginary[k] + b * (di * yr - dr * yi)
        }
    }

    static let coherenceSmoothing: Float = 0.8
    /// The least ``explainedShare`` at which the residual-echo regressions learn.
    static let learningExplainedShare: Float = 0.2
}
