/// An audio codec this side can send and receive, as offer/answer needs to know it: its RTP
/// name, clock rate, channels, the format parameters it asks for, and its payload type when
/// that is static or preferred.
///
/// `telephone-event` (RFC 4733) is a codec here too: put one per clock rate in
/// ``SDPLocalMedia/codecs`` and the answer carries the one whose clock matches the chosen
/// audio codec.
public struct SDPCodec: Sendable, Hashable {
    /// The encoding name, such as `PCMU`, `opus` or `telephone-event` (compared ignoring case).
    public var encodingName: String
    /// The RTP clock rate in Hz.
    public var clockRate: UInt32
    /// The number of channels in the rtpmap (opus always says 2, RFC 7587 §7).
    public var channels: UInt8
    /// What `a=fmtp` asks of the other side when it sends to us, or nil.
    public var formatParameters: String?
    /// The payload type to use: the static type (PCMU 0, PCMA 8), or a preferred dynamic one;
    /// nil to take the next free dynamic type from 96.
    public var payloadType: UInt8?

    /// A codec.
    public init(encodingName: String, clockRate: UInt32, channels: UInt8 = 1, formatParameters: String? = nil, payloadType: UInt8? = nil) {
        self.encodingName = encodingName
        self.clockRate = clockRate
        self.channels = channels
        self.formatParameters = formatParameters
        self.payloadType = payloadType
    }

    /// G.711 µ-law, static payload type 0 (RFC 3551 §4.5.14).
    public static let pcmu = SDPCodec(encodingName: "PCMU", clockRate: 8_000, payloadType: 0)
    /// G.711 A-law, static payload type 8 (RFC 3551 §4.5.14).
    public static let pcma = SDPCodec(encodingName: "PCMA", clockRate: 8_000, payloadType: 8)

    /// Opus (RFC 7587): `opus/48000/2` with `useinbandfec=1`, the highest sample rate we decode
    /// (`maxplaybackrate`, Hz) and `stereo=0` (we want mono).
    public static func opus(maxPlaybackRate: UInt32 = 48_000, payloadType: UInt8? = nil) -> SDPCodec {
        SDPCodec(
            encodingName: "opus", clockRate: 48_000, channels: 2,
            formatParameters: "useinbandfec=1;maxplaybackrate=\(maxPlaybackRate);stereo=0", payloadType: payloadType)
    }

    /// RFC 4733 telephone events at `clockRate` (8000 beside G.711, 48000 beside opus), DTMF
    /// events 0-16.
    public static func telephoneEvent(clockRate: UInt32, payloadType: UInt8? = nil) -> SDPCodec {
        SDPCodec(encodingName: "telephone-event", clockRate: clockRate, formatParameters: "0-16", payloadType: payloadType)
    }

    /// Whether this is `telephone-event`.
    public var isTelephoneEvent: Bool { encodingName.lowercased() == "telephone-event" }

    /// Whether `map` names this codec: same name ignoring case, same clock rate, same channels.
    public func matches(_ map: SDPRTPMap) -> Bool {
        map.encodingName.lowercased() == encodingName.lowercased() && map.clockRate == clockRate
            && map.channelCount == channels
    }

    /// The rtpmap of this codec under `payloadType` (channels written when above 1).
    public func rtpMap(payloadType: UInt8) -> SDPRTPMap {
        SDPRTPMap(payloadType: payloadType, encodingName: encodingName, clockRate: clockRate, channels: channels > 1 ? channels : nil)
    }

    /// A key naming the codec regardless of payload type (for keeping types stable).
    var key: String { "\(encodingName.lowercased())/\(clockRate)/\(channels)" }
}
