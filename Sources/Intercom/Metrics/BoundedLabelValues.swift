import Synchronization

/// Caps how many distinct values one metric label takes, so that a name that reaches the
/// agent from outside (a failure reason, a misconfigured door) cannot grow the registry
/// without bound: past ``limit`` distinct values, new ones are reported as `other`.
final class BoundedLabelValues: Sendable {
    static let overflowValue = "other"
    /// Longest value kept [characters]; longer ones are cut.
    static let maximumLength = 64

    let limit: Int
    private let seen = Mutex(Set<String>())

    init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// The value to put in the label for `value`: itself (shortened) while there is room.
    func admit(_ value: String) -> String {
        let value = value.count > Self.maximumLength ? String(value.prefix(Self.maximumLength)) : value
        let limit = self.limit
        return seen.withLock { seen in
            if seen.contains(value) {
                return value
            }
            guard seen.count < limit else {
                return Self.overflowValue
            }
            seen.insert(value)
            return value
        }
    }
}
