import Audio
import Logging

/// Opens the configured capture and playback devices for each call's engine. When the
/// configured ALSA device cannot be opened and the configuration is the built-in default,
/// the null devices stand in, with a warning (a board without a sound card still answers).
struct AudioDevices: Sendable {
    let capture: AudioDeviceSpecification
    let playback: AudioDeviceSpecification
    let fallBackToNull: Bool

    init(audio: AudioConfiguration) throws {
        do {
            capture = try AudioDeviceSpecification(parsing: audio.capture)
            playback = try AudioDeviceSpecification(parsing: audio.playback)
        } catch {
            throw AgentError("audio devices: \(error)")
        }
        let defaults = AudioConfiguration()
        fallBackToNull = audio.capture == defaults.capture && audio.playback == defaults.playback
    }

    /// Opens and closes both devices once, at start, so that a missing sound card is said at
    /// once rather than at the first call.
    func probe(audio: AudioConfiguration, logger: Logger) {
        let format = AudioFormat(sampleRate: audio.sampleRate, channels: audio.channels)
        do {
            let (capture, playback) = try open(capture, playback, format: format, period: format.frames(milliseconds: audio.periodMs))
            capture.close()
            playback.close()
            logger.info("audio: \(self.capture) and \(self.playback) open at \(format)")
        } catch {
            if fallBackToNull {
                logger.warning("audio: \(error); no sound card: calls will use the null devices (silence in, nothing out)")
            } else {
                logger.warning("audio: \(error); calls will fail until the device is there")
            }
        }
    }

    /// An engine on freshly opened devices (nil codec: local sounds only).
    func makeEngine(codec: AudioEngineCodec?, sounds: [SoundClip], audio: AudioConfiguration, logger: Logger) throws -> AudioEngine {
        let format = AudioFormat(sampleRate: audio.sampleRate, channels: audio.channels)
        let period = format.frames(milliseconds: audio.periodMs)
        let devices: (any AudioCaptureDevice, any AudioPlaybackDevice)
        do {
            devices = try open(capture, playback, format: format, period: period)
        } catch {
            guard fallBackToNull else { throw AgentError("audio: \(error)") }
            logger.warning("audio: \(error); no sound card, using the null devices (silence in, nothing out)")
            devices = try open(.null, .null, format: format, period: period)
        }
        let configuration = AudioEngineConfiguration(
            deviceFormat: format, periodMilliseconds: audio.periodMs, codec: codec,
            capture: CaptureProcessorConfiguration(
                echoCancellation: audio.echoCancellation, noiseSuppression: audio.noiseSuppression),
            realtimePriority: audio.realtimePriority.map { Int32($0) }, sounds: sounds)
        do {
            return try AudioEngine(configuration: configuration, capture: devices.0, playback: devices.1)
        } catch {
            devices.0.close()
            devices.1.close()
            throw AgentError("audio engine: \(error)")
        }
    }

    private func open(
        _ capture: AudioDeviceSpecification, _ playback: AudioDeviceSpecification, format: AudioFormat, period: Int
    ) throws(AudioDeviceError) -> (any AudioCaptureDevice, any AudioPlaybackDevice) {
        let microphone = try capture.openCapture(format: format, periodFrames: period)
        do {
            return (microphone, try playback.openPlayback(format: format, periodFrames: period))
        } catch {
            microphone.close()
            throw error
        }
    }
}
