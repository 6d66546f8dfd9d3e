import RTP

/// What the audio thread asks of a call's codec: encode one period of PCM, and make one
/// period of PCM from the jitter buffer (decoding, recovering or concealing). Implementations
/// allocate nothing after `init`.
protocol EngineFrameCodec: AnyObject {
    /// PCM samples per period at the codec's rate.
    var pcmSamplesPerFrame: Int { get }
    /// RTP timestamp ticks per period.
    var rtpSamplesPerFrame: Int { get }
    /// Encodes one period; returns the bytes written, 0 when encoding failed.
    func encode(_ pcm: UnsafeBufferPointer<Int16>, into packet: UnsafeMutableRawBufferPointer) -> Int
    /// Writes one period of PCM for the tick at `nowMicroseconds`.
    func play(_ consumer: inout JitterBufferConsumer, nowMicroseconds: Int64, into pcm: UnsafeMutableBufferPointer<Int16>) -> OpusPlayout.Outcome
}

/// Opus through ``OpusAudioEncoder`` and ``OpusPlayout`` (in-band FEC, PLC).
final class OpusFrameCodec: EngineFrameCodec {
    let encoder: OpusAudioEncoder
    let playout: OpusPlayout
    let pcmSamplesPerFrame: Int
    let rtpSamplesPerFrame: Int

    init(configuration: OpusConfiguration, periodMilliseconds: Int) throws(OpusError) {
        encoder = try OpusAudioEncoder(configuration: configuration)
        pcmSamplesPerFrame = Int(configuration.sampleRate) * periodMilliseconds / 1_000
        rtpSamplesPerFrame = 48 * periodMilliseconds
        playout = OpusPlayout(
            decoder: try OpusAudioDecoder(sampleRate: configuration.sampleRate, channels: 1),
            samplesPerFrame: pcmSamplesPerFrame)
    }

    func encode(_ pcm: UnsafeBufferPointer<Int16>, into packet: UnsafeMutableRawBufferPointer) -> Int {
        (try? encoder.encode(pcm, into: packet)) ?? 0
    }

    func play(_ consumer: inout JitterBufferConsumer, nowMicroseconds: Int64, into pcm: UnsafeMutableBufferPointer<Int16>) -> OpusPlayout.Outcome {
        playout.tick(&consumer, nowMicroseconds: nowMicroseconds, into: pcm)
    }
}

/// G.711 μ-law or A-law. A lost frame repeats the last one at half the level each time
/// (then silence), which is the simple concealment G.711 has no codec help for.
final class G711FrameCodec: EngineFrameCodec {
    let muLaw: Bool
    let pcmSamplesPerFrame: Int
    var rtpSamplesPerFrame: Int { pcmSamplesPerFrame }
    private let last: UnsafeMutableBufferPointer<Int16>
    private var concealed = 0

    init(muLaw: Bool, periodMilliseconds: Int) {
        self.muLaw = muLaw
        pcmSamplesPerFrame = 8 * periodMilliseconds
        last = .allocate(capacity: pcmSamplesPerFrame)
        last.initialize(repeating: 0)
        // The decode tables are lazily built globals: build them here, not on the audio thread.
        _ = G711.muLawDecode(0)
        _ = G711.aLawDecode(0)
    }

    deinit { last.deallocate() }

    func encode(_ pcm: UnsafeBufferPointer<Int16>, into packet: UnsafeMutableRawBufferPointer) -> Int {
        muLaw ? G711.encodeMuLaw(pcm, into: packet) : G711.encodeALaw(pcm, into: packet)
    }

    func play(_ consumer: inout JitterBufferConsumer, nowMicroseconds: Int64, into pcm: UnsafeMutableBufferPointer<Int16>) -> OpusPlayout.Outcome {
        let frame = UnsafeMutableBufferPointer(rebasing: pcm[0..<min(pcm.count, pcmSamplesPerFrame)])
        var outcome = OpusPlayout.Outcome.silence
        consumer.get(nowMicroseconds: nowMicroseconds) { playout, payload in
            switch playout {
            case .frame:
                let decoded = muLaw ? G711.decodeMuLaw(payload, into: frame) : G711.decodeALaw(payload, into: frame)
                if decoded < frame.count { frame.extracting(decoded...).update(repeating: 0) }
                outcome = .decoded
            case .conceal:
                outcome = .concealed
            case .silence:
                outcome = .silence
            }
        }
        switch outcome {
        case .decoded:
            concealed = 0
            _ = last.update(fromContentsOf: frame)
        case .concealed:
            concealed += 1
            let shift = min(concealed, 15)
            for index in frame.indices { frame[index] = concealed > 4 ? 0 : last[index] >> shift }
        case .silence, .recoveredByFEC:
            concealed = 0
            frame.update(repeating: 0)
        }
        return outcome
    }
}
