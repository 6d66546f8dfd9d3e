import SIPStack

/// Where an account's registration stands, in the four words the status report and the
/// metrics use: derived once from the stack's ``SIPStack/RegistrationState``, so that nothing
/// downstream parses its description.
public enum RegistrationPhase: String, Sendable, Hashable {
    case registered
    /// A REGISTER (or un-REGISTER) is in flight with no binding known.
    case registering
    /// The last REGISTER failed (for good, or until the next retry).
    case failed
    case unregistered

    public init(_ state: RegistrationState?) {
        switch state {
        case .registered?: self = .registered
        case .registering?, .unregistering?, nil: self = .registering
        case .retrying?, .failed?: self = .failed
        case .unregistered?: self = .unregistered
        }
    }
}
