import NIOCore

/// What is known of a received packet that a ``RTPPacketProtector`` refused, for the logs: where
/// it came from and the fields of its clear header, so that a failure can be told from a stray
/// (a packet of an earlier call, another test, an attacker) or from a real key or sequence problem.
public struct RTPRejectedPacket: Sendable, Hashable, CustomStringConvertible {
    /// The datagram's source.
    public var source: SocketAddress
    /// Whether it came from the address the signaling named for the peer.
    public var fromSignaledPeer: Bool
    /// Whether it was read as RTCP (SRTCP) rather than RTP.
    public var rtcp: Bool
    /// The sender's SSRC from the clear header, when the datagram is long enough to hold one.
    public var ssrc: UInt32?
    /// The RTP sequence number from the clear header (RTP only).
    public var sequenceNumber: UInt16?
    /// The datagram's length in octets.
    public var length: Int
    /// Whether it is a whole RTCP compound packet in the clear (no SRTCP trailer): a peer
    /// that sent RTCP unprotected in an SRTP session, rather than a forged or damaged packet.
    public var isPlainRTCP: Bool

    /// Reads the clear header fields of `datagram` (RTP: sequence number at octet 2, SSRC at 8;
    /// RTCP: SSRC at 4).
    public init(_ datagram: ByteBuffer, source: SocketAddress, fromSignaledPeer: Bool, rtcp: Bool) {
        self.source = source
        self.fromSignaledPeer = fromSignaledPeer
        self.rtcp = rtcp
        self.length = datagram.readableBytes
        self.isPlainRTCP = rtcp && (try? RTCPCompoundPacket(parsing: datagram, requireReportFirst: false)) != nil
        let start = datagram.readerIndex
        if rtcp {
            ssrc = datagram.getInteger(at: start + 4, as: UInt32.self)
            sequenceNumber = nil
        } else {
            ssrc = datagram.getInteger(at: start + 8, as: UInt32.self)
            sequenceNumber = datagram.getInteger(at: start + 2, as: UInt16.self)
        }
    }

    public var description: String {
        var text = "\(rtcp ? "RTCP" : "RTP") from \(source)\(fromSignaledPeer ? " (the peer)" : " (not the signaled peer)")"
        if let ssrc { text += ", SSRC \(ssrc)" }
        if let sequenceNumber { text += ", sequence \(sequenceNumber)" }
        return text + ", \(length) octets" + (isPlainRTCP ? ", plain RTCP (not protected)" : "")
    }
}
