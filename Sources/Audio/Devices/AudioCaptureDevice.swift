/// A microphone for the audio thread: ALSA, a WAV file played as the microphone, or silence.
///
/// A device is opened and started on any thread, then used from one thread only (the audio
/// engine's real-time thread): `read` and `delayFrames` must not allocate, lock or log.
public protocol AudioCaptureDevice: AnyObject, Sendable {
    /// What `read` delivers.
    var format: AudioFormat { get }
    /// Reads exactly `samples.count / format.channels` frames, blocking as a sound card does
    /// until they have been captured; returns the frames read, fewer only at the end of a
    /// finite source (then the rest of `samples` is zero-filled). Recovers from overruns
    /// itself; throws only when the device is gone.
    func read(into samples: UnsafeMutableBufferPointer<Int16>) throws(AudioDeviceError) -> Int
    /// Frames captured but not yet read: how old the next `read` is.
    func delayFrames() -> Int
    /// Stops capturing and releases the device; `read` throws afterwards.
    func close()
}
