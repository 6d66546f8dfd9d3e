@testable import Audio
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("RealFFT")
struct RealFFTTests {
    @Test("matches a direct DFT and inverts exactly", arguments: [16, 32, 256, 512])
    func transform(count: Int) {
        let fft = RealFFT(count: count)
        var random = EchoSignals.Random(seed: UInt64(count))
        let x = (0..<count).map { _ in Float(random.gaussian()) }
        var real = [Float](repeating: 0, count: count / 2 + 1), imaginary = real
        var y = [Float](repeating: 0, count: count)
        x.withUnsafeBufferPointer { xb in
            real.withUnsafeMutableBufferPointer { r in
                imaginary.withUnsafeMutableBufferPointer { i in fft.forward(xb.baseAddress!, real: r.baseAddress!, imaginary: i.baseAddress!) }
            }
        }
        var worst: Double = 0
        for k in 0...(count / 2) {
            var sr = 0.0, si = 0.0
            for n in 0..<count {
                let angle = 2 * Double.pi * Double(k * n) / Double(count)
                sr += Double(x[n]) * cos(angle)
                si -= Double(x[n]) * sin(angle)
            }
            worst = max(worst, abs(sr - Double(real[k])), abs(si - Double(imaginary[k])))
        }
        #expect(worst < 1e-3 * Double(count).squareRoot())
        real.withUnsafeBufferPointer { r in
            imaginary.withUnsafeBufferPointer { i in
                y.withUnsafeMutableBufferPointer { fft.inverse(real: r.baseAddress!, imaginary: i.baseAddress!, output: $0.baseAddress!) }
            }
        }
        #expect(zip(x, y).allSatisfy { abs($0 - $1) < 1e-5 })
    }
}
