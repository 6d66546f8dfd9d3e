import Audio
import Testing

@Suite("Resampler through speexdsp")
struct ResamplerTests {
    /// Converts `input` in chunks of 10 ms and returns everything produced.
    static func convert(_ input: [Int16], with resampler: borrowing Resampler, chunk: Int) throws -> [Int16] {
        var output: [Int16] = []
        var buffer = [Int16](repeating: 0, count: chunk * 8 + 64)
        var start = 0
        while start < input.count {
            let end = min(start + chunk, input.count)
            var offset = start
            while offset < end {
                let (consumed, produced) = try input[offset..<end].withUnsafeBufferPointer { source in
                    try buffer.withUnsafeMutableBufferPointer { try resampler.process(source, into: $0) }
                }
                output += buffer[0..<produced]
                offset += consumed
                if consumed == 0 && produced == 0 { break }
            }
            start = end
        }
        return output
    }

    @Test("a 1 kHz sine keeps its frequency and the length scales with the rates", arguments: [
        (UInt32(48_000), UInt32(16_000)), (16_000, 48_000), (8_000, 48_000), (48_000, 8_000), (44_100, 16_000),
    ])
    func sine(from: UInt32, to: UInt32) throws {
        let resampler = try Resampler(inputRate: from, outputRate: to)
        let input = Signals.sine(frequency: 1_000, rate: Int(from), seconds: 1)
        let output = try Self.convert(input, with: resampler, chunk: Int(from) / 100)
        let expected = Int(to)
        #expect(abs(output.count - expected) <= resampler.inputLatency * Int(to) / Int(from) + 4, "\(output.count) samples")
        let steady = output[(output.count / 4)...]
        #expect(abs(Signals.zeroCrossingsPerSecond(steady, rate: Int(to)) - 2_000) < 20)
        #expect(abs(Signals.rms(steady) - 7_071) < 500, "level kept: \(Signals.rms(steady))")
    }

    @Test("stereo stays interleaved: both channels carry the signal")
    func stereo() throws {
        let resampler = try Resampler(channels: 2, inputRate: 48_000, outputRate: 16_000)
        let input = Signals.sine(frequency: 500, rate: 48_000, seconds: 0.5, channels: 2)
        let output = try Self.convert(input, with: resampler, chunk: 960)
        #expect(output.count % 2 == 0)
        let left = output.enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
        let right = output.enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
        #expect(left == right)
        #expect(abs(Signals.zeroCrossingsPerSecond(left[(left.count / 4)...], rate: 16_000) - 1_000) < 20)
    }

    @Test("refused arguments are errors naming them", arguments: [
        (UInt32(0), UInt32(48_000), UInt32(16_000), Int32(4), "channels"),
        (1, 0, 16_000, 4, "rates"),
        (1, 48_000, 500_000, 4, "rates"),
        (1, 48_000, 16_000, 11, "quality"),
    ])
    func refused(channels: UInt32, from: UInt32, to: UInt32, quality: Int32, word: String) {
        do {
            _ = try Resampler(channels: channels, inputRate: from, outputRate: to, quality: quality)
            Issue.record("accepted")
        } catch {
            #expect(error.description.hasPrefix(word))
        }
        let odd = [Int16](repeating: 0, count: 3)
        var out = [Int16](repeating: 0, count: 8)
        if let stereo = try? Resampler(channels: 2, inputRate: 8_000, outputRate: 16_000) {
            #expect(throws: ResamplerError.self) {
                try odd.withUnsafeBufferPointer { source in try out.withUnsafeMutableBufferPointer { try stereo.process(source, into: $0) } }
            }
        }
    }
}
