import NIOCore

/// What an ``RTPSession`` hands its consumer, on the session's event loop.
///
/// Audio packets go straight on (to the jitter buffer, when one is plugged in); telephone
/// events come already decoded and deduplicated; RTCP is for monitoring.
public enum RTPSessionEvent: Sendable {
    /// An RTP packet that is not a telephone event, with its arrival time.
    case audio(RTPPacket, arrival: NIODeadline)
    /// An RFC 4733 event (a DTMF digit), reported once, when it ends.
    case telephoneEvent(TelephoneEventReceiver.Detected)
    /// A compound RTCP packet from the remote.
    case rtcp(RTCPCompoundPacket, from: SocketAddress)
    /// The session latched its remote RTP address to where media really comes from
    /// (symmetric RTP, RFC 4961).
    case remoteLatched(SocketAddress)
    /// The remote said BYE for `ssrc`.
    case goodbye(ssrc: UInt32, reason: String?)
}
