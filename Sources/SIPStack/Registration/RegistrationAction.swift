import NIOCore

/// What ``RegistrationStateMachine`` asks its driver to do (RFC 3261 §10.2).
public enum RegistrationAction: Sendable, Hashable {
    /// Send this REGISTER in a new client transaction (RFC 3261 §17.1.2).
    case sendRegister(RegisterRequest)
    /// Start (or restart) `timer` to fire after the duration.
    case startTimer(RegistrationTimer, after: TimeAmount)
    /// Cancel `timer` if it runs.
    case cancelTimer(RegistrationTimer)
    /// The state the application sees changed.
    case stateChanged(RegistrationState)
}
