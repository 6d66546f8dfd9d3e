@testable import Audio

#if canImport(Glibc)
import Glibc
#endif

/// Deterministic signals for the echo-cancellation tests: a speech-like talker, rooms (bulk
/// delay plus an exponentially decaying noise tail), white noise, and the measures the tests
/// apply. Everything is seeded, so every run is the same; nothing reads files.
enum EchoSignals {
    static let rate = 16_000

    /// SplitMix64: a small seeded generator.
    struct Random {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        /// Uniform in [0, 1).
        mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }
        /// Standard normal (Box-Muller).
        mutating func gaussian() -> Double {
            let u = max(uniform(), 1e-12), v = uniform()
            return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
        }
    }

    /// A speech-like talker: glottal pulse trains with a gliding pitch around `pitch` Hz (plus
    /// some aspiration noise) through five formant resonators whose frequencies change every
    /// syllable, under syllable envelopes, with short and long pauses and a few noisy
    /// (fricative) syllables; scaled to `level` dBFS RMS over its active part.
    static func talker(seconds: Double, pitch: Double, seed: UInt64, level: Double = -24) -> [Double] {
        var random = Random(seed: seed)
        let count = Int(seconds * Double(rate))
        var out = [Double](repeating: 0, count: count)
        let vowels: [(Double, Double, Double)] = [
            (730, 1_090, 2_440), (270, 2_290, 3_010), (530, 1_840, 2_480), (300, 870, 2_240),
            (660, 1_720, 2_410), (490, 1_350, 1_690), (570, 840, 2_410), (440, 1_020, 2_240),
        ]
        var position = Int(0.1 * Double(rate))
        var phase = 0.0
        while position < count {
            let length = Int((0.12 + 0.16 * random.uniform()) * Double(rate))
            let vowel = vowels[Int(random.next() % UInt64(vowels.count))]
            let jitter = { (f: Double, r: inout Random) in f * (0.85 + 0.3 * r.uniform()) }
            let formants = [
                jitter(vowel.0, &random), jitter(vowel.1, &random), jitter(vowel.2, &random),
                jitter(3_500, &random), jitter(4_500, &random),
            ]
            let bandwidths = [80.0, 100.0, 140.0, 200.0, 250.0], gains = [1.0, 0.6, 0.3, 0.15, 0.08]
            let startPitch = pitch * (0.85 + 0.3 * random.uniform())
            let endPitch = startPitch * (0.8 + 0.4 * random.uniform())
            let fricative = random.uniform() < 0.15
            var y1 = [Double](repeating: 0, count: 5), y2 = y1
            var coefficients: [(Double, Double)] = []
            for (f, b) in zip(formants, bandwidths) {
                let r = exp(-Double.pi * b / Double(rate))
                coefficients.append((2 * r * cos(2 * Double.pi * f / Double(rate)), -r * r))
            }
            for i in 0..<length where position + i < count {
                let t = Double(i) / Double(length)
                let f0 = startPitch + (endPitch - startPitch) * t
                phase += f0 / Double(rate)
                var excitation = fricative ? 0.3 * random.gaussian() : 0.03 * random.gaussian()
                if !fricative && phase >= 1 {
                    phase -= 1
                    excitation += 1
                }
                var sample = 0.0
                for j in 0..<5 {
                    let y = excitation + coefficients[j].0 * y1[j] + coefficients[j].1 * y2[j]
                    y2[j] = y1[j]
                    y1[j] = y
                    sample += gains[j] * y
                }
                let envelope = sin(Double.pi * t)
                out[position + i] = sample * envelope * envelope.squareRoot()
            }
            position += length
            let pause = random.uniform()
            position += Int((pause < 0.6 ? 0.02 : pause < 0.9 ? 0.15 : 0.5) * Double(rate) * (0.5 + random.uniform()))
        }
        return scaled(out, toActiveDBFS: level)
    }

    /// An echo path: `bulkMilliseconds` of zeros, then Gaussian noise under an exponential
    /// envelope reaching -60 dB after `rt60` seconds, 1.2 × rt60 long.
    static func room(rt60: Double, bulkMilliseconds: Double, seed: UInt64) -> [Double] {
        var random = Random(seed: seed)
        let bulk = Int(bulkMilliseconds * Double(rate) / 1_000)
        let tail = Int(1.2 * rt60 * Double(rate))
        var h = [Double](repeating: 0, count: bulk + tail)
        for i in 0..<tail {
            let t = Double(i) / Double(rate)
            h[bulk + i] = random.gaussian() * exp(-3 * log(10) * t / rt60)
        }
        return h
    }

    /// `x` convolved with `h`, cut to `x.count`, by FFT overlap-add (``RealFFT``), so that
    /// debug builds stay quick.
    static func convolve(_ x: [Double], _ h: [Double]) -> [Double] {
        var size = 4
        while size < 2 * h.count { size *= 2 }
        size = max(size, 1_024)
        let step = size - h.count + 1
        let fft = RealFFT(count: size)
        let bins = size / 2 + 1
        var hr = [Float](repeating: 0, count: bins), hi = hr, xr = hr, xi = hr
        var frame = [Float](repeating: 0, count: size)
        for i in 0..<h.count { frame[i] = Float(h[i]) }
        frame.withUnsafeBufferPointer { f in
            hr.withUnsafeMutableBufferPointer { r in
                hi.withUnsafeMutableBufferPointer { i in fft.forward(f.baseAddress!, real: r.baseAddress!, imaginary: i.baseAddress!) }
            }
        }
        var y = [Double](repeating: 0, count: x.count + size)
        var start = 0
        while start < x.count {
            for i in 0..<size { frame[i] = i < step && start + i < x.count ? Float(x[start + i]) : 0 }
            frame.withUnsafeBufferPointer { f in
                xr.withUnsafeMutableBufferPointer { r in
                    xi.withUnsafeMutableBufferPointer { i in fft.forward(f.baseAddress!, real: r.baseAddress!, imaginary: i.baseAddress!) }
                }
            }
            for k in 0..<bins {
                let r = xr[k] * hr[k] - xi[k] * hi[k]
                let i = xr[k] * hi[k] + xi[k] * hr[k]
                xr[k] = r
                xi[k] = i
            }
            xr.withUnsafeBufferPointer { r in
                xi.withUnsafeBufferPointer { i in
                    frame.withUnsafeMutableBufferPointer { f in fft.inverse(real: r.baseAddress!, imaginary: i.baseAddress!, output: f.baseAddress!) }
                }
            }
            for i in 0..<size { y[start + i] += Double(frame[i]) }
            start += step
        }
        return Array(y[0..<x.count])
    }

    /// White Gaussian noise at `level` dBFS RMS.
    static func noise(count: Int, level: Double, seed: UInt64) -> [Double] {
        var random = Random(seed: seed)
        let scale = pow(10, level / 20)
        return (0..<count).map { _ in random.gaussian() * scale }
    }

    /// RMS in dBFS of `x` (full scale 1).
    static func levelDBFS(_ x: ArraySlice<Double>) -> Double {
        10 * log10(x.reduce(0) { $0 + $1 * $1 } / Double(max(x.count, 1)) + 1e-20)
    }

    /// The RMS in dBFS of the 20 ms frames of `x` above -40 dB of its loudest frame.
    static func activeDBFS(_ x: [Double]) -> Double {
        let powers = stride(from: 0, to: max(x.count - 320, 0), by: 320).map { start in
            x[start..<(start + 320)].reduce(0) { $0 + $1 * $1 } / 320
        }
        let loudest = powers.max() ?? 0
        let active = powers.filter { $0 > loudest * 1e-4 }
        return 10 * log10(active.reduce(0, +) / Double(max(active.count, 1)) + 1e-30)
    }

    /// `x` scaled so that its active RMS (``activeDBFS(_:)``) is `level` dBFS.
    static func scaled(_ x: [Double], toActiveDBFS level: Double) -> [Double] {
        let current = activeDBFS(x)
        guard current > -290 else { return x }
        return gained(x, level - current)
    }

    /// `x` scaled by `decibels`.
    static func gained(_ x: [Double], _ decibels: Double) -> [Double] {
        let gain = pow(10, decibels / 20)
        return x.map { $0 * gain }
    }

    static func sum(_ signals: [Double]...) -> [Double] {
        var out = [Double](repeating: 0, count: signals.map(\.count).max() ?? 0)
        for signal in signals {
            for i in 0..<signal.count { out[i] += signal[i] }
        }
        return out
    }

    static func pcm(_ x: [Double]) -> [Int16] {
        x.map { Int16(max(-32_768, min(32_767, ($0 * 32_768).rounded()))) }
    }

    static func double(_ x: [Int16]) -> [Double] { x.map { Double($0) / 32_768 } }

    /// Runs `processor` over `far` and `mic` frame by frame and returns its output, moved
    /// back by `latency` samples (so that it lines up with `mic`).
    static func run(_ processor: inout CaptureProcessor, far: [Int16], mic: [Int16]) -> [Double] {
        let frame = processor.frameSamples
        let frames = mic.count / frame
        var out = [Int16](repeating: 0, count: frames * frame)
        far.withUnsafeBufferPointer { f in
            mic.withUnsafeBufferPointer { m in
                out.withUnsafeMutableBufferPointer { o in
                    for index in 0..<frames {
                        let range = (index * frame)..<((index + 1) * frame)
                        processor.process(
                            far: UnsafeBufferPointer(rebasing: f[range]), mic: UnsafeBufferPointer(rebasing: m[range]),
                            out: UnsafeMutableBufferPointer(rebasing: o[range]))
                    }
                }
            }
        }
        let latency = processor.latencySamples
        var aligned = [Double](repeating: 0, count: frames * frame)
        for i in 0..<(aligned.count - latency) { aligned[i] = Double(out[i + latency]) / 32_768 }
        return aligned
    }

    /// 10·log10 of Σ reference² over Σ output², over 20 ms frames in `range` (samples) whose
    /// `activity` power is above `threshold`.
    static func ratioDecibels(
        _ reference: [Double], _ output: [Double], activity: [Double], threshold: Double, range: Range<Int>
    ) -> Double {
        var numerator = 0.0, denominator = 0.0
        var start = range.lowerBound
        while start + 320 <= range.upperBound {
            let power = activity[start..<(start + 320)].reduce(0) { $0 + $1 * $1 } / 320
            if power > threshold {
                for i in start..<(start + 320) {
                    numerator += reference[i] * reference[i]
                    denominator += output[i] * output[i]
                }
            }
            start += 320
        }
        return 10 * log10(numerator / max(denominator, 1e-30))
    }

    /// Over the samples of `range` where `near` is active: the gain applied to the near talker
    /// (10·log10 <out,near>/<near,near>) and the SNR of the output (near over out − near) and
    /// of the input (near over mic − near), in dB.
    static func doubleTalk(near: [Double], mic: [Double], out: [Double], echo: [Double], range: Range<Int>)
        -> (nearLevel: Double, snrIn: Double, snrOut: Double)
    {
        var nn = 0.0, on = 0.0, residualIn = 0.0, residualOut = 0.0
        var start = range.lowerBound
        while start + 320 <= range.upperBound {
            let nearPower = near[start..<(start + 320)].reduce(0) { $0 + $1 * $1 } / 320
            let echoPower = echo[start..<(start + 320)].reduce(0) { $0 + $1 * $1 } / 320
            if nearPower > 1e-6 && echoPower > 1e-6 {
                for i in start..<(start + 320) {
                    nn += near[i] * near[i]
                    on += out[i] * near[i]
                    residualIn += (mic[i] - near[i]) * (mic[i] - near[i])
                    residualOut += (out[i] - near[i]) * (out[i] - near[i])
                }
            }
            start += 320
        }
        return (10 * log10(max(on, 1e-30) / nn), 10 * log10(nn / residualIn), 10 * log10(nn / residualOut))
    }
}
