/// The fields of one stored packet besides its payload, in a slot of ``JitterBufferStorage``.
///
/// Written by the producer before it publishes the slot, read by the consumer after it has
/// seen the publication; never touched by both at once.
struct JitterSlotHeader {
    /// The extended (never wrapping) RTP timestamp.
    var timestamp: Int64 = 0
    /// When the packet was put [µs].
    var arrivalMicroseconds: Int64 = 0
    /// The payload length [bytes].
    var payloadBytes: Int32 = 0
    /// The RTP marker bit.
    var marker = false
}
