/// The outcome of an offer/answer exchange for the audio stream: everything the audio engine
/// and the RTP session need, and nothing about SDP text.
///
/// ``direction`` is ours: `sendonly` means we send and do not expect media. When
/// ``remoteRTP`` is nil (port 0, or the `0.0.0.0` legacy hold) there is nowhere to send.
public struct NegotiatedMedia: Sendable, Hashable {
    /// The index of the audio stream's m-line in the description.
    public var mediaIndex: Int
    /// The codec to send with: the first one in the answer.
    public var codec: NegotiatedCodec
    /// Every audio codec in the answer, the first included; the remote may send any of them.
    public var codecs: [NegotiatedCodec]
    /// The telephone-event type at the codec's clock rate (RFC 4733 §2.1), or nil.
    public var telephoneEvent: NegotiatedCodec?
    /// Where to send RTP, or nil when the remote asked for none.
    public var remoteRTP: SDPTransportAddress?
    /// Where to send RTCP (the RTP address when muxed), or nil.
    public var remoteRTCP: SDPTransportAddress?
    /// Whether RTP and RTCP share one port (both sides said `a=rtcp-mux`).
    public var rtcpMux: Bool
    /// Our direction after the exchange.
    public var direction: SDPDirection
    /// The packet time to send at, in milliseconds: the remote's `a=ptime`, else ours.
    public var packetTime: Int
    /// Our RTP port.
    public var localPort: UInt16
    /// Whether the remote put us on hold: its description said `sendonly` or `inactive`, or
    /// used `c=0.0.0.0` (RFC 3264 §8.4).
    public var isHeldByRemote: Bool
    /// The SRTP agreement (RFC 4568), or nil for plain RTP.
    public var crypto: NegotiatedCrypto?

    /// A negotiated stream.
    public init(
        mediaIndex: Int, codec: NegotiatedCodec, codecs: [NegotiatedCodec], telephoneEvent: NegotiatedCodec?,
        remoteRTP: SDPTransportAddress?, remoteRTCP: SDPTransportAddress?, rtcpMux: Bool, direction: SDPDirection,
        packetTime: Int, localPort: UInt16, isHeldByRemote: Bool, crypto: NegotiatedCrypto? = nil
    ) {
        self.mediaIndex = mediaIndex
        self.codec = codec
        self.codecs = codecs
        self.telephoneEvent = telephoneEvent
        self.remoteRTP = remoteRTP
        self.remoteRTCP = remoteRTCP
        self.rtcpMux = rtcpMux
        self.direction = direction
        self.packetTime = packetTime
        self.localPort = localPort
        self.isHeldByRemote = isHeldByRemote
        self.crypto = crypto
    }

    /// Whether we should send RTP: our direction sends and there is an address to send to.
    public var sends: Bool { direction.sends && remoteRTP != nil }

    /// Whether we should expect RTP.
    public var receives: Bool { direction.receives }
}
