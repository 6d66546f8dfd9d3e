import Synchronization

/// A loudspeaker on an ALSA PCM: `hw:1,0`, `plughw:1,0`, `default`, `dmix`, or a name an
/// ``ALSAConfiguration`` defines. Writes are blocking, interleaved S16 at exactly the requested
/// rate; underruns and suspends are recovered (and counted in ``recoveries``).
///
/// ```
/// let speaker = try ALSAPlaybackDevice(name: "plughw:1,0",
///                                      settings: ALSAPCMSettings(format: format, periodFrames: 320))
/// speaker.negotiated.periodFrames   // what ALSA chose
/// ```
///
/// - warning: Opened on any thread, then used from one thread (the audio thread); call
///   `close` (it drains) only once that thread no longer writes.
public final class ALSAPlaybackDevice: AudioPlaybackDevice, @unchecked Sendable {
    /// Internal so that debug-build tests can inject ALSA errors.
    let pcm: ALSAPCM

    /// Opens and configures `name` for playback.
    ///
    /// - Parameter configuration: resolve `name` there instead of in ALSA's global configuration.
    /// - Throws: ``AudioDeviceError`` naming the device: unknown name, busy, a rate ALSA cannot
    ///   give exactly (with the rate it offered), refused channels, period or buffer.
    public init(name: String, settings: ALSAPCMSettings, configuration: ALSAConfiguration? = nil) throws(AudioDeviceError) {
        pcm = try ALSAPCM(name: name, capture: false, settings: settings, configuration: configuration)
    }

    /// The PCM name.
    public var name: String { pcm.name }
    /// What ALSA chose for the request.
    public var negotiated: ALSAPCMSettings { pcm.negotiated }
    public var format: AudioFormat { pcm.negotiated.format }
    /// Underruns and suspends recovered so far; readable from any thread, also after `close`.
    public var recoveries: Int { pcm.recoveries.load(ordering: .relaxed) }

    public func write(_ samples: UnsafeBufferPointer<Int16>) throws(AudioDeviceError) -> Int {
        // ALSA only reads the samples; the shared transfer path takes a mutable pointer.
        try pcm.transfer(UnsafeMutableBufferPointer(mutating: samples))
    }

    public func delayFrames() -> Int { pcm.delayFrames() }

    public func close() { pcm.close() }
}
