import NIOCore
import SIPMessage

/// Applies a ``SIPRequestRateLimit``: one token bucket per source (``SIPSourceKey``: an IPv4
/// address, or an IPv6 /64), refilled at the
/// limit's rate up to its burst, spent by each limited request. A value type driven with the
/// current time, so it is tested in virtual time; the ``TransactionLayer`` keeps one.
public struct SIPRequestRateLimiter: Sendable {
    /// What to do with one request.
    public enum Decision: Sendable, Hashable {
        /// Let it through.
        case admit
        /// Drop it; `first` is true for the first drop of a run from this source (worth one
        /// log line; the rest of the run is only counted).
        case drop(first: Bool)
    }

    /// The limits applied.
    public let limit: SIPRequestRateLimit
    /// Requests dropped so far.
    public private(set) var dropped = 0

    private struct Bucket {
        var tokens: Double
        var updated: NIODeadline
        var dropping: Bool
    }

    private var buckets: [SIPSourceKey: Bucket] = [:]

    /// A limiter with no source seen yet.
    public init(limit: SIPRequestRateLimit) {
        self.limit = limit
    }

    /// The number of sources tracked now.
    public var trackedSources: Int { buckets.count }

    /// Decides on `request` from `source` at `now`. Responses, ACKs, in-dialog requests
    /// (with a To tag), other methods and exempt sources are always admitted.
    public mutating func decide(_ request: SIPMessage, from source: SocketAddress, now: NIODeadline) -> Decision {
        guard let method = request.method, limit.methods.contains(method), request.toTag == nil else { return .admit }
        return decide(source: source, now: now)
    }

    /// Spends one token of `source` at `now`, or drops when it has none.
    public mutating func decide(source: SocketAddress, now: NIODeadline) -> Decision {
        guard !limit.exempt.contains(source), let key = SIPSourceKey(source) else { return .admit }
        let burst = Double(max(limit.burst, 1))
        var bucket: Bucket
        if let known = buckets[key] {
            bucket = known
            let elapsed = Double(max((now - bucket.updated).nanoseconds, 0)) / 1e9
            bucket.tokens = min(burst, bucket.tokens + elapsed * max(limit.requestsPerSecond, 0))
            bucket.updated = now
        } else {
            if buckets.count >= max(limit.maximumSources, 1) {
                forgetIdle(now: now, burst: burst)
                if buckets.count >= max(limit.maximumSources, 1) {
                    dropped += 1
                    return .drop(first: false)
                }
            }
            bucket = Bucket(tokens: burst, updated: now, dropping: false)
        }
        let decision: Decision
        if bucket.tokens >= 1 {
            bucket.tokens -= 1
            bucket.dropping = false
            decision = .admit
        } else {
            dropped += 1
            decision = .drop(first: !bucket.dropping)
            bucket.dropping = true
        }
        buckets[key] = bucket
        return decision
    }

    /// Forgets the sources whose bucket has refilled by `now`: they are indistinguishable
    /// from new ones.
    private mutating func forgetIdle(now: NIODeadline, burst: Double) {
        let rate = max(limit.requestsPerSecond, 0)
        buckets = buckets.filter { _, bucket in
            let elapsed = Double(max((now - bucket.updated).nanoseconds, 0)) / 1e9
            return bucket.tokens + elapsed * rate < burst
        }
    }
}
