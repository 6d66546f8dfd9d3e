extension Resampler {
    /// `samples` (interleaved frames of `channels`) at `inputRate` converted whole to
    /// `outputRate`, for signals read once off the real-time path (announcements, WAV
    /// microphones): the filter's delay is taken off, so the output starts where the input does,
    /// and it holds `frames × outputRate / inputRate` frames. The same array when the rates are
    /// equal.
    ///
    /// - Throws: ``ResamplerError`` when a rate or the channel count is not one the resampler
    ///   takes (0, or above its limits).
    public static func convert(
        _ samples: [Int16], channels: Int, from inputRate: Int, to outputRate: Int, quality: Int32 = 6
    ) throws(ResamplerError) -> [Int16] {
        guard inputRate != outputRate else { return samples }
        guard channels >= 1, inputRate >= 1, outputRate >= 1, let inRate = UInt32(exactly: inputRate),
            let outRate = UInt32(exactly: outputRate), let channelCount = UInt32(exactly: channels)
        else { throw ResamplerError("cannot convert \(channels) channels from \(inputRate) Hz to \(outputRate) Hz") }
        let resampler = try Resampler(channels: channelCount, inputRate: inRate, outputRate: outRate, quality: quality)
        let latency = resampler.inputLatency
        let frames = samples.count / channels
        // The filter's delay in input frames, fed as silence, pushes the last real frames out.
        let input = samples[..<(frames * channels)] + [Int16](repeating: 0, count: latency * channels)
        let outputFrames = (input.count / channels) * outputRate / inputRate + 64
        var output = [Int16](repeating: 0, count: outputFrames * channels)
        var produced = 0
        try input.withUnsafeBufferPointer { (source) throws(ResamplerError) in
            try output.withUnsafeMutableBufferPointer { (target) throws(ResamplerError) in
                produced = try resampler.process(source, into: target).produced
            }
        }
        let skip = min(produced, latency * outputRate / inputRate * channels)
        let wanted = frames * outputRate / inputRate * channels
        return Array(output[skip..<min(produced, skip + wanted)])
    }
}
