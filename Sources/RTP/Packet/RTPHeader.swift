/// The fields of an RTP header to write (RFC 3550 §5.1); see
/// `ByteBuffer.writeRTPPacket(_:payload:)`.
///
/// ```
///  0                   1                   2                   3
/// |V=2|P|X|  CC   |M|     PT      |       sequence number         |
/// |                           timestamp                           |
/// |           synchronization source (SSRC) identifier            |
/// |            contributing source (CSRC) identifiers             |
/// ```
///
/// Padding and the CSRC count are derived when writing: ``csrcs`` (at most 15) and
/// ``paddingLength``.
public struct RTPHeader: Sendable, Hashable {
    /// The payload type, 0...127.
    public var payloadType: UInt8
    /// The marker bit (first packet of a talkspurt, first packet of an RFC 4733 event).
    public var marker: Bool
    /// The sequence number.
    public var sequenceNumber: UInt16
    /// The timestamp, in the payload's clock.
    public var timestamp: UInt32
    /// The synchronization source.
    public var ssrc: UInt32
    /// Contributing sources; at most 15 are written. Empty (no allocation) in the usual case.
    public var csrcs: [UInt32]
    /// A header extension, or nil.
    public var headerExtension: RTPHeaderExtension?
    /// Bytes of padding to append, counting the final count byte; 0 for none.
    public var paddingLength: UInt8

    /// A header.
    @inlinable
    public init(
        payloadType: UInt8, marker: Bool = false, sequenceNumber: UInt16, timestamp: UInt32, ssrc: UInt32,
        csrcs: [UInt32] = [], headerExtension: RTPHeaderExtension? = nil, paddingLength: UInt8 = 0
    ) {
        self.payloadType = payloadType
        self.marker = marker
        self.sequenceNumber = sequenceNumber
        self.timestamp = timestamp
        self.ssrc = ssrc
        self.csrcs = csrcs
        self.headerExtension = headerExtension
        self.paddingLength = paddingLength
    }
}
