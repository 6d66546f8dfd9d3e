import Synchronization

/// A loudspeaker that discards what it is given: an agent without one, and benchmarks. Paced,
/// each `write` returns when a sound card would have played its frames; unpaced, at once.
///
/// - warning: Used from one thread after it is opened (the audio thread).
public final class NullPlaybackDevice: AudioPlaybackDevice, @unchecked Sendable {
    public let format: AudioFormat
    /// Frames written so far (and discarded).
    public var framesWritten: Int { written.load(ordering: .relaxed) }
    private var pacer: DevicePacer
    private let written = Atomic<Int>(0)
    private let closed = Atomic<Bool>(false)

    public init(format: AudioFormat, pacing: AudioDevicePacing = .paced) {
        self.format = format
        self.pacer = DevicePacer(pacing: pacing, sampleRate: format.sampleRate)
    }

    public func write(_ samples: UnsafeBufferPointer<Int16>) throws(AudioDeviceError) -> Int {
        guard !closed.load(ordering: .relaxed) else {
            throw AudioDeviceError(device: "null", operation: "write", reason: "the device is closed")
        }
        let frames = samples.count / max(1, format.channels)
        written.add(frames, ordering: .relaxed)
        pacer.advance(by: frames)
        return frames
    }

    public func delayFrames() -> Int { 0 }

    public func close() { closed.store(true, ordering: .relaxed) }
}
