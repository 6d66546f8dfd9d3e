import Audio
import Foundation
import RTP
import Testing

/// The engine on real ALSA devices without a sound card: capture from ALSA's `file` plugin
/// (its `infile`), playback into another `file` plugin (raw S16), both over the `null`
/// plugin, at 48 kHz through the engine's resamplers. The engine runs cycle by cycle in
/// lockstep with a network side that loops its encoded frames back into its own jitter
/// buffer, so what the microphone file says must come out in the loudspeaker file, after a
/// local beep.
@Suite struct AudioEngineALSATests {
    @Test func microphoneToLoudspeakerThroughALSAFilePlugins() throws {
        let directory = try TemporaryDirectory()
        let configuration = try ALSAConfiguration(text: """
            pcm.silence { type null }
            pcm.speaker { type file slave.pcm silence file "\(directory.path)/out.raw" format raw }
            pcm.microphone { type file slave.pcm silence file "/dev/null" infile "\(directory.path)/in.raw" format raw }
            """)
        let format = AudioFormat(sampleRate: 48_000, channels: 1)
        // 0.4 s of silence (the beep plays alone), then a 600 Hz tone.
        let tone = Signals.sine(frequency: 600, rate: 48_000, seconds: 0.8)
        try Data(DeviceTestSupport.bytes(of: [Int16](repeating: 0, count: 19_200) + tone)).write(to: URL(fileURLWithPath: directory.file("in.raw")))
        let settings = ALSAPCMSettings(format: format, periodFrames: 960, bufferFrames: 3_840)
        let microphone = try ALSACaptureDevice(name: "microphone", settings: settings, configuration: configuration)
        let speaker = try ALSAPlaybackDevice(name: "speaker", settings: settings, configuration: configuration)
        let beep = SoundClip(tone: .beep, sampleRate: 16_000)
        let engine = try AudioEngine(
            configuration: AudioEngineConfiguration(
                deviceFormat: format, codec: .pcmu,
                capture: CaptureProcessorConfiguration(echoCancellation: false, noiseSuppression: false),
                realtimePriority: nil, sounds: [beep]),
            capture: microphone, playback: speaker)
        guard var producer = engine.takeJitterProducer() else {
            Issue.record("no jitter producer")
            return
        }
        engine.play(0, to: .loudspeaker)
        var sequence: UInt16 = 0
        for _ in 0..<50 {
            #expect(try engine.runCycle())
            engine.drainOutbound { payload, samples, marker in
                _ = producer.put(
                    sequenceNumber: sequence, timestamp: UInt32(sequence) * 160,
                    arrivalMicroseconds: Int64(sequence) * 20_000, marker: marker, payload: payload)
                sequence &+= 1
            }
        }
        engine.stop()
        #expect(engine.statistics.framesDecoded >= 45)
        #expect(engine.statistics.resamplerShortfalls == 0)

        let written = try Data(contentsOf: URL(fileURLWithPath: directory.file("out.raw")))
        let heard = written.withUnsafeBytes { Array($0.bindMemory(to: Int16.self)) }
        #expect(heard.count == (2 + 50) * 960)
        // The beep (1 kHz) first, right after the two periods of priming...
        let beepPart = heard[(2 * 960 + 480)..<(2 * 960 + 480 + 4_800)]
        #expect(Signals.rms(beepPart) > 2_000)
        #expect(abs(Signals.zeroCrossingsPerSecond(beepPart, rate: 48_000) - 2_000) < 150)
        // ...then the microphone's 600 Hz tone, back through G.711 and the jitter buffer.
        let tail = Array(heard[(30 * 960)...])
        let reference = Array(tone[0..<9_600])  // 200 ms
        let match = Signals.fastCorrelation(reference, tail, from: 0, lags: 0...4_800)
        #expect(match.value > 0.9, "correlation \(match.value)")
        #expect(abs(Signals.zeroCrossingsPerSecond(tail[...], rate: 48_000) - 1_200) < 40)
    }
}
