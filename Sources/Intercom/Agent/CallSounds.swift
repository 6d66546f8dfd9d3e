import Audio
import Logging

/// The sounds a call's engine gets, and their indexes: ringback (while calling out), the local
/// ring (while an incoming call waits for its answer), the door chime, and the announcement
/// file played to a caller after answering.
///
/// Each engine gets only the sounds it plays (``Purpose``): a clip is rendered here and copied
/// into both of the engine's mixers, so the 5 s ringback and the 3 s ring, rendered into every
/// call's engine, cost about 0.8 MB per call that no answered call played.
struct CallSounds: Sendable {
    /// What the engine is for.
    enum Purpose: Sendable {
        /// An answered call: the door chime and the announcement.
        case call
        /// An outgoing call ringing: the ringback.
        case ringback
        /// An incoming call waiting for its answer: the local ring.
        case incomingRing
    }

    var clips: [SoundClip] = []
    var ringback: Int?
    var doorOpened: Int?
    var announcement: Int?
    /// The local ring while an incoming call waits to be answered.
    var incomingRing: Int?

    init(audio: AudioConfiguration, logger: Logger, for purpose: Purpose) {
        let rate = AudioEngineConfiguration.processingRate
        switch purpose {
        case .ringback:
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
        case .incomingRing:
            incomingRing = add(SoundClip(tone: .incomingRing, sampleRate: rate))
        case .call:
            if audio.doorOpenedTone { doorOpened = add(SoundClip(tone: .doorOpened, sampleRate: rate)) }
            if let path = audio.announcement {
                do {
                    announcement = add(try SoundClip(wav: try WAVFile(contentsOf: path), sampleRate: rate, loops: false))
                } catch {
                    logger.warning("audio.announcement: \(path): \(error); no announcement")
                }
            }
        }
    }

    private mutating func add(_ clip: SoundClip) -> Int {
        clips.append(clip)
        return clips.count - 1
    }
}
