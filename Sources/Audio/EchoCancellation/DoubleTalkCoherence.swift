/// A double-talk measure for ``AdaptiveEchoFilter`` that does not need a converged filter or a
/// residual-echo estimate: how much of the microphone's power, noise aside, is not linearly
/// explained by the filters' echo estimates.
///
/// Per bin k it smooths, over a few blocks, the microphone's power S_dd, and for each echo
/// estimate Ŷ (the foreground's and the background's) its power S_yy and the cross spectrum
/// S_dy. |S_dy|²/S_yy is the part of S_dd that is a linear function of Ŷ in that bin: the
/// magnitude-squared coherence times S_dd. An echo estimate is a filtered far signal whatever
/// its errors of gain, so it explains the echo (and only the echo) even while the filter is
/// far from the room's path, as long as the filter has the path's main shape; a near-end
/// talker is not a function of the far signal and stays unexplained. The better of the two
/// estimates counts, bin by bin. The stationary capture noise, tracked per bin as a slowly
/// rising minimum of S_dd, is taken off what is unexplained, so that a noisy room does not
/// look like a talker and a weak talker in it is not lost under a noise-scaled threshold.
///
/// ``unexplainedPower`` over ``explainedPower`` is the near-end-to-echo ratio the block shows;
/// the owner compares it with a threshold. ``unexplained`` per bin (talker estimate) is kept
/// for the owner's double-talk step control. Allocates nothing after init.
struct DoubleTalkCoherence: ~Copyable {
    let bins: Int
    /// Smoothed auto and cross spectra (per bin).
    private let micAuto: UnsafeMutablePointer<Float>
    private let foregroundAuto: UnsafeMutablePointer<Float>
    private let foregroundCrossReal: UnsafeMutablePointer<Float>
    private let foregroundCrossImaginary: UnsafeMutablePointer<Float>
    private let backgroundAuto: UnsafeMutablePointer<Float>
    private let backgroundCrossReal: UnsafeMutablePointer<Float>
    private let backgroundCrossImaginary: UnsafeMutablePointer<Float>
    /// Per-bin capture noise (bias-scaled minimum of S_dd) and the smoothed S_dd it tracks in
    /// every block.
    let noise: UnsafeMutablePointer<Float>
    private let noiseSmoothed: UnsafeMutablePointer<Float>
    /// Per-bin S_dd − explained − noise, at least 0, of the last update: the near-end talker's
    /// power as the block shows it.
    let unexplained: UnsafeMutablePointer<Float>
    /// Per-bin share of S_dd that is unexplained (the talker's share; 1 before any update).
    let talkerShare: UnsafeMutablePointer<Float>
    /// Sums over the bins of the last update.
    private(set) var explainedPower: Float = 0
    private(set) var unexplainedPower: Float = 0
    private(set) var noisePower: Float = 0
    private(set) var micPower: Float = 0
    private var noiseBlocks = 0

    /// Weight of the previous value in the spectra (about 5 blocks, 40 ms at 8 ms blocks).
    static let smoothing: Float = 0.8
    /// Per-block rise of the noise minimum (about 1.7 dB/s at 8 ms blocks) and its bias.
    static let noiseRise: Float = 1.002
    static let noiseSmoothing: Float = 0.9
    static let noiseBias: Float = 2

    init(bins: Int) {
        self.bins = bins
        let zeros = SIMDMemory.zeros
        micAuto = zeros(bins)
        foregroundAuto = zeros(bins)
        foregroundCrossReal = zeros(bins)
        foregroundCrossImaginary = zeros(bins)
        backgroundAuto = zeros(bins)
        backgroundCrossReal = zeros(bins)
        backgroundCrossImaginary = zeros(bins)
        noise = zeros(bins)
        noiseSmoothed = zeros(bins)
        unexplained = zeros(bins)
        talkerShare = zeros(bins)
        talkerShare.update(repeating: 1, count: bins)
    }

    deinit {
        micAuto.deallocate()
        foregroundAuto.deallocate()
        foregroundCrossReal.deallocate()
        foregroundCrossImaginary.deallocate()
        backgroundAuto.deallocate()
        backgroundCrossReal.deallocate()
        backgroundCrossImaginary.deallocate()
        noise.deallocate()
        noiseSmoothed.deallocate()
        unexplained.deallocate()
        talkerShare.deallocate()
    }

