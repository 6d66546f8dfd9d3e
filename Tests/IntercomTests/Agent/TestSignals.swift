import Foundation

/// Deterministic test audio at 16 kHz.
enum TestSignals {
    /// A voice-like signal: a 140 Hz harmonic voice under a 4 Hz syllable envelope.
    static func voice(seconds: Double) -> [Int16] {
        (0..<Int(seconds * 16_000)).map { index in
            let t = Double(index) / 16_000
            var voice = 0.0
            for harmonic in 1...15 { voice += sin(2 * Double.pi * 140 * Double(harmonic) * t + Double(harmonic)) / Double(harmonic) }
            return Int16(max(-32_000, min(32_000, 6_000 * max(0, sin(2 * Double.pi * 4 * t)) * voice)))
        }
    }

    /// A 900 Hz tone warbling at 3 Hz.
    static func warble(seconds: Double) -> [Int16] {
        var phase = 0.0
        return (0..<Int(seconds * 16_000)).map { index in
            let t = Double(index) / 16_000
            phase += 2 * Double.pi * (900 + 150 * sin(2 * Double.pi * 3 * t)) / 16_000
            return Int16((8_000 * sin(phase)).rounded())
        }
    }

    /// The highest normalised correlation of `reference` with `signal` shifted by each of
    /// `lags` (`reference` compared with `signal[from + lag...]`, the reference taken at sample
    /// `from` of its file, so a lag is how much later than that it appears).
    static func bestCorrelation(_ reference: [Int16], in signal: [Int16], from: Int = 8_000, lags: Range<Int>) -> Double {
        let x = reference.map(Float.init)
        let y = signal.map(Float.init)
        let energy = x.reduce(Float(0)) { $0 + $1 * $1 }
        var best = -1.0
        x.withUnsafeBufferPointer { x in
            y.withUnsafeBufferPointer { y in
                for lag in lags where from + lag + x.count <= y.count {
                    var dot: Float = 0, power: Float = 0
                    for index in 0..<x.count {
                        let value = y[from + lag + index]
                        dot += x[index] * value
                        power += value * value
                    }
                    best = max(best, Double(dot) / max(Double(energy * power).squareRoot(), 1))
                }
            }
        }
        return best
    }
}
