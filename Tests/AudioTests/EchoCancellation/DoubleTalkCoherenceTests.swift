@testable import Audio
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("DoubleTalkCoherence: the share of the microphone the echo estimates do not explain")
struct DoubleTalkCoherenceTests {
    static let block = 128

    /// Feeds the measure, block by block, a microphone of `echo` + `noise` + `near` and an echo
    /// estimate `estimate` (as both filters' estimates), and returns its near-to-echo ratio
    /// after each block from `from` seconds on where the echo is active (and, with
    /// `talking`, the near end at least as loud as the echo).
    static func ratios(
        echo: [Double], estimate: [Double], noise: [Double], near: [Double], from: Double, talking: Bool = false
    ) -> [Float] {
        let B = block, bins = B + 1
        let fft = RealFFT(count: 2 * B)
        var measure = DoubleTalkCoherence(bins: bins)
        var time = [Float](repeating: 0, count: 2 * B)
        var micReal = [Float](repeating: 0, count: bins), micImaginary = micReal
        var echoReal = micReal, echoImaginary = micReal, errorReal = micReal, errorImaginary = micReal
        func spectrum(_ x: [Double], _ start: Int, _ real: inout [Float], _ imaginary: inout [Float]) {
            for i in 0..<B {
                time[i] = 0
                time[B + i] = Float(x[start + i])
            }
            time.withUnsafeBufferPointer { t in
                real.withUnsafeMutableBufferPointer { r in
                    imaginary.withUnsafeMutableBufferPointer { m in
                        fft.forward(t.baseAddress!, real: r.baseAddress!, imaginary: m.baseAddress!)
                    }
                }
            }
        }
        let mic = EchoSignals.sum(echo, noise, near)
        var out: [Float] = []
        for start in stride(from: 0, to: mic.count - B + 1, by: B) {
            spectrum(mic, start, &micReal, &micImaginary)
            spectrum(estimate, start, &echoReal, &echoImaginary)
            for k in 0..<bins {
                errorReal[k] = micReal[k] - echoReal[k]
                errorImaginary[k] = micImaginary[k] - echoImaginary[k]
            }
            micReal.withUnsafeBufferPointer { dr in
                micImaginary.withUnsafeBufferPointer { di in
                    measure.trackNoise(micReal: dr.baseAddress!, micImaginary: di.baseAddress!)
                    echoReal.withUnsafeBufferPointer { yr in
                        echoImaginary.withUnsafeBufferPointer { yi in
                            errorReal.withUnsafeBufferPointer { er in
                                errorImaginary.withUnsafeBufferPointer { ei in
                                    measure.update(
                                        micReal: dr.baseAddress!, micImaginary: di.baseAddress!,
                                        foregroundEchoReal: yr.baseAddress!, foregroundEchoImaginary: yi.baseAddress!,
                                        backgroundErrorReal: er.baseAddress!, backgroundErrorImaginary: ei.baseAddress!,
                                        foregroundSet: true)
                                }
                            }
                        }
                    }
                }
            }
            let echoPower = echo[start..<(start + B)].reduce(0) { $0 + $1 * $1 } / Double(B)
            let noisePower = noise[start..<(start + B)].reduce(0) { $0 + $1 * $1 } / Double(B)
            let nearPower = near[start..<(start + B)].reduce(0) { $0 + $1 * $1 } / Double(B)
            if Double(start) >= from * Double(EchoSignals.rate) && echoPower > 10 * noisePower
                && (!talking || nearPower >= echoPower) {
                out.append(measure.nearToEchoRatio)
            }
        }
        return out
    }

    static func median(_ x: [Float]) -> Float { x.sorted()[x.count / 2] }

    /// A far talker through a room of 250 ms RT60, the echo at -32 dBFS, and an estimate of
    /// it through the first `modelledMilliseconds` of the path (10 ms of bulk delay included)
    /// at half the gain: a filter still far from the room's path.
    static func scene(noiseLevel: Double, modelledMilliseconds: Double) -> (echo: [Double], estimate: [Double], noise: [Double]) {
        let far = EchoSignals.talker(seconds: 6, pitch: 115, seed: 11, level: -24)
        let path = EchoSignals.room(rt60: 0.25, bulkMilliseconds: 10, seed: 12)
        let raw = EchoSignals.convolve(far, path)
        let gain = -8 - (EchoSignals.levelDBFS(raw[...]) - EchoSignals.levelDBFS(far[...]))
        let echo = EchoSignals.gained(raw, gain)
        let taps = Int(modelledMilliseconds * Double(EchoSignals.rate) / 1_000)
        let young = path.enumerated().map { $0.offset < taps ? 0.5 * $0.element : 0 }
        let estimate = EchoSignals.gained(EchoSignals.convolve(far, young), gain)
        let noise = EchoSignals.noise(count: far.count, level: noiseLevel, seed: 13)
        return (echo, estimate, noise)
    }