    mutating func reset() {
        for spectrum in [
            micAuto, foregroundAuto, foregroundCrossReal, foregroundCrossImaginary, backgroundAuto,
            backgroundCrossReal, backgroundCrossImaginary, noise, noiseSmoothed, unexplained,
        ] {
            spectrum.update(repeating: 0, count: bins)
        }
        talkerShare.update(repeating: 1, count: bins)
        explainedPower = 0
        unexplainedPower = 0
        noisePower = 0
        micPower = 0
        noiseBlocks = 0
    }

    /// Every block: follows the capture noise in the microphone spectrum `D`.
    mutating func trackNoise(micReal: UnsafePointer<Float>, micImaginary: UnsafePointer<Float>) {
        let a = Self.noiseSmoothing, b = 1 - a
        let first = noiseBlocks == 0
        noiseBlocks += 1
        for k in 0..<bins {
            let pd = micReal[k] * micReal[k] + micImaginary[k] * micImaginary[k]
            let s = first ? pd : a * noiseSmoothed[k] + b * pd
            noiseSmoothed[k] = s
            let floor = noise[k] / Self.noiseBias
            noise[k] = Self.noiseBias * (first || s < floor ? s : floor * Self.noiseRise)
        }
    }

    /// A far-active block: the microphone spectrum `D`, the foreground's echo estimate `Ŷf`
    /// (ignored unless `foregroundSet`) and the background's error `Eb` (its echo estimate is
    /// D − Eb), all of the same zero-padded block.
    mutating func update(
        micReal: UnsafePointer<Float>, micImaginary: UnsafePointer<Float>,
        foregroundEchoReal: UnsafePointer<Float>, foregroundEchoImaginary: UnsafePointer<Float>,
        backgroundErrorReal: UnsafePointer<Float>, backgroundErrorImaginary: UnsafePointer<Float>,
        foregroundSet: Bool
    ) {
        let a = Self.smoothing, b = 1 - a
        var explainedSum: Float = 0, unexplainedSum: Float = 0, noiseSum: Float = 0, micSum: Float = 0
        for k in 0..<bins {
            let dr = micReal[k], di = micImaginary[k]
            micAuto[k] = a * micAuto[k] + b * (dr * dr + di * di)
            let br = dr - backgroundErrorReal[k], bi = di - backgroundErrorImaginary[k]
            backgroundAuto[k] = a * backgroundAuto[k] + b * (br * br + bi * bi)
            backgroundCrossReal[k] = a * backgroundCrossReal[k] + b * (dr * br + di * bi)
            backgroundCrossImaginary[k] = a * backgroundCrossImaginary[k] + b * (di * br - dr * bi)
            var explained: Float = 0
            if backgroundAuto[k] > 1e-20 {
                let cr = backgroundCrossReal[k], ci = backgroundCrossImaginary[k]
                explained = (cr * cr + ci * ci) / backgroundAuto[k]
            }
            if foregroundSet {
                let fr = foregroundEchoReal[k], fi = foregroundEchoImaginary[k]
                foregroundAuto[k] = a * foregroundAuto[k] + b * (fr * fr + fi * fi)
                foregroundCrossReal[k] = a * foregroundCrossReal[k] + b * (dr * fr + di * fi)
                foregroundCrossImaginary[k] = a * foregroundCrossImaginary[k] + b * (di * fr - dr * fi)
                if foregroundAuto[k] > 1e-20 {
                    let cr = foregroundCrossReal[k], ci = foregroundCrossImaginary[k]
                    explained = max(explained, (cr * cr + ci * ci) / foregroundAuto[k])
                }
            }
            explained = min(explained, micAuto[k])
            let rest = max(micAuto[k] - explained - noise[k], 0)
            unexplained[k] = rest
            talkerShare[k] = micAuto[k] > 1e-20 ? rest / micAuto[k] : 1
            explainedSum += explained
            unexplainedSum += rest
            noiseSum += noise[k]
            micSum += micAuto[k]
        }
        explainedPower = explainedSum
        unexplainedPower = unexplainedSum
        noisePower = noiseSum
        micPower = micSum
    }

    /// Unexplained over explained power of the last update (0 when nothing was explained and
    /// nothing is left either).
    var nearToEchoRatio: Float {
        unexplainedPower / max(explainedPower, 1e-20 + 1e-6 * micPower)
    }

    /// Share of the microphone's power above the noise that the echo estimates explain.
    var explainedShare: Float {
        let signal = explainedPower + unexplainedPower
        return signal > 0 ? explainedPower / signal : 0
    }
}
