import NIOCore

/// Transforms the bytes of each RTP and RTCP packet an ``RTPSession`` sends and receives: the
/// hook through which secure RTP (RFC 3711) plugs in without RTP knowing about keys or ciphers.
///
/// The session calls ``protectRTP(_:)`` on each packet it built, just before sending, and
/// ``unprotectRTP(_:)`` on each datagram classified as RTP, before parsing it (likewise for
/// RTCP). Each call works in place on the buffer's readable bytes: protecting may append bytes
/// (an authentication tag, the SRTCP index), unprotecting removes them. A packet that fails to
/// unprotect is dropped and counted in ``RTPSessionStatistics``, never parsed.
///
/// - warning: The session calls its protector on its event loop only, one packet at a time.
///   An implementation need not lock, but must not be shared between sessions.
public protocol RTPPacketProtector: AnyObject, Sendable {
    /// Protects an RTP packet in place (appending what the transform adds).
    func protectRTP(_ packet: inout ByteBuffer) throws(RTPProtectionError)
    /// Checks and unprotects a received RTP packet in place (removing what protection added).
    func unprotectRTP(_ packet: inout ByteBuffer) throws(RTPProtectionError)
    /// Protects an RTCP compound packet in place.
    func protectRTCP(_ packet: inout ByteBuffer) throws(RTPProtectionError)
    /// Checks and unprotects a received RTCP compound packet in place.
    func unprotectRTCP(_ packet: inout ByteBuffer) throws(RTPProtectionError)
}
