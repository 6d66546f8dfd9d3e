import CSpeexDSP

/// A sample-rate converter between a device rate and a codec rate (48 kHz opus and 16 kHz
/// processing, 8 kHz G.711...), through speexdsp's resampler. Noncopyable: it owns the
/// speexdsp state (filter memory carries over from one call to the next); converting allocates
/// nothing.
public struct Resampler: ~Copyable {
    /// Interleaved channels.
    public let channels: UInt32
    public let inputRate: UInt32
    public let outputRate: UInt32
    private let state: OpaquePointer

    /// A converter from `inputRate` to `outputRate` for `channels` interleaved channels, at
    /// `quality` 0 (fastest) to 10 (best); 4 is speexdsp's VoIP default.
    ///
    /// - Throws: ``ResamplerError`` naming the argument speexdsp refused.
    public init(channels: UInt32 = 1, inputRate: UInt32, outputRate: UInt32, quality: Int32 = 4) throws(ResamplerError) {
        guard (1...8).contains(channels) else { throw ResamplerError("channels must be 1 to 8, not \(channels)") }
        guard (1_000...384_000).contains(inputRate), (1_000...384_000).contains(outputRate) else {
            throw ResamplerError("rates must be 1000-384000 Hz, not \(inputRate) -> \(outputRate)")
        }
        guard (0...10).contains(quality) else { throw ResamplerError("quality must be 0 to 10, not \(quality)") }
        var error: Int32 = 0
        guard let state = speex_resampler_init(channels, inputRate, outputRate, quality, &error), error == 0 else {
            throw ResamplerError("speex_resampler_init failed (\(error))")
        }
        self.state = state
        self.channels = channels
        self.inputRate = inputRate
        self.outputRate = outputRate
    }

    deinit {
        speex_resampler_destroy(state)
    }

    /// The delay the filter adds, in input samples per channel.
    public var inputLatency: Int { Int(speex_resampler_get_input_latency(state)) }

    /// Converts interleaved `input` into `output` and returns how many samples (all channels)
    /// it consumed and produced. Give it room for `input.count * outputRate / inputRate` plus a
    /// few samples; what does not fit stays for the next call.
    public func process(
        _ input: UnsafeBufferPointer<Int16>, into output: UnsafeMutableBufferPointer<Int16>
    ) throws(ResamplerError) -> (consumed: Int, produced: Int) {
        let channelCount = Int(channels)
        guard input.count % channelCount == 0, output.count >= channelCount else {
            throw ResamplerError("buffers must hold whole frames of \(channels) channels")
        }
        guard let source = input.baseAddress, let destination = output.baseAddress else { return (0, 0) }
        var inputFrames = UInt32(input.count / channelCount)
        var outputFrames = UInt32(output.count / channelCount)
        let result = speex_resampler_process_interleaved_int(state, source, &inputFrames, destination, &outputFrames)
        guard result == 0 else { throw ResamplerError("speex_resampler_process_interleaved_int failed (\(result))") }
        return (Int(inputFrames) * channelCount, Int(outputFrames) * channelCount)
    }

    /// Forgets the filter memory (at the start of a new stream).
    public func reset() {
        speex_resampler_reset_mem(state)
    }
}

/// Why the ``Resampler`` refused its arguments or speexdsp failed.
public struct ResamplerError: Error, Hashable, Sendable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
