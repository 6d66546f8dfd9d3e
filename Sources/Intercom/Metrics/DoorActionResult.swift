/// What became of a request to open a door: the `result` label of `intercom_door_actions_total`.
public enum DoorActionResult: String, Sendable, Hashable, CaseIterable {
    /// The action fired (GPIO pulsed, command exited 0).
    case opened
    /// The action was tried and failed (GPIO error, command exited non-zero).
    case failed
    /// Not tried: the caller may not use that code, or is locked out.
    case denied
}
