/// What the audio thread plays for one tick, as answered by
/// ``JitterBufferConsumer/get(nowMicroseconds:payload:)``.
public enum JitterPlayout: Sendable, Hashable {
    /// Decode this packet; its payload was copied into the caller's buffer.
    case frame(JitterFrame)
    /// A frame is due but missing (lost, late, or a frame inserted to grow the delay): run the
    /// decoder's packet loss concealment.
    case conceal
    /// No frame is due: before the first packet, or a silence gap between talkspurts (the next
    /// packet is here and its timestamp is later). Play comfort noise or silence.
    case silence
}
