import Audio
import RTP
import Testing

/// The audio engine's thread on in-memory devices that run as fast as the thread asks: what
/// goes in at the microphone comes out encoded, what the jitter buffer holds comes out of the
/// loudspeaker, sounds mix in, the echo reference follows the device delays, and failures
/// stop the thread cleanly.
@Suite struct AudioEngineTests {
    static let mono16k = AudioFormat(sampleRate: 16_000, channels: 1)

    /// A configuration without real-time priority (tests run unprivileged) and without echo
    /// cancellation, so that signals pass untouched unless the test says otherwise.
    static func configuration(
        format: AudioFormat = mono16k, codec: AudioEngineCodec? = nil, sounds: [SoundClip] = [], priming: Int = 2,
        outboundCapacity: Int = 64
    ) -> AudioEngineConfiguration {
        AudioEngineConfiguration(
            deviceFormat: format, codec: codec,
            capture: CaptureProcessorConfiguration(echoCancellation: false, noiseSuppression: false),
            playbackPrimingPeriods: priming, realtimePriority: nil, outboundCapacityFrames: outboundCapacity,
            sounds: sounds)
    }

    @Test func aBeepOnTheLoudspeakerIsPlayedSampleForSampleAfterThePriming() throws {
        let beep = SoundClip(tone: .beep, sampleRate: 16_000)
        let capture = MemoryCaptureDevice(format: Self.mono16k, samples: [Int16](repeating: 0, count: 16_000))
        let playback = MemoryPlaybackDevice(format: Self.mono16k)
        let engine = try AudioEngine(configuration: Self.configuration(sounds: [beep]), capture: capture, playback: playback)
        #expect(engine.play(0, to: .loudspeaker))
        #expect(!engine.play(1, to: .loudspeaker))
        try engine.start()
        engine.waitUntilFinished()
        let priming = 2 * 320
        #expect(playback.written.count == priming + 16_000)
        #expect(Array(playback.written[priming..<priming + beep.samples.count]) == beep.samples)
        #expect(playback.written[(priming + beep.samples.count)...].allSatisfy { $0 == 0 })
        #expect(playback.closed)
        let statistics = engine.statistics
        #expect(statistics.cycles == 50)
        #expect(!statistics.running)
    }

    @Test func theMicrophoneIsEncodedOneFramePerPeriod() throws {
        let tone = Signals.sine(frequency: 1_000, rate: 16_000, seconds: 1)
        let capture = MemoryCaptureDevice(format: Self.mono16k, samples: tone)
        let playback = MemoryPlaybackDevice(format: Self.mono16k)
        let engine = try AudioEngine(configuration: Self.configuration(codec: .pcmu), capture: capture, playback: playback)
        try engine.start()
        engine.waitUntilFinished()
        var decoded: [Int16] = []
        var markers: [Bool] = []
        let frames = engine.drainOutbound { payload, samples, marker in
            #expect(samples == 160)
            #expect(payload.count == 160)
            markers.append(marker)
            for code in payload { decoded.append(G711.muLawDecode(code)) }
        }
        #expect(frames == 50)
        #expect(markers.first == true)
        #expect(markers.dropFirst().allSatisfy { !$0 })
        // 8 kHz now: still a 1 kHz tone, after the resampler's delay.
        let reference = Signals.sine(frequency: 1_000, rate: 8_000, seconds: 0.5)
        let match = Signals.bestCorrelation(reference, decoded, maxLag: 100)
        #expect(match.value > 0.95)
        #expect(abs(Signals.zeroCrossingsPerSecond(decoded[2_000...], rate: 8_000) - 2_000) < 40)
    }

