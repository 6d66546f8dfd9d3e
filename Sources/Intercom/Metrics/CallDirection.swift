/// Which side placed a call: the `direction` label of `intercom_calls_total`.
public enum CallDirection: String, Sendable, Hashable, CaseIterable {
    /// Someone called the intercom.
    case incoming = "in"
    /// The intercom called out (a button, `POST /calls`).
    case outgoing = "out"
}
