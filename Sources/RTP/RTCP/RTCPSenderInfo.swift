/// The sender information of an SR (RFC 3550 §6.4.1): when the report was made, in wall
/// clock and RTP time, and how much was sent.
public struct RTCPSenderInfo: Sendable, Hashable {
    /// The wall clock when the report was made.
    public var ntpTimestamp: NTPTimestamp
    /// The same instant in the stream's RTP clock.
    public var rtpTimestamp: UInt32
    /// RTP packets sent since the stream started (wrapping).
    public var packetCount: UInt32
    /// RTP payload octets sent since the stream started (wrapping).
    public var octetCount: UInt32

    /// Sender information.
    public init(ntpTimestamp: NTPTimestamp, rtpTimestamp: UInt32, packetCount: UInt32, octetCount: UInt32) {
        self.ntpTimestamp = ntpTimestamp
        self.rtpTimestamp = rtpTimestamp
        self.packetCount = packetCount
        self.octetCount = octetCount
    }
}
