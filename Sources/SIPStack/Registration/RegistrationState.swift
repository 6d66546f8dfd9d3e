import NIOCore

/// Where a registration is, as the application sees it (RFC 3261 §10.2).
///
/// ```
///  unregistered ─start─> registering ─2xx─> registered ─refresh 2xx─> registered
///        ▲                  │  ▲  401/407/423: REGISTER again      │
///        │                  ▼  │                                   │ failure
///        │               retrying(after:attempt:reason:) <─────────┘
///        │   stop: REGISTER Expires: 0          failed(reason) (403, 404... until start)
///        └──────────── unregistering
/// ```
public enum RegistrationState: Sendable, Hashable {
    /// No binding and nothing in flight.
    case unregistered
    /// A REGISTER is in flight and no binding is known.
    case registering
    /// The registrar granted `expires` seconds; `contacts` are the bindings of the AOR the 2xx
    /// listed (RFC 3261 §10.2.4), as URIs. A refresh in flight keeps this state.
    case registered(expires: UInt32, contacts: [String])
    /// The last REGISTER failed for `reason`; attempt number `attempt` (from 1) starts after
    /// `after`.
    case retrying(after: TimeAmount, attempt: Int, reason: RegistrationFailure)
    /// A REGISTER with Expires: 0 is in flight (RFC 3261 §10.2.2).
    case unregistering
    /// The registrar refused in a way retrying cannot fix; ``RegistrationStateMachine`` waits
    /// for ``RegistrationStateMachine/Event/start``.
    case failed(RegistrationFailure)
}
