import COpus

/// An Opus decoder (libopus): packets in, PCM out, with the two answers to a lost packet the
/// jitter buffer asks for: packet loss concealment, and the in-band FEC copy of a lost frame
/// carried by the packet after it (RFC 6716 §2.1.7, RFC 7587). Noncopyable: it owns its libopus
/// state; decoding allocates nothing.
public struct OpusAudioDecoder: ~Copyable {
    /// The output rate (8, 12, 16, 24 or 48 kHz; any packet decodes at any of them).
    public let sampleRate: Int32
    /// 1 or 2.
    public let channels: Int32
    private let state: OpaquePointer

    public init(sampleRate: Int32, channels: Int32 = 1) throws(OpusError) {
        try OpusConfiguration(sampleRate: sampleRate, channels: channels).validate()
        var error: Int32 = OPUS_OK
        guard let state = opus_decoder_create(sampleRate, channels, &error), error == OPUS_OK else {
            throw OpusError.libopus(error, "opus_decoder_create")
        }
        self.state = state
        self.sampleRate = sampleRate
        self.channels = channels
    }

    deinit {
        opus_decoder_destroy(state)
    }

    /// Decodes `packet` into `pcm` (interleaved; room for up to 120 ms) and returns the samples
    /// per channel written.
    ///
    /// - Throws: ``OpusError`` for a corrupt packet or a PCM buffer too small.
    public func decode(_ packet: UnsafeRawBufferPointer, into pcm: UnsafeMutableBufferPointer<Int16>) throws(OpusError) -> Int {
        guard let data = packet.baseAddress, packet.count > 0 else {
            throw OpusError(code: nil, "an empty packet: use conceal(into:) for a lost one")
        }
        return try run(data.assumingMemoryBound(to: UInt8.self), Int32(packet.count), pcm, samples: maximumSamples(pcm), fec: false)
    }

    /// Packet loss concealment for one lost frame of `samplesPerChannel` (the frame duration the
    /// stream uses): a plausible continuation of the last audio, fading out over repeated losses.
    public func conceal(samplesPerChannel: Int, into pcm: UnsafeMutableBufferPointer<Int16>) throws(OpusError) -> Int {
        try run(nil, 0, pcm, samples: samplesPerChannel, fec: false)
    }

    /// Recovers the lost frame before `nextPacket` from the FEC data `nextPacket` carries
    /// (when the sender had in-band FEC on; otherwise libopus conceals). `samplesPerChannel` is
    /// the lost frame's duration.
    public func recover(
        lostFrameFrom nextPacket: UnsafeRawBufferPointer, samplesPerChannel: Int, into pcm: UnsafeMutableBufferPointer<Int16>
    ) throws(OpusError) -> Int {
        guard let data = nextPacket.baseAddress, nextPacket.count > 0 else { return try conceal(samplesPerChannel: samplesPerChannel, into: pcm) }
        return try run(data.assumingMemoryBound(to: UInt8.self), Int32(nextPacket.count), pcm, samples: samplesPerChannel, fec: true)
    }

    /// The samples per channel of `packet` when decoded at this decoder's rate, or nil when it
    /// is not a valid Opus packet.
    public func samplesPerChannel(in packet: UnsafeRawBufferPointer) -> Int? {
        guard let data = packet.baseAddress, packet.count > 0 else { return nil }
        let count = opus_packet_get_nb_samples(data.assumingMemoryBound(to: UInt8.self), Int32(packet.count), sampleRate)
        return count > 0 ? Int(count) : nil
    }

    private func maximumSamples(_ pcm: UnsafeMutableBufferPointer<Int16>) -> Int {
        min(pcm.count / Int(channels), Int(sampleRate) / 1000 * 120)
    }

    private func run(
        _ data: UnsafePointer<UInt8>?, _ length: Int32, _ pcm: UnsafeMutableBufferPointer<Int16>, samples: Int, fec: Bool
    ) throws(OpusError) -> Int {
        guard let output = pcm.baseAddress, samples > 0, samples * Int(channels) <= pcm.count else {
            throw OpusError(code: nil, "the PCM buffer of \(pcm.count) samples has no room for \(samples) x \(channels)")
        }
        let decoded = opus_decode(state, data, length, output, Int32(samples), fec ? 1 : 0)
        guard decoded >= 0 else { throw OpusError.libopus(decoded, fec ? "opus_decode (FEC)" : "opus_decode") }
        return Int(decoded)
    }
}
