/// One packet handed to the audio thread by ``JitterBufferConsumer``: its RTP header fields and
/// where its payload went.
public struct JitterFrame: Sendable, Hashable {
    /// The packet's RTP sequence number (RFC 3550 §5.1).
    public let sequenceNumber: UInt16
    /// The packet's RTP timestamp [samples at the clock rate].
    public let timestamp: UInt32
    /// The RTP marker bit: for audio, the first packet of a talkspurt (RFC 3551 §4.1).
    public let marker: Bool
    /// When the packet was put into the buffer [µs, the producer's clock].
    public let arrivalMicroseconds: Int64
    /// The number of payload bytes copied into the caller's buffer.
    public let payloadBytes: Int
    /// Whether the payload was longer than the caller's buffer, which then holds only its first
    /// ``payloadBytes`` bytes.
    public let isTruncated: Bool

    /// A frame with these fields.
    public init(
        sequenceNumber: UInt16, timestamp: UInt32, marker: Bool, arrivalMicroseconds: Int64,
        payloadBytes: Int, isTruncated: Bool
    ) {
        self.sequenceNumber = sequenceNumber
        self.timestamp = timestamp
        self.marker = marker
        self.arrivalMicroseconds = arrivalMicroseconds
        self.payloadBytes = payloadBytes
        self.isTruncated = isTruncated
    }
}
