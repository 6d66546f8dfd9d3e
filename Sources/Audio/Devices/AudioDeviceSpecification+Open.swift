extension AudioDeviceSpecification {
    /// Opens the microphone this specification names.
    ///
    /// - Parameters:
    ///   - format: what `read` must deliver.
    ///   - periodFrames: the ALSA period (the audio thread's read size).
    /// - Throws: ``AudioDeviceError`` from the device's open.
    public func openCapture(
        format: AudioFormat, periodFrames: Int, options: AudioDeviceOpenOptions = AudioDeviceOpenOptions()
    ) throws(AudioDeviceError) -> any AudioCaptureDevice {
        switch self {
        case .alsa(let pcm):
            return try ALSACaptureDevice(
                name: pcm, settings: Self.alsaSettings(format, periodFrames, options),
                configuration: options.alsaConfiguration)
        case .wav(let path):
            return try WAVCaptureDevice(path: path, format: format, looping: false, pacing: options.pacing)
        case .wavLoop(let path):
            return try WAVCaptureDevice(path: path, format: format, looping: true, pacing: options.pacing)
        case .null:
            return NullCaptureDevice(format: format, pacing: options.pacing)
        }
    }

    /// Opens the loudspeaker this specification names. `wav-loop:` is refused (capture only).
    ///
    /// - Throws: ``AudioDeviceError`` from the device's open.
    public func openPlayback(
        format: AudioFormat, periodFrames: Int, options: AudioDeviceOpenOptions = AudioDeviceOpenOptions()
    ) throws(AudioDeviceError) -> any AudioPlaybackDevice {
        switch self {
        case .alsa(let pcm):
            return try ALSAPlaybackDevice(
                name: pcm, settings: Self.alsaSettings(format, periodFrames, options),
                configuration: options.alsaConfiguration)
        case .wav(let path):
            return try WAVPlaybackDevice(
                path: path, format: format, capacitySeconds: options.recordingCapacitySeconds, pacing: options.pacing)
        case .wavLoop(let path):
            throw AudioDeviceError(
                device: description, operation: "open playback",
                reason: "wav-loop is a capture device; record to wav:\(path)")
        case .null:
            return NullPlaybackDevice(format: format, pacing: options.pacing)
        }
    }

    private static func alsaSettings(_ format: AudioFormat, _ periodFrames: Int, _ options: AudioDeviceOpenOptions) -> ALSAPCMSettings {
        ALSAPCMSettings(
            format: format, periodFrames: periodFrames, bufferFrames: periodFrames * max(2, options.alsaBufferPeriods),
            allowsResampling: options.alsaAllowsResampling)
    }
}
