/// The shape of the PCM a device reads or writes: signed 16-bit native-endian samples,
/// `channels` interleaved, at `sampleRate` frames per second. A *frame* is one sample of every
/// channel; a *period* is the number of frames the device moves at once.
public struct AudioFormat: Sendable, Hashable, CustomStringConvertible {
    /// Frames per second (8000, 16000, 48000...).
    public var sampleRate: Int
    /// Interleaved channels (1 = mono).
    public var channels: Int

    public init(sampleRate: Int, channels: Int = 1) {
        self.sampleRate = sampleRate
        self.channels = channels
    }

    /// Frames in `milliseconds` (20 ms at 16 kHz: 320).
    public func frames(milliseconds: Int) -> Int { sampleRate * milliseconds / 1_000 }

    public var description: String { "\(sampleRate) Hz, \(channels) ch, s16" }
}
