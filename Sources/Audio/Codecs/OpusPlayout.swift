import RTP

/// The receive side of an Opus stream, one tick at a time: takes what the jitter buffer says
/// to play and makes PCM of it with an ``OpusAudioDecoder``. A frame is decoded; a frame the
/// buffer conceals because its packet was lost is rebuilt from the in-band FEC of the packet
/// after it when that one is already buffered, and otherwise concealed by libopus's PLC; a
/// concealment that grows the delay is PLC; silence (a DTX or talkspurt gap, or before the
/// stream starts) is zeros. A packet that does not decode is concealed: bad input never stops
/// playout. Allocates nothing.
public struct OpusPlayout: ~Copyable {
    /// What one tick produced.
    public enum Outcome: Sendable, Hashable {
        /// A packet decoded.
        case decoded
        /// A lost frame rebuilt from the next packet's in-band FEC.
        case recoveredByFEC
        /// Packet loss concealment (a lost or late frame, or one inserted to grow the delay).
        case concealed
        /// Zeros: nothing to play.
        case silence
    }

    /// The decoder, for its rate and channels.
    public let decoder: OpusAudioDecoder
    /// Samples per channel per tick (20 ms at 48 kHz: 960).
    public let samplesPerFrame: Int

    public init(decoder: consuming OpusAudioDecoder, samplesPerFrame: Int) {
        self.decoder = decoder
        self.samplesPerFrame = samplesPerFrame
    }

    /// Plays one tick: asks `consumer` for the frame due at `nowMicroseconds` and writes
    /// `samplesPerFrame * channels` samples into `pcm`. A `pcm` without room for them gets
    /// nothing (and the buffer is not asked).
    public func tick(
        _ consumer: inout JitterBufferConsumer, nowMicroseconds: Int64, into pcm: UnsafeMutableBufferPointer<Int16>
    ) -> Outcome {
        let frameSamples = samplesPerFrame * Int(decoder.channels)
        guard pcm.count >= frameSamples else { return .silence }
        var decoded = false
        var isSilence = false
        consumer.get(nowMicroseconds: nowMicroseconds) { playout, payload in
            switch playout {
            case .frame:
                decoded = (try? decoder.decode(payload, into: pcm)) == samplesPerFrame
            case .conceal:
                break
            case .silence:
                isSilence = true
            }
        }
        if decoded { return .decoded }
        if isSilence {
            pcm.extracting(0..<frameSamples).update(repeating: 0)
            return .silence
        }
        let recovered = consumer.withPacketAfterLoss { _, next in
            try? decoder.recover(lostFrameFrom: next, samplesPerChannel: samplesPerFrame, into: pcm)
        }
        if recovered == samplesPerFrame { return .recoveredByFEC }
        conceal(into: pcm)
        return .concealed
    }

    private func conceal(into pcm: UnsafeMutableBufferPointer<Int16>) {
        if (try? decoder.conceal(samplesPerChannel: samplesPerFrame, into: pcm)) != samplesPerFrame {
            pcm.extracting(0..<min(samplesPerFrame * Int(decoder.channels), pcm.count)).update(repeating: 0)
        }
    }
}
