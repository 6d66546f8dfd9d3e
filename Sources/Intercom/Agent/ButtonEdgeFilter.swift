/// Turns the level changes of a button's GPIO line into presses: one press when the line
/// becomes active, none for the release, and none for a bounce that comes back within
/// `holdOffNanoseconds` of the last press (contacts that bounce longer than the kernel's
/// debounce, or a chip that cannot debounce).
struct ButtonEdgeFilter: Sendable {
    /// The shortest time between two presses.
    let holdOffNanoseconds: UInt64
    /// The line's last known logical level.
    private(set) var active: Bool
    private var lastPress: UInt64?

    /// A filter for a line now at `active`: a button already held at start is not a press.
    init(active: Bool, holdOffNanoseconds: UInt64) {
        self.active = active
        self.holdOffNanoseconds = holdOffNanoseconds
    }

    /// The line is now at `active` (read after an edge event) at `now` [ns, monotonic]:
    /// whether that is a press.
    mutating func update(active: Bool, at now: UInt64) -> Bool {
        defer { self.active = active }
        guard active, !self.active else { return false }
        if let lastPress, now &- lastPress < holdOffNanoseconds { return false }
        lastPress = now
        return true
    }
}
