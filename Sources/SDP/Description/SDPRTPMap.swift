/// The value of `a=rtpmap:<payload type> <encoding name>/<clock rate>[/<channels>]`
/// (RFC 8866 §6.6): what a dynamic RTP payload type stands for.
public struct SDPRTPMap: Sendable, Hashable {
    /// The RTP payload type, 0...127.
    public var payloadType: UInt8
    /// The encoding name as written, such as `PCMU`, `opus` or `telephone-event`; compare it
    /// ignoring case.
    public var encodingName: String
    /// The RTP clock rate in Hz.
    public var clockRate: UInt32
    /// The number of audio channels; nil when the line omits it (meaning 1).
    public var channels: UInt8?

    /// An rtpmap value.
    public init(payloadType: UInt8, encodingName: String, clockRate: UInt32, channels: UInt8? = nil) {
        self.payloadType = payloadType
        self.encodingName = encodingName
        self.clockRate = clockRate
        self.channels = channels
    }

    /// Parses an rtpmap value (after `a=rtpmap:`); nil when it breaks the grammar.
    public init?(value: String) {
        let parts = value.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, let type = UInt8(parts[0]), type <= 127 else { return nil }
        let encoding = parts[1].drop { $0 == " " }.split(separator: "/", omittingEmptySubsequences: false)
        guard encoding.count == 2 || encoding.count == 3, !encoding[0].isEmpty,
            !encoding[0].contains(where: { $0 == " " }),
            let rate = UInt32(encoding[1]), rate > 0
        else { return nil }
        var channels: UInt8?
        if encoding.count == 3 {
            guard let count = UInt8(encoding[2]), count > 0 else { return nil }
            channels = count
        }
        self.init(payloadType: type, encodingName: String(encoding[0]), clockRate: rate, channels: channels)
    }

    /// The value as written after `a=rtpmap:`.
    public var value: String {
        var text = "\(payloadType) \(encodingName)/\(clockRate)"
        if let channels { text += "/\(channels)" }
        return text
    }

    /// The number of channels, 1 when not written.
    public var channelCount: UInt8 { channels ?? 1 }
}
