import Audio
import Testing

/// Tones rendered to clips: cadence lengths, frequencies, level and click-free edges; and
/// announcements converted from a file's rate and channels.
@Suite struct SoundClipTests {
    @Test func ringbackIsOneSecondOf425HzThenFourOfSilence() {
        let clip = SoundClip(tone: .ringbackEurope, sampleRate: 16_000)
        #expect(clip.samples.count == 5 * 16_000)
        #expect(clip.loops)
        let tone = clip.samples[0..<16_000]
        #expect(abs(Signals.zeroCrossingsPerSecond(tone, rate: 16_000) - 850) < 10)
        #expect(clip.samples[16_000...].allSatisfy { $0 == 0 })
        // -12 dBFS peak: 8225 or so, with the 5 ms ramps at both ends.
        let peak = tone.map { abs(Int($0)) }.max() ?? 0
        #expect((8_100...8_300).contains(peak))
        #expect(abs(Int(tone.first ?? 1)) < 10 && abs(Int(tone.last ?? 1)) < 200)
    }

    @Test func twoFrequencyTonesSumBothWithinTheLevel() {
        let clip = SoundClip(tone: .busyNorthAmerica, sampleRate: 8_000)
        #expect(clip.samples.count == 8_000)
        let peak = clip.samples.map { abs(Int($0)) }.max() ?? 0
        #expect(peak <= 8_230)
        #expect(peak > 7_000)
        #expect(Signals.rms(clip.samples[4_000...]) == 0)
    }

    @Test func aBeepPlaysOnce() {
        let clip = SoundClip(tone: .beep, sampleRate: 16_000)
        #expect(!clip.loops)
        #expect(clip.milliseconds == 200)
        #expect(abs(Signals.zeroCrossingsPerSecond(clip.samples[...], rate: 16_000) - 2_000) < 20)
    }

    @Test func tonesAboveNyquistAreLeftOut() {
        let clip = SoundClip(tone: TonePattern([.init([5_000], milliseconds: 100)], repeats: false), sampleRate: 8_000)
        #expect(clip.samples.count == 800)
        #expect(clip.samples.allSatisfy { $0 == 0 })
    }

    @Test func anAnnouncementIsMixedToMonoAndConverted() throws {
        let stereo = Signals.sine(frequency: 1_000, rate: 48_000, seconds: 0.5, channels: 2)
        let file = WAVFile(format: AudioFormat(sampleRate: 48_000, channels: 2), samples: stereo)
        let clip = try SoundClip(wav: file, sampleRate: 16_000, loops: false)
        #expect(clip.sampleRate == 16_000)
        #expect(abs(clip.samples.count - 8_000) <= 2)
        #expect(abs(Signals.zeroCrossingsPerSecond(clip.samples[200...], rate: 16_000) - 2_000) < 30)
        // The resampler's delay is taken off: the tone starts at once.
        #expect(Signals.rms(clip.samples[0..<160]) > 3_000)
    }
}
