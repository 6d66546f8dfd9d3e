@testable import Audio
import Foundation
import Testing

/// A sound card that vanishes mid-call (a USB card unplugged): ALSA then answers every
/// transfer with an error recovery cannot fix (ENODEV, EIO). Through ALSA's null plugin and
/// the debug seam that replaces its transfers by such an error, the engine's real-time thread
/// must stop by itself, keep the error with the device's name, close nothing twice, and never
/// crash; xruns, which recovery does fix, are covered by ALSARecoveryTests.
@Suite("AudioEngine: a device that vanishes")
struct AudioEngineDeviceFailureTests {
    static let settings = ALSAPCMSettings(format: AudioFormat(sampleRate: 16_000), periodFrames: 320)
    static func configuration() throws -> ALSAConfiguration { try ALSAConfiguration(text: "pcm.card { type null }") }

    func engine(capture: ALSACaptureDevice, playback: ALSAPlaybackDevice) throws -> AudioEngine {
        try AudioEngine(
            configuration: AudioEngineConfiguration(deviceFormat: Self.settings.format, codec: .pcmu, realtimePriority: nil),
            capture: capture, playback: playback)
    }

    @Test("the loudspeaker vanishes: the audio thread stops with the device's error", arguments: [-ENODEV, -EIO])
    func playbackVanishes(code: Int32) throws {
        let microphone = try ALSACaptureDevice(name: "card", settings: Self.settings, configuration: Self.configuration())
        let speaker = try ALSAPlaybackDevice(name: "card", settings: Self.settings, configuration: Self.configuration())
        // The device works for 25 periods (half a second), then every write fails.
        speaker.pcm.injectedError = code
        speaker.pcm.injectedFailures = Int.max
        speaker.pcm.injectedAfter = 25
        let engine = try engine(capture: microphone, playback: speaker)
        try engine.start()
        engine.waitUntilFinished()
        let failure = try #require(engine.failure, "the engine ended without an error")
        #expect(failure.code == code)
        #expect(failure.device == "card")
        #expect(!engine.isRunning)
        engine.stop()  // Stopping again after the failure is harmless.
    }

    @Test("the microphone vanishes: the audio thread stops with the device's error")
    func captureVanishes() throws {
        let microphone = try ALSACaptureDevice(name: "card", settings: Self.settings, configuration: Self.configuration())
        let speaker = try ALSAPlaybackDevice(name: "card", settings: Self.settings, configuration: Self.configuration())
        microphone.pcm.injectedError = -ENODEV
        microphone.pcm.injectedFailures = Int.max
        microphone.pcm.injectedAfter = 25
        let engine = try engine(capture: microphone, playback: speaker)
        try engine.start()
        engine.waitUntilFinished()
        let failure = try #require(engine.failure)
        #expect(failure.code == -ENODEV)
        #expect(failure.operation.contains("read"))
        #expect(engine.statistics.running == false)
        #expect(engine.statistics.cycles >= 20, "it ran before the device vanished")
    }

    @Test("a device already gone when the call starts: start throws, naming the device and the error")
    func goneAtStart() throws {
        let microphone = try ALSACaptureDevice(name: "card", settings: Self.settings, configuration: Self.configuration())
        let speaker = try ALSAPlaybackDevice(name: "card", settings: Self.settings, configuration: Self.configuration())
        speaker.pcm.injectedError = -ENODEV
        speaker.pcm.injectedFailures = Int.max
        let engine = try engine(capture: microphone, playback: speaker)
        let error = #expect(throws: AudioEngineError.self) { try engine.start() }
        #expect("\(error.map { "\($0)" } ?? "")".contains("No such device"))
        #expect(!engine.isRunning)
        engine.stop()
    }
}
