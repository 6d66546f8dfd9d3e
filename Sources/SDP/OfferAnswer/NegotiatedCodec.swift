/// One codec both sides agreed on, with the payload type the offerer chose for it.
public struct NegotiatedCodec: Sendable, Hashable {
    /// The RTP payload type, in both directions.
    public var payloadType: UInt8
    /// The encoding name as the remote wrote it.
    public var encodingName: String
    /// The RTP clock rate in Hz.
    public var clockRate: UInt32
    /// The channels in the rtpmap.
    public var channels: UInt8
    /// The remote's `a=fmtp` for this type: what it asks of us when we send (opus
    /// `maxplaybackrate`, `stereo`...), or nil.
    public var remoteFormatParameters: String?

    /// A negotiated codec.
    public init(payloadType: UInt8, encodingName: String, clockRate: UInt32, channels: UInt8 = 1, remoteFormatParameters: String? = nil) {
        self.payloadType = payloadType
        self.encodingName = encodingName
        self.clockRate = clockRate
        self.channels = channels
        self.remoteFormatParameters = remoteFormatParameters
    }
}
