/// A loudspeaker for the audio thread: ALSA, a WAV file recording what would be heard, or a
/// sink.
///
/// A device is opened and started on any thread, then used from one thread only (the audio
/// engine's real-time thread): `write` and `delayFrames` must not allocate, lock or log.
public protocol AudioPlaybackDevice: AnyObject, Sendable {
    /// What `write` takes.
    var format: AudioFormat { get }
    /// Writes all `samples.count / format.channels` frames, blocking as a sound card does
    /// while its buffer is full; returns the frames written. Recovers from underruns itself;
    /// throws only when the device is gone.
    func write(_ samples: UnsafeBufferPointer<Int16>) throws(AudioDeviceError) -> Int
    /// Frames written but not yet heard (ALSA's `snd_pcm_delay`): how long until the next
    /// `write` reaches the loudspeaker. The echo canceller aligns its reference with it.
    func delayFrames() -> Int
    /// Drains what was written (a file is finalised) and releases the device.
    func close()
}
