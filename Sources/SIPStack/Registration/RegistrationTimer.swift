/// The timers of a registration client (RFC 3261 §10.2.4 refresh, §10.3 and RFC 5626 §4.5
/// retry after a failure).
public enum RegistrationTimer: Sendable, Hashable {
    /// Re-register before the binding expires.
    case refresh
    /// Try again after a failure (backoff, or the Retry-After of the response).
    case retry
}
