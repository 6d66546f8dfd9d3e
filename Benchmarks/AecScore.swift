import Glibc

/// The metrics of `../shared/aec-signals/score_aec.py`, computed the same way (README.md
/// there defines them): the output's lag found by correlation with the microphone over the
/// first 0.5 s (0...1280 samples), frames of 320 samples classified by echo and near-end
/// power from t >= convergence time, power-weighted ERLE and double-talk figures.
struct AecScore {
    /// Samples per scoring frame (20 ms at 16 kHz, as the scorer).
    static let frameLength = 320
    /// Largest output lag searched [samples].
    static let maximumLag = 1_280

    var lag = 0
    var lagCorrelation = 0.0
    var farEndOnlyFrames = 0
    var erle = 0.0
    var erleCeiling = 0.0
    var erleLast5s: Double?
    var doubleTalkFrames = 0
    var doubleTalkSNRIn: Double?
    var doubleTalkSNROut: Double?
    var doubleTalkCorrelation: Double?
    var doubleTalkNearLevel: Double?
    /// The scoring frames (``frameLength`` samples of the microphone's time) that are far-end
    /// only and double talk, as classified above.
    var farEndOnlyMask: [Bool] = []
    var doubleTalkMask: [Bool] = []

    /// Scores `out` against the set's signals (all full scale 1).
    init(mic: [Double], echo: [Double], near: [Double]?, out original: [Double],
         noiseDBFS: Double, convergenceSeconds: Double, sampleRate: Int) {
        (lag, lagCorrelation) = Self.estimateLag(mic: mic, out: original, sampleRate: sampleRate)
        let length = min(original.count, mic.count)
        var out = [Double](repeating: 0, count: length)
        for i in 0..<length where i + lag < original.count { out[i] = original[i + lag] }
        let frameLength = Self.frameLength
        let frameCount = (length - lag) / frameLength
        let noisePower = pow(10, noiseDBFS / 10)
        func framePowers(_ x: [Double]) -> [Double] {
            (0..<frameCount).map { f in
                var sum = 0.0
                for i in (f * frameLength)..<((f + 1) * frameLength) { sum += x[i] * x[i] }
                return sum / Double(frameLength)
            }
        }
        let pm = framePowers(mic), po = framePowers(out), pe = framePowers(echo)
        let pn = near.map(framePowers) ?? [Double](repeating: 0, count: frameCount)
        let time = (0..<frameCount).map { Double($0 * frameLength) / Double(sampleRate) }
        var farEndOnly = [Bool](repeating: false, count: frameCount)
        var doubleTalk = [Bool](repeating: false, count: frameCount)
        for f in 0..<frameCount {
            let converged = time[f] >= convergenceSeconds
            let echoActive = pe[f] >= noisePower * 10
            let nearActive = pn[f] >= noisePower
            farEndOnly[f] = converged && echoActive && !nearActive
            doubleTalk[f] = converged && echoActive && nearActive
        }
        farEndOnlyMask = farEndOnly
        doubleTalkMask = doubleTalk
        var micSum = 0.0, outSum = 0.0, lateMic = 0.0, lateOut = 0.0, late = 0
        let lastTime = time.last ?? 0
        for f in 0..<frameCount where farEndOnly[f] {
            farEndOnlyFrames += 1
            micSum += pm[f]
            outSum += po[f]
            if time[f] >= lastTime - 5.0 {
                late += 1
                lateMic += pm[f]
                lateOut += po[f]
            }
        }
        erle = 10 * log10(micSum / max(outSum, 1e-30))
        erleCeiling = 10 * log10(micSum / (noisePower * Double(farEndOnlyFrames)))
        if late > 0 { erleLast5s = 10 * log10(lateMic / max(lateOut, 1e-30)) }
        guard let near, doubleTalk.contains(true) else { return }
        var nn = 0.0, residualIn = 0.0, residualOut = 0.0, on = 0.0
        var sumN = 0.0, sumO = 0.0, sumOO = 0.0, count = 0.0
        for f in 0..<frameCount where doubleTalk[f] {
            doubleTalkFrames += 1
            for i in (f * frameLength)..<((f + 1) * frameLength) {
                let n = near[i], o = out[i], m = mic[i]
                nn += n * n
                residualIn += (m - n) * (m - n)
                residualOut += (o - n) * (o - n)
                on += o * n
                sumN += n
                sumO += o
                sumOO += o * o
                count += 1
            }
        }
        doubleTalkSNRIn = 10 * log10(nn / residualIn)
        doubleTalkSNROut = 10 * log10(nn / residualOut)
        let covariance = on - sumN * sumO / count
        let varianceN = nn - sumN * sumN / count, varianceO = sumOO - sumO * sumO / count
        doubleTalkCorrelation = covariance / (varianceN * varianceO).squareRoot()
        doubleTalkNearLevel = on > 0 ? 10 * log10(on / nn) : nil
    }

    /// The share of the far-end-only and of the double-talk scoring frames in which a
    /// processor flagged double talk, from its flag per processed frame of `frameSamples`
    /// (nil for a class without frames).
    func doubleTalkFlagShares(flags: [Bool], frameSamples: Int) -> (farEndOnly: Double?, doubleTalk: Double?) {
        func share(_ mask: [Bool]) -> Double? {
            var frames = 0, flagged = 0
            for f in mask.indices where mask[f] {
                frames += 1
                let first = f * Self.frameLength / frameSamples
                let last = min(((f + 1) * Self.frameLength - 1) / frameSamples, flags.count - 1)
                if first <= last, flags[first...last].contains(true) { flagged += 1 }
            }
            return frames > 0 ? Double(flagged) / Double(frames) : nil
        }
        return (share(farEndOnlyMask), share(doubleTalkMask))
    }

    /// The lag of `out` behind `mic` with the highest normalised correlation over the first
    /// half second, and that correlation (score_aec.py `est_lag`).
    static func estimateLag(mic: [Double], out: [Double], sampleRate: Int) -> (lag: Int, correlation: Double) {
        let span = sampleRate / 2
        guard mic.count >= span, out.count >= span else { return (0, 0) }
        var micEnergy = 0.0
        for i in 0..<span { micEnergy += mic[i] * mic[i] }
        var best = -1.0, bestLag = 0
        for lag in 0...maximumLag where lag + span <= out.count {
            var dot = 0.0, energy = 0.0
            for i in 0..<span {
                let y = out[lag + i]
                dot += mic[i] * y
                energy += y * y
            }
            let correlation = abs(dot) / ((micEnergy * energy).squareRoot() + 1e-30)
            if correlation > best {
                best = correlation
                bestLag = lag
            }
        }
        return (bestLag, best)
    }
}
