import Audio
import Logging

/// The sounds a call's engine gets, and their indexes: ringback (while calling out), the local
/// ring (while an incoming call waits for its answer), the door chime, and the announcement
/// file played to a caller after answering.
struct CallSounds: Sendable {
    var clips: [SoundClip] = []
    var ringback: Int?
    var doorOpened: Int?
    var announcement: Int?
    /// The local ring while an incoming call waits to be answered.
    var incomingRing: Int?

    init(audio: AudioConfiguration, logger: Logger) {
        let rate = AudioEngineConfiguration.processingRate
        switch audio.ringback {
        case "europe": ringback = add(SoundClip(tone: .ringbackEurope, sampleRate: rate))
        case "north-america": ringback = add(SoundClip(tone: .ringbackNorthAmerica, sampleRate: rate))
        case "none": break
        default:
            do {
                ringback = add(try SoundClip(wav: try WAVFile(contentsOf: audio.ringback), sampleRate: rate, loops: true))
            } catch {
                logger.warning("audio.ringback: \(audio.ringback): \(error); no ringback")
            }
        }
        if audio.doorOpenedTone { doorOpened = add(SoundClip(tone: .doorOpened, sampleRate: rate)) }
        incomingRing = add(SoundClip(tone: .incomingRing, sampleRate: rate))
        if let path = audio.announcement {
            do {
                announcement = add(try SoundClip(wav: try WAVFile(contentsOf: path), sampleRate: rate, loops: false))
            } catch {
                logger.warning("audio.announcement: \(path): \(error); no announcement")
            }
        }
    }

    private mutating func add(_ clip: SoundClip) -> Int {
        clips.append(clip)
        return clips.count - 1
    }
}
