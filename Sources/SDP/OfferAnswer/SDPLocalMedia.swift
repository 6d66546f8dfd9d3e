/// What this side offers or accepts for its one audio stream: where it receives RTP, its
/// codecs in order of preference, its packet time and its direction.
///
/// To put a call on hold, offer with ``direction`` set to its ``SDPDirection/held`` value
/// (`sendonly`, or `inactive` if we were not receiving, RFC 3264 §8.4); to resume, set it back.
public struct SDPLocalMedia: Sendable, Hashable {
    /// The address we receive RTP on (an IPv4 or IPv6 literal), written in `c=` and `o=`.
    public var address: String
    /// The port we receive RTP on (even, RFC 3550 §11).
    public var port: UInt16
    /// Codecs in order of preference, telephone events included.
    public var codecs: [SDPCodec]
    /// The packet time we want to receive, in milliseconds (`a=ptime`).
    public var packetTime: Int
    /// The longest packet time we accept, in milliseconds (`a=maxptime`), or nil.
    public var maxPacketTime: Int?
    /// What we want to do: `sendrecv` normally, the held direction to hold.
    public var direction: SDPDirection
    /// Whether we offer or accept RTP and RTCP on one port (RFC 5761).
    public var rtcpMux: Bool
    /// The port we receive RTCP on when not muxed, written as `a=rtcp` (RFC 3605); nil for
    /// the default, ``port`` + 1, without the attribute.
    public var rtcpPort: UInt16?
    /// SRTP with SDES (RFC 4568): the policy and our keys; nil for plain RTP only.
    public var security: SDPMediaSecurity?

    /// The default codecs: opus, PCMU, PCMA, telephone events at 48000 and 8000 Hz.
    public static let defaultCodecs: [SDPCodec] = [
        .opus(), .pcmu, .pcma, .telephoneEvent(clockRate: 48_000), .telephoneEvent(clockRate: 8_000),
    ]

    /// Local media for RTP on `address`:`port`.
    public init(
        address: String, port: UInt16, codecs: [SDPCodec] = SDPLocalMedia.defaultCodecs, packetTime: Int = 20,
        maxPacketTime: Int? = nil, direction: SDPDirection = .sendrecv, rtcpMux: Bool = true, rtcpPort: UInt16? = nil,
        security: SDPMediaSecurity? = nil
    ) {
        self.address = address
        self.port = port
        self.codecs = codecs
        self.packetTime = packetTime
        self.maxPacketTime = maxPacketTime
        self.direction = direction
        self.rtcpMux = rtcpMux
        self.rtcpPort = rtcpPort
        self.security = security
    }
}
