/// Test signals and measures for the codec and resampler tests.
enum Signals {
    /// `seconds` of a sine of `frequency` Hz at `rate`, amplitude 10000, interleaved over
    /// `channels`.
    static func sine(frequency: Double, rate: Int, seconds: Double, channels: Int = 1) -> [Int16] {
        let count = Int(Double(rate) * seconds)
        var samples: [Int16] = []
        samples.reserveCapacity(count * channels)
        for index in 0..<count {
            let value = Int16((10_000 * sin(2 * Double.pi * frequency * Double(index) / Double(rate))).rounded())
            for _ in 0..<channels { samples.append(value) }
        }
        return samples
    }

    /// A deterministic speech-like signal: a 140 Hz voice with harmonics up to 3 kHz under a
    /// 4 Hz syllable envelope, with pauses, plus a little noise (a fixed linear congruential
    /// generator, so every run is the same).
    static func speechLike(rate: Int, seconds: Double) -> [Int16] {
        let count = Int(Double(rate) * seconds)
        var samples: [Int16] = []
        samples.reserveCapacity(count)
        var noise: UInt32 = 12_345
        for index in 0..<count {
            let t = Double(index) / Double(rate)
            let syllable = max(0, sin(2 * Double.pi * 4 * t))
            var voice = 0.0
            var harmonic = 1.0
            while harmonic * 140 < min(3_000, Double(rate) / 2 - 200) {
                voice += sin(2 * Double.pi * 140 * harmonic * t + harmonic) / harmonic
                harmonic += 1
            }
            noise = noise &* 1_103_515_245 &+ 12_345
            let hiss = Double(Int(noise >> 16) % 2_001 - 1_000) * 0.5
            samples.append(Int16(max(-32_000, min(32_000, 6_000 * syllable * voice + hiss))))
        }
        return samples
    }

    /// A 900 Hz tone warbling ±150 Hz at 3 Hz, amplitude-modulated at 2 Hz: a second voice
    /// that does not correlate with ``speechLike(rate:seconds:)``.
    static func warble(rate: Int, seconds: Double) -> [Int16] {
        let count = Int(Double(rate) * seconds)
        var phase = 0.0
        return (0..<count).map { index in
            let t = Double(index) / Double(rate)
            phase += 2 * Double.pi * (900 + 150 * sin(2 * Double.pi * 3 * t)) / Double(rate)
            return Int16((8_000 * (0.6 + 0.4 * sin(2 * Double.pi * 2 * t)) * sin(phase)).rounded())
        }
    }

    /// The highest normalised correlation of `reference` against `signal[from + lag...]` for
    /// `lags` (clipped to the signal): searched coarsely on both signals
    /// averaged over 4 samples, then sample by sample around the three best coarse lags, so
    /// that it stays quick in debug builds.
    static func fastCorrelation(_ reference: [Int16], _ signal: [Int16], from: Int, lags: ClosedRange<Int>) -> (value: Double, lag: Int) {
        let a = reference.map(Float.init)
        let b = signal.map(Float.init)
        func decimated(_ x: [Float]) -> [Float] {
            stride(from: 0, to: x.count - 3, by: 4).map { (x[$0] + x[$0 + 1] + x[$0 + 2] + x[$0 + 3]) / 4 }
        }
        let coarseA = decimated(a), coarseB = decimated(b)
        var coarse: [(value: Double, lag: Int)] = []
        for lag in stride(from: lags.lowerBound / 4, through: lags.upperBound / 4, by: 1) {
            if let value = correlation(coarseA, coarseB, at: from / 4 + lag) { coarse.append((value, lag * 4)) }
        }
        var best = (value: -1.0, lag: 0)
        for candidate in coarse.sorted(by: { $0.value > $1.value }).prefix(3) {
            for lag in max(lags.lowerBound, candidate.lag - 6)...min(lags.upperBound, candidate.lag + 6) {
                if let value = correlation(a, b, at: from + lag), value > best.value { best = (value, lag) }
            }
        }
        return best
    }

    /// The normalised correlation of `x` with `y[start..<start + x.count]`, nil when that
    /// does not fit.
    private static func correlation(_ x: [Float], _ y: [Float], at start: Int) -> Double? {
        guard start >= 0, start + x.count <= y.count else { return nil }
        return x.withUnsafeBufferPointer { x in
            y.withUnsafeBufferPointer { y in
                var dot: Float = 0, energyA: Float = 0, energyB: Float = 0
                for index in 0..<x.count {
                    let value = y[start + index]
                    dot += x[index] * value
                    energyA += x[index] * x[index]
                    energyB += value * value
                }
                return Double(dot) / max(Double(energyA * energyB).squareRoot(), 1)
            }
        }
    }

    /// Sign changes per second of a mono signal: twice its frequency for a sine.
    static func zeroCrossingsPerSecond(_ samples: ArraySlice<Int16>, rate: Int) -> Double {
        var crossings = 0
        var previous = samples.first ?? 0
        for sample in samples.dropFirst() {
            if (previous < 0 && sample >= 0) || (previous >= 0 && sample < 0) { crossings += 1 }
            previous = sample
        }
        return Double(crossings) * Double(rate) / Double(max(samples.count, 1))
    }

    /// Root mean square.
    static func rms(_ samples: ArraySlice<Int16>) -> Double {
        guard !samples.isEmpty else { return 0 }
        let sum = samples.reduce(0.0) { $0 + Double($1) * Double($1) }
        return (sum / Double(samples.count)).squareRoot()
    }

    /// The highest normalised cross-correlation of `b` against `a` over lags 0...`maxLag`
    /// (b delayed), and that lag.
    static func bestCorrelation(_ a: [Int16], _ b: [Int16], maxLag: Int) -> (value: Double, lag: Int) {
        var best = (value: -1.0, lag: 0)
        for lag in 0...maxLag {
            let count = min(a.count, b.count - lag)
            guard count > 0 else { break }
            var dot = 0.0, energyA = 0.0, energyB = 0.0
            for index in 0..<count {
                let x = Double(a[index]), y = Double(b[index + lag])
                dot += x * y
                energyA += x * x
                energyB += y * y
            }
            let value = dot / max((energyA * energyB).squareRoot(), 1)
            if value > best.value { best = (value, lag) }
        }
        return best
    }
}

#if canImport(Glibc)
import Glibc
#endif
