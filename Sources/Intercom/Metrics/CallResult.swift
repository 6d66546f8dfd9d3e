/// How a call ended: the `result` label of `intercom_calls_total`.
public enum CallResult: String, Sendable, Hashable, CaseIterable {
    /// It was answered (by either side) and later hung up.
    case answered
    /// Refused by policy (403 not allowed, 480 no auto-answer) or by the callee (603).
    case rejected
    /// Failed: a transport error, a 4xx-6xx that is none of the others, no media.
    case failed
    /// 486 Busy Here / 600 Busy Everywhere, either way.
    case busy
    /// The caller gave up while it rang (CANCEL), or a second button press cancelled it.
    case cancelled
    /// Nobody answered within the ring timeout.
    case timeout
}
