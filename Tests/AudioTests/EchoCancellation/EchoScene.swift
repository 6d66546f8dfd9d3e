#if canImport(Glibc)
import Glibc
#endif

/// A far-end talker through a room, with noise and optionally a near-end talker.
struct EchoScene {
    var far: [Double]
    var echo: [Double]
    var near: [Double]
    var mic: [Double]
    var noise: [Double]
    var noiseLevel: Double

    /// `seconds` of far speech through a room of `rt60` s and `bulkMilliseconds` of delay,
    /// the echo `echoDecibels` below the far end, noise at `noiseLevel` dBFS, and a near-end
    /// talker as loud as the echo during `nearSpan` seconds, if any.
    init(seconds: Double, rt60: Double, bulkMilliseconds: Double, echoDecibels: Double = -8,
         noiseLevel: Double = -55, nearSpan: ClosedRange<Double>? = nil, seed: UInt64 = 1) {
        let count = Int(seconds * Double(EchoSignals.rate))
        far = EchoSignals.talker(seconds: seconds, pitch: 115, seed: seed, level: -24)
        let path = EchoSignals.room(rt60: rt60, bulkMilliseconds: bulkMilliseconds, seed: seed + 100)
        var echo = EchoSignals.convolve(far, path)
        let echoLevel = EchoSignals.levelDBFS(echo[...]), farLevel = EchoSignals.levelDBFS(far[...])
        echo = EchoSignals.gained(echo, echoDecibels - (echoLevel - farLevel))
        self.echo = echo
        near = [Double](repeating: 0, count: count)
        if let span = nearSpan {
            // As loud as the echo over their active parts (0 dB signal-to-echo ratio).
            let talk = EchoSignals.talker(
                seconds: span.upperBound - span.lowerBound, pitch: 210, seed: seed + 7,
                level: EchoSignals.activeDBFS(echo))
            let start = Int(span.lowerBound * Double(EchoSignals.rate))
            for i in 0..<talk.count where start + i < count { near[start + i] = talk[i] }
        }
        self.noiseLevel = noiseLevel
        noise = EchoSignals.noise(count: count, level: noiseLevel, seed: seed + 200)
        mic = EchoSignals.sum(echo, near, noise)
    }

    var farPCM: [Int16] { EchoSignals.pcm(far) }
    var micPCM: [Int16] { EchoSignals.pcm(mic) }
    var noisePower: Double { pow(10, noiseLevel / 10) }

    /// Samples from `second` to the end.
    func from(_ second: Double) -> Range<Int> { Int(second * Double(EchoSignals.rate))..<mic.count }
}
