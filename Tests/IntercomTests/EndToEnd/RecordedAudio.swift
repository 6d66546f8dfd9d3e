import Audio
import Foundation
import InteropSupport

/// Recordings compared at 8 kHz mono (the PCMU rate every path of these tests passes through):
/// whether a source signal is in a recording at some lag, by normalised cross-correlation.
enum RecordedAudio {
    /// The file's first channel at 8 kHz (16 and 48 kHz are averaged down; the calls run on
    /// PCMU, so nothing above 4 kHz is lost).
    static func at8kHz(_ path: String) throws -> [Float] {
        let file = try WAVFile(contentsOf: path)
        let channels = max(file.format.channels, 1)
        let mono = stride(from: 0, to: file.samples.count, by: channels).map { Float(file.samples[$0]) }
        guard file.format.sampleRate % 8_000 == 0, file.format.sampleRate > 0 else {
            throw InteropFailure("\(path): \(file.format.sampleRate) Hz is not a multiple of 8 kHz")
        }
        let factor = file.format.sampleRate / 8_000
        guard factor > 1 else { return mono }
        return stride(from: 0, to: mono.count - factor + 1, by: factor).map { start in
            mono[start..<(start + factor)].reduce(0, +) / Float(factor)
        }
    }

    /// The highest normalised correlation of `reference` with `signal[lag...]` over every lag.
    static func bestCorrelation(_ reference: [Float], in signal: [Float]) -> Double {
        guard !reference.isEmpty, signal.count >= reference.count else { return 0 }
        let mean = reference.reduce(0, +) / Float(reference.count)
        let x = reference.map { $0 - mean }
        let energy = Double(x.reduce(Float(0)) { $0 + $1 * $1 })
        var best = 0.0
        x.withUnsafeBufferPointer { x in
            signal.withUnsafeBufferPointer { y in
                for lag in 0...(y.count - x.count) {
                    var dot: Float = 0
                    var power: Float = 0
                    for index in 0..<x.count {
                        let value = y[lag + index]
                        dot += x[index] * value
                        power += value * value
                    }
                    guard power > 0 else { continue }
                    best = max(best, Double(dot) / (energy * Double(power)).squareRoot())
                }
            }
        }
        return best
    }

    /// Root mean square of `samples`.
    static func rms(_ samples: [Float]) -> Double {
        guard !samples.isEmpty else { return 0 }
        return (Double(samples.reduce(Float(0)) { $0 + $1 * $1 }) / Double(samples.count)).squareRoot()
    }

    /// Waits (at most `seconds`) until `path` is a complete WAV file of at least
    /// `minimumSeconds` (a recorder writes or finalises it when its call ends).
    static func waitForRecording(_ path: String, minimumSeconds: Double, seconds: Double = 10) async throws -> [Float] {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        var last = "no file"
        while ContinuousClock.now < deadline {
            do {
                let samples = try at8kHz(path)
                if Double(samples.count) / 8_000 >= minimumSeconds { return samples }
                last = "\(Double(samples.count) / 8_000) s"
            } catch {
                last = "\(error)"
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw InteropFailure("\(path) is not a recording of \(minimumSeconds) s within \(seconds) s (\(last))")
    }
}
