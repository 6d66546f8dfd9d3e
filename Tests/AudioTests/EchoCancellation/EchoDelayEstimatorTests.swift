@testable import Audio
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("EchoDelayEstimator: the echo path's bulk delay from the envelopes")
struct EchoDelayEstimatorTests {
    static let block = 128

    /// Runs an estimator over `far` and `mic` (16 kHz) in blocks of 128, with power spectra of
    /// the last two blocks as the canceller computes them, and returns it.
    static func estimate(far: [Double], mic: [Double], maximumDelayBlocks: Int) -> EchoDelayEstimator {
        let B = block, bins = B + 1
        let fft = RealFFT(count: 2 * B)
        var estimator = EchoDelayEstimator(bins: bins, maximumDelayBlocks: maximumDelayBlocks)
        var farTime = [Float](repeating: 0, count: 2 * B), micTime = farTime
        var real = [Float](repeating: 0, count: bins), imaginary = real
        var farPower = real, micPower = real
        func power(_ time: [Float], into out: inout [Float]) {
            time.withUnsafeBufferPointer { t in
                real.withUnsafeMutableBufferPointer { r in
                    imaginary.withUnsafeMutableBufferPointer { i in
                        fft.forward(t.baseAddress!, real: r.baseAddress!, imaginary: i.baseAddress!)
                    }
                }
            }
            for k in 0..<bins { out[k] = real[k] * real[k] + imaginary[k] * imaginary[k] }
        }
        for start in stride(from: 0, to: min(far.count, mic.count) - B + 1, by: B) {
            var energy: Float = 0
            for i in 0..<B {
                farTime[i] = farTime[B + i]
                micTime[i] = micTime[B + i]
                farTime[B + i] = Float(far[start + i])
                micTime[B + i] = Float(mic[start + i])
                energy += farTime[B + i] * farTime[B + i]
            }
            power(farTime, into: &farPower)
            power(micTime, into: &micPower)
            farPower.withUnsafeBufferPointer { x in
                micPower.withUnsafeBufferPointer { d in
                    estimator.update(farPower: x.baseAddress!, micPower: d.baseAddress!, farActive: energy > 1e-7 * Float(B))
                }
            }
        }
        return estimator
    }

    @Test("finds the bulk delay of a reverberant room", arguments: [
        (0.0, 0.25), (96.0, 0.4), (200.0, 0.3), (304.0, 0.5),
    ])
    func findsDelay(bulkMilliseconds: Double, rt60: Double) {
        let scene = EchoScene(seconds: 6, rt60: rt60, bulkMilliseconds: bulkMilliseconds)
        let estimator = Self.estimate(far: scene.far, mic: scene.mic, maximumDelayBlocks: 63)
        let expected = Int((bulkMilliseconds * 16 / Double(Self.block)).rounded())
        let found = estimator.delayBlocks
        // Never more than a block early; on this smooth synthetic talker up to four blocks late
        // (the peak's rising edge is spread by the syllables' slow envelopes).
        #expect(found.map { $0 >= expected - 1 && $0 <= expected + 4 } == true,
                "found \(String(describing: found)) blocks, bulk \(expected) (confidence \(estimator.confidence))")
    }

    @Test("finds it with a near-end talker as loud as the echo")
    func findsDelayInDoubleTalk() {
        let scene = EchoScene(seconds: 8, rt60: 0.3, bulkMilliseconds: 152, nearSpan: 1.0...7.0)
        let estimator = Self.estimate(far: scene.far, mic: scene.mic, maximumDelayBlocks: 63)
        #expect(estimator.delayBlocks.map { $0 >= 18 && $0 <= 25 } == true, "found \(String(describing: estimator.delayBlocks))")
    }

    @Test("reports nothing while the far end is silent")
    func farSilent() {
        let scene = EchoScene(seconds: 4, rt60: 0.3, bulkMilliseconds: 100, nearSpan: 0.5...3.5)
        let far = [Double](repeating: 0, count: scene.far.count)
        let estimator = Self.estimate(far: far, mic: EchoSignals.sum(scene.near, scene.noise), maximumDelayBlocks: 63)
        #expect(estimator.delayBlocks == nil, "found \(String(describing: estimator.delayBlocks))")
    }

    @Test("a delay beyond the candidates is not reported as a shorter one")
    func delayOutOfReach() {
        // The echo arrives 400 ms late; the estimator looks at 0...248 ms only.
        let scene = EchoScene(seconds: 6, rt60: 0.2, bulkMilliseconds: 400)
        let estimator = Self.estimate(far: scene.far, mic: scene.mic, maximumDelayBlocks: 32)
        #expect(estimator.delayBlocks == nil, "found \(String(describing: estimator.delayBlocks)) (confidence \(estimator.confidence))")
    }

    @Test("the capture processor reports the delay and spans the path from it")
    func processorUsesDelay() throws {
        let scene = EchoScene(seconds: 6, rt60: 0.3, bulkMilliseconds: 250)
        var processor = try CaptureProcessor(.init(maximumEchoPathMilliseconds: 500))
        _ = EchoSignals.run(&processor, far: scene.farPCM, mic: scene.micPCM)
        let delay = try #require(processor.statistics.estimatedBulkDelayMilliseconds)
        #expect(delay >= 240 && delay <= 280, "bulk delay \(delay) ms")
    }
}
