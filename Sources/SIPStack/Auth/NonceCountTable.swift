/// The highest `nc` accepted for each recently used nonce, so a replayed request is refused
/// (RFC 7616 §3.3, and §5 on replay attacks), in a table of bounded size.
///
/// When the table is full, entries of expired nonces go first, then the oldest nonce. An
/// evicted nonce's history is lost, so every nonce issued no later than the newest evicted one
/// and not in the table is reported ``Outcome/forgotten``: the server answers `stale=true` and
/// the client moves to a fresh nonce, instead of accepting a possible replay.
struct NonceCountTable: Sendable {
    /// What recording a nonce count found.
    enum Outcome: Sendable, Equatable {
        /// The count is higher than any seen for this nonce; it is now the highest.
        case accepted
        /// The count is not higher than one already accepted.
        case replayed
        /// The nonce may have been evicted; its history is unknown.
        case forgotten
    }

    private struct Entry: Sendable {
        var highest: UInt32
        let issuedAt: UInt64
    }

    private var entries: [String: Entry] = [:]
    /// The latest issue time among evicted entries (ns), nil before any eviction.
    private var evictedThrough: UInt64?
    let capacity: Int

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// How many nonces are tracked.
    var count: Int { entries.count }

    /// Records `nonceCount` for `nonce`, issued at `issuedAt` (ns); `now` and `lifetime` (ns)
    /// decide which entries have expired when room is needed.
    mutating func record(
        nonce: String, issuedAt: UInt64, nonceCount: UInt32, now: UInt64, lifetime: UInt64
    ) -> Outcome {
        if var entry = entries[nonce] {
            guard nonceCount > entry.highest else { return .replayed }
            entry.highest = nonceCount
            entries[nonce] = entry
            return .accepted
        }
        if let evictedThrough, issuedAt <= evictedThrough { return .forgotten }

        if entries.count >= capacity {
            entries = entries.filter { now >= $0.value.issuedAt && now &- $0.value.issuedAt <= lifetime }
        }
        while entries.count >= capacity, let oldest = entries.min(by: { $0.value.issuedAt < $1.value.issuedAt }) {
            entries[oldest.key] = nil
            evictedThrough = max(evictedThrough ?? 0, oldest.value.issuedAt)
        }
        if let evictedThrough, issuedAt <= evictedThrough { return .forgotten }
        entries[nonce] = Entry(highest: nonceCount, issuedAt: issuedAt)
        return .accepted
    }
}
