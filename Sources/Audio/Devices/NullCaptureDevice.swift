import Synchronization

/// A microphone that hears silence: an agent without one, and tests. Paced, each `read`
/// returns when a sound card would have captured its frames; unpaced, at once.
///
/// - warning: Used from one thread after it is opened (the audio thread).
public final class NullCaptureDevice: AudioCaptureDevice, @unchecked Sendable {
    public let format: AudioFormat
    private var pacer: DevicePacer
    private let closed = Atomic<Bool>(false)

    public init(format: AudioFormat, pacing: AudioDevicePacing = .paced) {
        self.format = format
        self.pacer = DevicePacer(pacing: pacing, sampleRate: format.sampleRate)
    }

    /// Fills `samples` with zeros (whole frames) and returns the frame count.
    public func read(into samples: UnsafeMutableBufferPointer<Int16>) throws(AudioDeviceError) -> Int {
        guard !closed.load(ordering: .relaxed) else {
            throw AudioDeviceError(device: "null", operation: "read", reason: "the device is closed")
        }
        let channels = max(1, format.channels)
        let frames = samples.count / channels
        guard frames > 0, let base = samples.baseAddress else { return 0 }
        base.update(repeating: 0, count: frames * channels)
        pacer.advance(by: frames)
        return frames
    }

    public func delayFrames() -> Int { 0 }

    public func close() { closed.store(true, ordering: .relaxed) }
}
