import NIOCore

extension RegistrationStateMachine {
    /// When to refresh a binding granted for `seconds` (RFC 3261 §10.2.4 leaves it to the UA):
    /// `margin` before expiry when the grant is at least twice `margin`, otherwise at half the
    /// grant. With the default margin of 30 s: 3600 s refreshes after 3570 s, 60 s after 30 s,
    /// 40 s after 20 s.
    public static func refreshDelay(forGranted seconds: UInt32, margin: TimeAmount) -> TimeAmount {
        let granted = TimeAmount.seconds(Int64(seconds))
        let margin = max(margin, .zero)
        if granted.nanoseconds / 2 >= margin.nanoseconds {
            return granted - margin
        }
        return .nanoseconds(granted.nanoseconds / 2)
    }

    /// The delay before retry `attempt` (from 1): bounded exponential backoff with "equal
    /// jitter" (RFC 5626 §4.5 asks for a growing, randomised wait). The ceiling is
    /// `initial * 2^(attempt-1)` capped at `maximum`; the delay is uniform in
    /// [ceiling/2, ceiling], picked with `random`.
    public static func backoffDelay(
        attempt: Int, initial: TimeAmount, maximum: TimeAmount, random: UInt64
    ) -> TimeAmount {
        let cap = max(maximum.nanoseconds, 0)
        let shift = min(max(attempt - 1, 0), 62)
        let (product, overflow) = max(initial.nanoseconds, 0).multipliedReportingOverflow(by: Int64(1) << shift)
        let ceiling = overflow ? cap : min(product, cap)
        let half = ceiling / 2
        let jitter = half > 0 ? Int64(random % UInt64(half + 1)) : 0
        return .nanoseconds(ceiling - half + jitter)
    }
}
