import Foundation

/// Mono PCM ready for the audio thread: a rendered ``TonePattern`` or an announcement file at
/// the engine's processing rate, played once or looped.
public struct SoundClip: Sendable, Hashable {
    /// The samples at ``sampleRate``.
    public var samples: [Int16]
    /// Samples per second.
    public var sampleRate: Int
    /// Whether playing wraps around until stopped.
    public var loops: Bool

    public init(samples: [Int16], sampleRate: Int, loops: Bool) {
        self.samples = samples
        self.sampleRate = sampleRate
        self.loops = loops
    }

    /// Renders one cycle of `tone` at `sampleRate` (each segment starts at phase 0, with 5 ms
    /// ramps so that no segment clicks).
    public init(tone: TonePattern, sampleRate: Int) {
        var samples: [Int16] = []
        let amplitude = 32_767 * pow(10, tone.levelDBFS / 20)
        let ramp = max(1, sampleRate / 200)
        for segment in tone.segments {
            let count = max(0, segment.milliseconds) * sampleRate / 1_000
            let voices = segment.frequencies.filter { $0 > 0 && $0 < Double(sampleRate) / 2 }
            let scale = voices.isEmpty ? 0 : amplitude / Double(voices.count)
            for n in 0..<count {
                var value = 0.0
                for frequency in voices { value += sin(2 * Double.pi * frequency * Double(n) / Double(sampleRate)) }
                let edge = Double(min(n, count - 1 - n, ramp)) / Double(ramp)
                samples.append(Int16((value * scale * edge).rounded()))
            }
        }
        self.init(samples: samples, sampleRate: sampleRate, loops: tone.repeats)
    }

    /// An announcement from a WAV file, mixed to mono and converted to `sampleRate`.
    ///
    /// - Throws: ``ResamplerError`` when the file's rate cannot be converted.
    public init(wav: WAVFile, sampleRate: Int, loops: Bool) throws(ResamplerError) {
        let channels = max(1, wav.format.channels)
        var mono = [Int16](repeating: 0, count: wav.frameCount)
        for frame in 0..<wav.frameCount {
            var sum = 0
            for channel in 0..<channels { sum += Int(wav.samples[frame * channels + channel]) }
            mono[frame] = Int16(sum / channels)
        }
        let converted = try Resampler.convert(mono, channels: 1, from: wav.format.sampleRate, to: sampleRate)
        self.init(samples: converted, sampleRate: sampleRate, loops: loops)
    }

    /// Length [ms].
    public var milliseconds: Int { sampleRate == 0 ? 0 : samples.count * 1_000 / sampleRate }
}
