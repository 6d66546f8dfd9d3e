/// Which device the agent's configuration names, as one string:
///
/// | text                | capture                     | playback                        |
/// | ------------------- | --------------------------- | ------------------------------- |
/// | `alsa:plughw:1,0`   | ALSA PCM `plughw:1,0`       | ALSA PCM `plughw:1,0`           |
/// | `alsa:default`      | ALSA PCM `default`          | ALSA PCM `default`              |
/// | `wav:/path/a.wav`   | plays the file once         | records to the file             |
/// | `wav-loop:/path`    | plays the file in a loop    | (refused: capture only)         |
/// | `null`              | silence                     | discards                        |
///
/// Everything after the first colon is the PCM name or path, as is (PCM names contain colons
/// and commas). Parsing throws ``AudioDeviceError`` with the whole text as the device and the
/// reason naming what is wrong; ``openCapture(format:periodFrames:options:)`` and
/// ``openPlayback(format:periodFrames:options:)`` open the device.
public enum AudioDeviceSpecification: Sendable, Hashable, CustomStringConvertible {
    /// An ALSA PCM name.
    case alsa(pcm: String)
    /// A WAV file: played once as a microphone, or the recording of a loudspeaker.
    case wav(path: String)
    /// A WAV file played in a loop as a microphone.
    case wavLoop(path: String)
    /// Silence in, nothing out.
    case null

    /// The schemes `init(parsing:)` knows, for error messages and help texts.
    public static let schemes = ["alsa:", "wav:", "wav-loop:", "null"]

    /// Parses a device string (see the type's table). Leading and trailing spaces are ignored.
    ///
    /// - Throws: ``AudioDeviceError`` (operation "parse device") saying what is wrong: empty
    ///   text, an unknown scheme, a missing PCM name or path, text after `null`.
    public init(parsing text: String) throws(AudioDeviceError) {
        let trimmed = text.trimmingSpaces()
        func refuse(_ reason: String) -> AudioDeviceError {
            AudioDeviceError(device: text, operation: "parse device", reason: reason)
        }
        guard !trimmed.isEmpty else {
            throw refuse("empty device; expected one of \(Self.schemes.joined(separator: ", "))")
        }
        if trimmed == "null" {
            self = .null
            return
        }
        guard let colon = trimmed.firstIndex(of: ":") else {
            throw refuse("unknown device '\(trimmed)'; expected one of \(Self.schemes.joined(separator: ", "))")
        }
        let scheme = String(trimmed[..<colon])
        let rest = String(trimmed[trimmed.index(after: colon)...])
        switch scheme {
        case "alsa":
            guard !rest.isEmpty else { throw refuse("'alsa:' needs a PCM name, as in alsa:default or alsa:plughw:1,0") }
            guard !rest.contains(where: { $0.isWhitespace || $0.isNewline }) else {
                throw refuse("PCM name '\(rest)' contains white space")
            }
            self = .alsa(pcm: rest)
        case "wav", "wav-loop":
            guard !rest.isEmpty else { throw refuse("'\(scheme):' needs a file path, as in \(scheme):/var/lib/intercom/door.wav") }
            self = scheme == "wav" ? .wav(path: rest) : .wavLoop(path: rest)
        case "null":
            throw refuse("'null' takes nothing after it")
        default:
            throw refuse("unknown scheme '\(scheme):'; expected one of \(Self.schemes.joined(separator: ", "))")
        }
    }

    /// The canonical text, which `init(parsing:)` reads back.
    public var description: String {
        switch self {
        case .alsa(let pcm): "alsa:\(pcm)"
        case .wav(let path): "wav:\(path)"
        case .wavLoop(let path): "wav-loop:\(path)"
        case .null: "null"
        }
    }
}

extension StringProtocol {
    /// Without leading and trailing white space (no Foundation needed).
    fileprivate func trimmingSpaces() -> Substring {
        let text = self[...]
        guard let first = text.firstIndex(where: { !$0.isWhitespace }),
            let last = text.lastIndex(where: { !$0.isWhitespace })
        else { return "" }
        return Substring(text[first...last])
    }
}
