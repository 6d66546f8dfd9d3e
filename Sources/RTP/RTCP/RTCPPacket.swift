import NIOCore

/// One RTCP packet of a compound packet (RFC 3550 §6.4 to §6.6).
///
/// ```
///  0                   1                   2                   3
/// |V=2|P|    RC   |      PT       |             length            |
/// ```
///
/// SR, RR, SDES and BYE are decoded; any other type (APP, the RTP/AVPF feedback messages of
/// RFC 4585, XR) is kept as bytes in ``other(type:count:body:)``.
public enum RTCPPacket: Sendable, Hashable {
    /// A sender report (PT 200).
    case senderReport(RTCPSenderReport)
    /// A receiver report (PT 201).
    case receiverReport(RTCPReceiverReport)
    /// A source description (PT 202).
    case sourceDescription(RTCPSourceDescription)
    /// A goodbye (PT 203).
    case goodbye(RTCPGoodbye)
    /// Any other packet type: its PT, the 5-bit count field, and the body after the 4-byte
    /// header (padding removed).
    case other(type: UInt8, count: UInt8, body: ByteBuffer)

    /// The RTCP packet type values of RFC 3550 §12.1.
    public enum PacketType {
        /// SR.
        public static let senderReport: UInt8 = 200
        /// RR.
        public static let receiverReport: UInt8 = 201
        /// SDES.
        public static let sourceDescription: UInt8 = 202
        /// BYE.
        public static let goodbye: UInt8 = 203
        /// APP.
        public static let application: UInt8 = 204
    }
}
