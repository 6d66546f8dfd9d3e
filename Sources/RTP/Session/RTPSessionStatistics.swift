/// What an ``RTPSession`` has sent, received and learnt from RTCP so far.
public struct RTPSessionStatistics: Sendable, Hashable {
    /// RTP packets sent (audio and telephone events).
    public var packetsSent: Int = 0
    /// RTP payload octets sent.
    public var octetsSent: Int = 0
    /// RTP packets not sent because the remote address cannot be sent to: of the other family
    /// than the socket (an IPv6 `c=` line for an IPv4 socket, or back), port 0, or the IPv4
    /// broadcast address; until latching finds the peer.
    public var packetsUnsendable: Int = 0
    /// RTCP compound packets not sent for the same reason.
    public var rtcpUnsendable: Int = 0
    /// Sockets bound again after NIO closed them on a failed send (see
    /// ``RTPSession``), and binds of that kind that failed (the port was taken meanwhile).
    public var socketsReopened: Int = 0
    public var reopenFailures: Int = 0
    /// RTP packets received and handed on.
    public var packetsReceived: Int = 0
    /// RTP payload octets received.
    public var octetsReceived: Int = 0
    /// Datagrams dropped: malformed, neither RTP nor RTCP, or from a source other than the
    /// latched one.
    public var datagramsDropped: Int = 0
    /// RTP and RTCP packets received that the ``RTPPacketProtector`` unprotected (0 without
    /// one).
    public var packetsUnprotected: Int = 0
    /// Received packets dropped because their authentication failed.
    public var authenticationFailures: Int = 0
    /// The first and the latest of those packets.
    public var firstAuthenticationFailure: RTPRejectedPacket?
    public var lastAuthenticationFailure: RTPRejectedPacket?
    /// Received packets dropped as replays.
    public var replaysDropped: Int = 0
    /// Received packets dropped because the protector failed for another reason.
    public var unprotectFailures: Int = 0
    /// Packets not sent because the protector failed to protect them.
    public var protectFailures: Int = 0
    /// RTCP compound packets sent.
    public var rtcpSent: Int = 0
    /// RTCP compound packets received.
    public var rtcpReceived: Int = 0
    /// The remote's SSRC, once media arrived.
    public var remoteSSRC: UInt32?
    /// What we would report about the remote now (loss, jitter, highest sequence).
    public var reception: RTCPReportBlock?
    /// The last report block the remote sent about us.
    public var remoteReport: RTCPReportBlock?
    /// The last round-trip time computed from such a block (RFC 3550 §6.4.1).
    public var roundTripTime: Duration?

    /// Empty statistics.
    public init() {}
}
