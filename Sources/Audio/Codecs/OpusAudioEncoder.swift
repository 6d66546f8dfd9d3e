import COpus

/// An Opus encoder (libopus): PCM frames of 2.5 to 60 ms in, packets out. Noncopyable: it owns
/// its libopus state, created once and freed when it goes; encoding allocates nothing.
public struct OpusAudioEncoder: ~Copyable {
    /// The settings it was made with.
    public let configuration: OpusConfiguration
    private let state: OpaquePointer

    /// An encoder for `configuration`.
    ///
    /// - Throws: ``OpusError`` naming the setting libopus or the checks refused.
    public init(configuration: OpusConfiguration) throws(OpusError) {
        try configuration.validate()
        var error: Int32 = OPUS_OK
        guard let state = opus_encoder_create(configuration.sampleRate, configuration.channels, configuration.application.rawValue, &error),
              error == OPUS_OK
        else { throw OpusError.libopus(error, "opus_encoder_create") }
        let settings: [(Int32, Int32, String)] = [
            (OPUS_SET_BITRATE_REQUEST, configuration.bitrate ?? OPUS_AUTO, "bitrate"),
            (OPUS_SET_INBAND_FEC_REQUEST, configuration.inbandFEC ? 1 : 0, "inbandFEC"),
            (OPUS_SET_DTX_REQUEST, configuration.dtx ? 1 : 0, "dtx"),
            (OPUS_SET_PACKET_LOSS_PERC_REQUEST, configuration.expectedLossPercent, "expectedLossPercent"),
            (OPUS_SET_COMPLEXITY_REQUEST, configuration.complexity, "complexity"),
        ]
        for (request, value, name) in settings {
            let result = copus_encoder_set(state, request, value)
            guard result == OPUS_OK else {
                opus_encoder_destroy(state)
                throw OpusError.libopus(result, "setting \(name)")
            }
        }
        self.state = state
        self.configuration = configuration
    }

    deinit {
        opus_encoder_destroy(state)
    }

    /// The encoder's look-ahead in samples per channel: how far decoded audio lags the input.
    public var lookahead: Int32 {
        var value: Int32 = 0
        _ = copus_encoder_get(state, OPUS_GET_LOOKAHEAD_REQUEST, &value)
        return value
    }

    /// Encodes one frame of interleaved PCM (`samplesPerChannel * channels` samples, for a
    /// frame of 2.5, 5, 10, 20, 40 or 60 ms) into `packet`, and returns the packet's length.
    /// With DTX on, a frame of silence gives a packet of 1 or 2 bytes (or none to send).
    ///
    /// - Throws: ``OpusError`` for a frame of another length or a packet buffer too small.
    public func encode(_ pcm: UnsafeBufferPointer<Int16>, into packet: UnsafeMutableRawBufferPointer) throws(OpusError) -> Int {
        let channels = Int(configuration.channels)
        let perChannel = pcm.count / channels
        guard pcm.count % channels == 0, Self.isFrameSize(Int32(perChannel), rate: configuration.sampleRate) else {
            throw OpusError(code: nil, "a frame of \(pcm.count) samples is not 2.5, 5, 10, 20, 40 or 60 ms at \(configuration.sampleRate) Hz x \(channels)")
        }
        guard let input = pcm.baseAddress, let output = packet.baseAddress, packet.count > 0 else {
            throw OpusError(code: nil, "empty PCM or packet buffer")
        }
        let length = opus_encode(
            state, input, Int32(perChannel), output.assumingMemoryBound(to: UInt8.self), Int32(min(packet.count, 1_500)))
        guard length >= 0 else { throw OpusError.libopus(length, "opus_encode") }
        return Int(length)
    }

    /// Whether `samples` per channel is a frame duration Opus encodes at `rate`.
    static func isFrameSize(_ samples: Int32, rate: Int32) -> Bool {
        // 2.5, 5, 10, 20, 40, 60 ms.
        [25, 50, 100, 200, 400, 600].contains { tenths in rate / 400 * tenths / 25 == samples }
    }
}
