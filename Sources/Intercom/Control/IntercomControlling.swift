/// What the control interface asks of the running agent.
///
/// ``ControlServer`` turns each HTTP route into one call of this protocol and nothing more: it
/// validates the request's shape (JSON, sizes, authentication), while the agent decides what a
/// target, a button or a door name means and reports refusals as a ``ControlError`` whose
/// `status` becomes the HTTP status.
///
/// - warning: The methods are called concurrently, one task per HTTP request; the agent
///   serialises what needs serialising.
public protocol IntercomControlling: Sendable {
    /// A snapshot of the agent's state for `GET /status`.
    func status() async -> IntercomStatus
    /// Calls a SIP URI now, from the account named `account` (nil: the agent's choice, see
    /// ``IntercomConfiguration/callingAccount(for:named:)``); returns the call's id.
    func dial(_ target: String, account: String?) async throws(ControlError) -> String
    /// Presses a configured button by name.
    func press(button: String) async throws(ControlError)
    /// Hangs up one call (by id) or every call (nil).
    func hangUp(callID: String?) async throws(ControlError)
    /// Fires a door's action now (by door name), as the control user.
    func openDoor(_ name: String) async throws(ControlError)
}