    @Test func receivedFramesArePlayedOnTheLoudspeaker() throws {
        let capture = MemoryCaptureDevice(format: Self.mono16k, samples: [Int16](repeating: 0, count: 32_000))
        let playback = MemoryPlaybackDevice(format: Self.mono16k)
        let engine = try AudioEngine(configuration: Self.configuration(codec: .pcma), capture: capture, playback: playback)
        guard var producer = engine.takeJitterProducer() else {
            Issue.record("no jitter producer")
            return
        }
        let secondTaken: Bool
        if engine.takeJitterProducer() != nil { secondTaken = true } else { secondTaken = false }
        #expect(!secondTaken)
        let tone = Signals.sine(frequency: 500, rate: 8_000, seconds: 1)
        for frame in 0..<50 {
            var payload = [UInt8](repeating: 0, count: 160)
            tone[frame * 160..<(frame + 1) * 160].withContiguousStorageIfAvailable { pcm in
                payload.withUnsafeMutableBytes { _ = G711.encodeALaw(pcm, into: $0) }
            }
            let result = payload.withUnsafeBytes {
                producer.put(
                    sequenceNumber: UInt16(frame), timestamp: UInt32(frame * 160), arrivalMicroseconds: Int64(frame) * 20_000,
                    marker: frame == 0, payload: $0)
            }
            #expect(result == .stored)
        }
        try engine.start()
        engine.waitUntilFinished()
        let statistics = engine.statistics
        #expect(statistics.framesDecoded == 50)
        let heard = Array(playback.written[640...])
        let reference = Signals.sine(frequency: 500, rate: 16_000, seconds: 0.5)
        let match = Signals.bestCorrelation(reference, heard, maxLag: 400)
        #expect(match.value > 0.95)
    }

    @Test func aFullOutboundRingDropsNewFramesAndCountsThem() throws {
        let capture = MemoryCaptureDevice(format: Self.mono16k, samples: [Int16](repeating: 100, count: 16_000))
        let playback = MemoryPlaybackDevice(format: Self.mono16k)
        let engine = try AudioEngine(
            configuration: Self.configuration(codec: .pcmu, outboundCapacity: 16), capture: capture, playback: playback)
        try engine.start()
        engine.waitUntilFinished()
        #expect(engine.drainOutbound { _, _, _ in } == 16)
        #expect(engine.statistics.outboundDropped == 34)
        #expect(engine.statistics.framesEncoded == 16)
    }

    @Test func stereo48kDevicesRunThroughTheResamplers() throws {
        let format = AudioFormat(sampleRate: 48_000, channels: 2)
        let tone = Signals.sine(frequency: 700, rate: 48_000, seconds: 0.5, channels: 2)
        let capture = MemoryCaptureDevice(format: format, samples: tone)
        let playback = MemoryPlaybackDevice(format: format)
        let ring = SoundClip(tone: .incomingRing, sampleRate: 16_000)
        let engine = try AudioEngine(
            configuration: Self.configuration(format: format, codec: .opus(OpusConfiguration(sampleRate: 16_000)), sounds: [ring]),
            capture: capture, playback: playback)
        engine.play(0, to: .loudspeaker)
        try engine.start()
        engine.waitUntilFinished()
        #expect(engine.statistics.resamplerShortfalls == 0)
        #expect(playback.written.count == (25 + 2) * 960 * 2)
        // Both channels carry the ring (800 + 1000 Hz): left equals right.
        let left = stride(from: 0, to: playback.written.count, by: 2).map { playback.written[$0] }
        let right = stride(from: 1, to: playback.written.count, by: 2).map { playback.written[$0] }
        #expect(left == right)
        #expect(Signals.rms(left[2_000...10_000]) > 1_000)
        var increments: [Int] = []
        let frames = engine.drainOutbound { _, samples, _ in increments.append(samples) }
        #expect(frames == 25)
        #expect(increments.allSatisfy { $0 == 960 })
    }

