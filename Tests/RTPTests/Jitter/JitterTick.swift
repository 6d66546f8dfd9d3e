import RTP

/// What one tick of a ``JitterHarness`` run played.
struct JitterTick: Sendable, Hashable {
    /// The tick's time [µs].
    let nowMicroseconds: Int64
    /// The buffer's answer.
    let playout: JitterPlayout
    /// For a frame, the packet index its payload names (nil when torn).
    let index: Int?

    /// Whether the tick played a frame.
    var isFrame: Bool {
        if case .frame = playout { return true }
        return false
    }

    /// The frame, when the tick played one.
    var frame: JitterFrame? {
        if case .frame(let frame) = playout { return frame }
        return nil
    }
}
