/// The codec of a call's audio as the engine runs it: Opus (RTP clock 48 kHz, the encoder and
/// decoder at the engine's processing rate) or G.711 μ-law/A-law (8 kHz).
public enum AudioEngineCodec: Sendable, Hashable {
    /// Opus with these encoder settings (its `sampleRate` must be the processing rate).
    case opus(OpusConfiguration)
    /// G.711 μ-law (PCMU, payload type 0).
    case pcmu
    /// G.711 A-law (PCMA, payload type 8).
    case pcma

    /// The RTP clock rate [Hz].
    public var rtpClockRate: Int {
        switch self {
        case .opus: 48_000
        case .pcmu, .pcma: 8_000
        }
    }

    /// The rate the codec takes and gives PCM at, for a processing rate [Hz].
    func pcmRate(processingRate: Int) -> Int {
        switch self {
        case .opus: processingRate
        case .pcmu, .pcma: 8_000
        }
    }
}