    /// A talker as loud as the echo over their active parts (0 dB signal-to-echo ratio) from
    /// 1 s on.
    static func talker(like echo: [Double]) -> [Double] {
        var near = EchoSignals.talker(seconds: 6, pitch: 210, seed: 17, level: EchoSignals.activeDBFS(echo))
        for i in 0..<Int(1.0 * Double(EchoSignals.rate)) { near[i] = 0 }
        return near
    }

    /// The block ratios of `room` with no talker (far end only) and with ``talker(like:)``, both
    /// from 1 s on.
    static func farOnlyAndTalk(_ room: (echo: [Double], estimate: [Double], noise: [Double])) -> (farOnly: [Float], talk: [Float]) {
        let silence = [Double](repeating: 0, count: room.echo.count)
        let farOnly = ratios(echo: room.echo, estimate: room.estimate, noise: room.noise, near: silence, from: 1)
        let talk = ratios(
            echo: room.echo, estimate: room.estimate, noise: room.noise, near: talker(like: room.echo), from: 1,
            talking: true)
        return (farOnly, talk)
    }

    @Test("an echo estimated with half the gain is explained; a talker as loud as the echo is not")
    func talkerAgainstEcho() {
        let (farOnly, talk) = Self.farOnlyAndTalk(Self.scene(noiseLevel: -60, modelledMilliseconds: 1_000))
        let threshold = AdaptiveEchoFilter.coherenceRatio
        let farMedian = Self.median(farOnly), talkMedian = Self.median(talk)
        #expect(farMedian < threshold / 4, "far-end only: median ratio \(farMedian)")
        let falseAlarms = farOnly.filter { $0 > threshold }.count
        #expect(Double(falseAlarms) <= 0.02 * Double(farOnly.count), "far-end only: \(falseAlarms) of \(farOnly.count) above \(threshold)")
        #expect(talkMedian > threshold, "talker at least as loud as the echo: median ratio \(talkMedian)")
    }

    @Test("capture noise 15 dB below the echo is not taken for a talker")
    func noisyRoom() {
        let room = Self.scene(noiseLevel: -47, modelledMilliseconds: 1_000)
        let silence = [Double](repeating: 0, count: room.echo.count)
        let farOnly = Self.ratios(echo: room.echo, estimate: room.estimate, noise: room.noise, near: silence, from: 2)
        let threshold = AdaptiveEchoFilter.coherenceRatio
        let falseAlarms = farOnly.filter { $0 > threshold }.count
        #expect(!farOnly.isEmpty)
        #expect(Double(falseAlarms) <= 0.05 * Double(farOnly.count), "\(falseAlarms) of \(farOnly.count) above \(threshold)")
    }

    @Test("with a young filter (60 ms of the path) a talker still stands out against the filter's own ratio")
    func youngFilter() {
        let (farOnly, talk) = Self.farOnlyAndTalk(Self.scene(noiseLevel: -60, modelledMilliseconds: 60))
        let mean = farOnly.reduce(0, +) / Float(farOnly.count)
        let factor = AdaptiveEchoFilter.coherenceBaselineFactor
        // The canceller's baseline is the mean ratio outside double talk: the talker must pass
        // `factor` times it most of the time, the far end alone rarely.
        let threshold = max(AdaptiveEchoFilter.coherenceRatio, factor * mean)
        let hits = talk.filter { $0 > threshold }.count, falseAlarms = farOnly.filter { $0 > threshold }.count
        #expect(Double(falseAlarms) <= 0.05 * Double(farOnly.count), "far-end only: \(falseAlarms) of \(farOnly.count) above \(threshold) (mean \(mean))")
        #expect(Double(hits) >= 0.4 * Double(talk.count), "with a talker: \(hits) of \(talk.count) above \(threshold)")
    }
}
