import Foundation
import Synchronization

/// The agent's recent events: a bounded ring of ``EventRecord``s, newest last, that
/// `GET /status` shows as `lastEvents`.
///
/// When full, each append drops the oldest record. Details longer than
/// ``maximumDetailLength`` characters are cut there, since they may carry what a caller sent
/// (a From URI, a MESSAGE body).
///
/// Thread-safe: appends and reads from any thread or task take a `Mutex`. Keep it off the
/// audio thread.
public final class EventLog: Sendable {
    /// Records kept at most (at least 1).
    public let capacity: Int
    /// Characters of ``EventRecord/detail`` kept.
    public static let maximumDetailLength = 256

    private struct Ring {
        var storage: [EventRecord] = []
        /// Index of the oldest record once `storage` is full.
        var oldest = 0
        /// Records appended since creation, including those dropped.
        var appended = 0
    }

    private let ring = Mutex(Ring())

    /// - Parameter capacity: records kept; values below 1 are taken as 1.
    public init(capacity: Int = 100) {
        self.capacity = max(1, capacity)
    }

    /// Adds a record, dropping the oldest when full.
    public func append(_ record: EventRecord) {
        var record = record
        if record.detail.count > Self.maximumDetailLength {
            record.detail = String(record.detail.prefix(Self.maximumDetailLength))
        }
        let capacity = self.capacity
        ring.withLock { ring in
            if ring.storage.count < capacity {
                ring.storage.append(record)
            } else {
                ring.storage[ring.oldest] = record
                ring.oldest = (ring.oldest + 1) % capacity
            }
            ring.appended += 1
        }
    }

    /// Adds a record of `kind` with `detail` at `time` (now by default).
    public func append(kind: String, detail: String, at time: Date = Date()) {
        append(EventRecord(time: time, kind: kind, detail: detail))
    }

    /// The records kept, oldest first.
    public var records: [EventRecord] {
        ring.withLock { ring in
            Array(ring.storage[ring.oldest...] + ring.storage[..<ring.oldest])
        }
    }

    /// Records appended since creation, including those the ring has dropped.
    public var appendedCount: Int {
        ring.withLock { $0.appended }
    }
}
