/// Whether a file or null device keeps real time like a sound card.
public enum AudioDevicePacing: Sendable, Hashable {
    /// Each `read` / `write` returns no earlier than the moment the frames moved so far would
    /// have taken at the format's rate, counted from the first call: the cadence of a card.
    case paced
    /// Every call returns at once: benchmarks and fast tests.
    case unpaced
}