    @Test func theEchoReferenceFollowsTheDeviceDelays() throws {
        let capture = MemoryCaptureDevice(format: Self.mono16k, samples: [Int16](repeating: 0, count: 8_000), captureDelay: 160)
        let playback = MemoryPlaybackDevice(format: Self.mono16k, playbackDelay: 1_000)
        let engine = try AudioEngine(configuration: Self.configuration(), capture: capture, playback: playback)
        try engine.start()
        engine.waitUntilFinished()
        #expect(engine.statistics.echoPathAlignmentSamples == 1_160)
    }

    @Test func aFailingDeviceStopsTheThreadAndIsReported() throws {
        let capture = MemoryCaptureDevice(format: Self.mono16k, samples: [Int16](repeating: 0, count: 160_000), failAfterReads: 7)
        let playback = MemoryPlaybackDevice(format: Self.mono16k)
        let engine = try AudioEngine(configuration: Self.configuration(), capture: capture, playback: playback)
        try engine.start()
        engine.waitUntilFinished()
        #expect(engine.statistics.cycles == 7)
        #expect(engine.failure?.reason == "device unplugged")
        #expect(!engine.isRunning)
        #expect(throws: AudioEngineError.self) { try engine.start() }
    }

    @Test func stopEndsAnEndlessSource() throws {
        let capture = MemoryCaptureDevice(format: Self.mono16k, samples: [Int16](repeating: 0, count: 16_000 * 600))
        let playback = MemoryPlaybackDevice(format: Self.mono16k)
        let engine = try AudioEngine(configuration: Self.configuration(), capture: capture, playback: playback)
        try engine.start()
        engine.stop()
        engine.stop()
        #expect(!engine.isRunning)
        #expect(engine.statistics.cycles < 30_000)
        #expect(playback.closed)
    }

    @Test(arguments: [
        (AudioEngineConfiguration(deviceFormat: AudioFormat(sampleRate: 44_100)), "deviceFormat.sampleRate"),
        (AudioEngineConfiguration(deviceFormat: AudioFormat(sampleRate: 16_000, channels: 3)), "deviceFormat.channels"),
        (AudioEngineConfiguration(periodMilliseconds: 30), "periodMilliseconds"),
        (AudioEngineConfiguration(realtimePriority: 100), "realtimePriority"),
        (AudioEngineConfiguration(codec: .opus(OpusConfiguration(sampleRate: 48_000))), "codec.opus"),
        (AudioEngineConfiguration(sounds: [SoundClip(samples: [1], sampleRate: 8_000, loops: false)]), "sounds[0].sampleRate"),
    ])
    func invalidConfigurationsNameTheKey(configuration: AudioEngineConfiguration, key: String) {
        #expect(throws: AudioEngineError.self) { try configuration.validate() }
        do {
            try configuration.validate()
        } catch {
            #expect(error.key == key)
        }
    }

    @Test func devicesInAnotherFormatAreRefused() {
        let capture = MemoryCaptureDevice(format: AudioFormat(sampleRate: 48_000), samples: [])
        let playback = MemoryPlaybackDevice(format: Self.mono16k)
        #expect {
            _ = try AudioEngine(configuration: Self.configuration(), capture: capture, playback: playback)
        } throws: { error in
            (error as? AudioEngineError)?.key == "capture device"
        }
    }

    @Test func realTimePriorityIsAskedForAndAFallbackIsReported() throws {
        let capture = MemoryCaptureDevice(format: Self.mono16k, samples: [Int16](repeating: 0, count: 3_200))
        let playback = MemoryPlaybackDevice(format: Self.mono16k)
        var configuration = Self.configuration()
        configuration.realtimePriority = 10
        let engine = try AudioEngine(configuration: configuration, capture: capture, playback: playback)
        try engine.start()
        engine.waitUntilFinished()
        switch engine.realtimeStatus {
        case .realtime(let priority)?: #expect(priority == 10)
        case .normal(let reason)?: #expect(reason.contains("SCHED_FIFO"))
        case nil: Issue.record("no status after start")
        }
        #expect(engine.statistics.cycles == 10)
    }
}
