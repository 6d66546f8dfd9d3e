import NIOCore

/// Tells RTP from RTCP on a port that carries both (RFC 5761 §4): RTCP packet types 192...223
/// fall where an RTP packet would have marker set and payload type 64...95, which RTP/AVP does
/// not assign.
///
/// Anything whose version bits are not 2 (STUN starts with 0 or 1, DTLS with 20...63) is
/// neither.
public enum RTPDemultiplexer {
    /// What a datagram on a muxed port is.
    public enum Kind: Sendable, Hashable {
        /// An RTP packet.
        case rtp
        /// An RTCP (compound) packet.
        case rtcp
        /// Neither: too short or not version 2.
        case other
    }

    /// Classifies the first bytes of `datagram`; it reads two bytes and checks nothing else.
    @inlinable
    public static func classify(_ datagram: ByteBuffer) -> Kind {
        guard datagram.readableBytes >= 8,
            let first = datagram.getInteger(at: datagram.readerIndex, as: UInt8.self),
            let second = datagram.getInteger(at: datagram.readerIndex + 1, as: UInt8.self),
            first >> 6 == 2
        else { return .other }
        if second >= 192 && second <= 223 { return .rtcp }
        return datagram.readableBytes >= 12 ? .rtp : .other
    }
}
