import Audio
import NIOCore
import NIOPosix
import RTP
import Testing

/// A call between two of our endpoints on loopback: each is an ``AudioEngine`` on WAV-backed
/// devices (a file played as its microphone, the loudspeaker recorded), bridged to a real
/// ``RTPSession`` on 127.0.0.1, with echo cancellation and noise suppression on. What each
/// side recorded on its loudspeaker must be the other side's file (by correlation), and not
/// its own, in most 150 ms windows, each at its own lag. Runs in real time: the devices are
/// paced like sound cards (2 s of audio).
@Suite struct LoopbackCallTests {
    struct Endpoint {
        let engine: AudioEngine
        let bridge: RTPAudioBridge
        let session: RTPSession
        let speaker: WAVPlaybackDevice
    }

    static let format = AudioFormat(sampleRate: 16_000, channels: 1)

    static func endpoint(
        playing file: WAVFile, codec: AudioEngineCodec, payloadType: UInt8, on loop: any EventLoop
    ) async throws -> Endpoint {
        let microphone = try WAVCaptureDevice(file: file, name: "mic", format: format, looping: false, pacing: .paced)
        let speaker = try WAVPlaybackDevice(path: nil, format: format, capacitySeconds: 4)
        let engine = try AudioEngine(
            configuration: AudioEngineConfiguration(deviceFormat: format, codec: codec, realtimePriority: nil),
            capture: microphone, playback: speaker)
        let bridge = RTPAudioBridge(engine: engine, payloadType: payloadType)
        let session = try await RTPSession.start(
            configuration: RTPSession.Configuration(
                host: "127.0.0.1", port: 0, payloadType: payloadType, clockRate: UInt32(codec.rtpClockRate)),
            on: loop, handler: { event in bridge.handle(event) })
        return Endpoint(engine: engine, bridge: bridge, session: session, speaker: speaker)
    }

    /// Points `session` at `remote`'s sockets (each on its event loop).
    static func connect(_ session: RTPSession, to remote: RTPSession) async throws {
        let addresses = try await remote.eventLoop.submit { (remote.localRTPAddress, remote.localRTCPAddress) }.get()
        try await session.eventLoop.submit { session.setRemote(rtp: addresses.0, rtcp: addresses.1) }.get()
    }

    @Test(arguments: [
        (AudioEngineCodec.opus(OpusConfiguration(sampleRate: 16_000)), UInt8(111)),
        (AudioEngineCodec.pcmu, UInt8(0)),
    ])
    func eachSideHearsTheOther(codec: AudioEngineCodec, payloadType: UInt8) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let voiceA = WAVFile(format: Self.format, samples: Signals.speechLike(rate: 16_000, seconds: 2))
        let voiceB = WAVFile(format: Self.format, samples: Signals.warble(rate: 16_000, seconds: 2))
        let a = try await Self.endpoint(playing: voiceA, codec: codec, payloadType: payloadType, on: group.next())
        let b = try await Self.endpoint(playing: voiceB, codec: codec, payloadType: payloadType, on: group.next())
        try await Self.connect(a.session, to: b.session)
        try await Self.connect(b.session, to: a.session)
        a.bridge.attach(a.session)
        b.bridge.attach(b.session)
        try a.engine.start()
        try b.engine.start()
        a.engine.waitUntilFinished()
        b.engine.waitUntilFinished()
        a.bridge.detach()
        b.bridge.detach()
        await a.session.close()
        await b.session.close()
        try await group.shutdownGracefully()

        for (listener, talker, own) in [(b, voiceA, voiceB), (a, voiceB, voiceA)] {
            let statistics = listener.engine.statistics
            #expect(statistics.framesDecoded > 60, "decoded \(statistics.framesDecoded) of 100 frames")
            let heard = listener.speaker.recordedSamples
            // The playout delay is not one number for the whole call: the jitter buffer grows it
            // at once when packets arrive late (as they do when the machine is loaded), so the
            // talker is compared in 150 ms windows, each at its own lag (0 to 400 ms later).
            let windows = stride(from: 2_000, through: 28_000 - 2_400, by: 2_400).map { start in
                (other: Signals.fastCorrelation(Array(talker.samples[start..<start + 2_400]), heard, from: start, lags: 0...6_400),
                 own: Signals.fastCorrelation(Array(own.samples[start..<start + 2_400]), heard, from: start, lags: 0...6_400))
            }
            let heardWindows = windows.filter { $0.other.value > 0.6 }.count
            let echoedWindows = windows.filter { $0.own.value > 0.3 }.count
            let summary = windows.map { "\(Int($0.other.value * 100))%@\($0.other.lag)" }.joined(separator: " ")
            let context = "decoded \(statistics.framesDecoded), concealed \(statistics.framesConcealed); windows: \(summary)"
            #expect(heardWindows * 3 >= windows.count * 2, "the other side in \(heardWindows) of \(windows.count) windows; \(context)")
            #expect(echoedWindows * 6 <= windows.count, "its own microphone in \(echoedWindows) of \(windows.count) windows; \(context)")
        }
    }
}
