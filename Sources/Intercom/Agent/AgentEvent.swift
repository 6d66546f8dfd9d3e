/// What happened in the agent, one value per event: the log line, the control interface's
/// event list and the metrics are all made from these.
public enum AgentEvent: Sendable, Hashable {
    case registrationChanged(account: String, state: String, phase: RegistrationPhase)
    case incomingCall(id: String, from: String, source: String)
    case callRefused(id: String, from: String, status: Int, reason: String)
    case outgoingCall(id: String, to: String, button: String?)
    /// A call the agent would not place: its transport breaks `sip.requireTLS` or the `sips:`
    /// rule (see ``OutgoingTransportPolicy``).
    case callNotPlaced(to: String, reason: String)
    /// An outgoing call the far end, or a PBX on the way, refused with a final status; the
    /// reason says why when the agent itself could not go on (a challenge it may not answer,
    /// such as MD5 without `allowMD5`).
    case callRejected(id: String, to: String, status: Int, reason: String)
    case callAnswered(id: String, direction: String, codec: String)
    case callEnded(id: String, direction: String, result: String, seconds: Double)
    /// A call's audio engine when the call ended: periods processed late and frames concealed.
    case callAudio(id: String, lateCycles: Int, concealed: Int)
    /// Every door code or message that reached a decision, for the audit trail: who, from
    /// which address, by what (dtmf, message), and the outcome.
    case doorAttempt(caller: String, source: String, trigger: String, result: String)
    case doorOpened(door: String, caller: String, trigger: String)
    case doorActionFailed(door: String, reason: String)
    case wrongCode(caller: String, count: Int)
    case lockedOut(caller: String, seconds: Int)
    case ignoredLockedOut(caller: String)
    case configurationReloaded(notes: [String])
    case configurationRefused(errors: [String])

    /// A short kind name ("call.answered", "door.opened"...).
    public var kind: String {
        switch self {
        case .registrationChanged: "registration"
        case .incomingCall: "call.incoming"
        case .callRefused: "call.refused"
        case .outgoingCall: "call.outgoing"
        case .callNotPlaced: "call.not-placed"
        case .callRejected: "call.rejected"
        case .callAnswered: "call.answered"
        case .callEnded: "call.ended"
        case .callAudio: "call.audio"
        case .doorAttempt: "door.attempt"
        case .doorOpened: "door.opened"
        case .doorActionFailed: "door.failed"
        case .wrongCode: "door.wrong-code"
        case .lockedOut: "door.lockout"
        case .ignoredLockedOut: "door.locked-out-input"
        case .configurationReloaded: "config.reloaded"
        case .configurationRefused: "config.refused"
        }
    }

    /// The event in words, for the log (one line per event; never a password).
    public var detail: String {
        switch self {
        case .registrationChanged(let account, let state, _): "account \(account): \(state)"
        case .incomingCall(let id, let from, let source): "\(id) from \(from) via \(source)"
        case .callRefused(let id, let from, let status, let reason): "\(id) from \(from) refused \(status) (\(reason))"
        case .outgoingCall(let id, let to, let button): "\(id) to \(to)" + (button.map { " (button \($0))" } ?? "")
        case .callNotPlaced(let to, let reason): "call to \(to) refused: \(reason)"
        case .callRejected(let id, let to, let status, let reason): "\(id) to \(to) rejected \(status) \(reason)"
        case .callAnswered(let id, let direction, let codec): "\(id) \(direction) answered, \(codec)"
        case .callEnded(let id, let direction, let result, let seconds):
            "\(id) \(direction) ended: \(result) after \((seconds * 10).rounded() / 10) s"
        case .callAudio(let id, let late, let concealed): "\(id): \(late) late audio periods, \(concealed) frames concealed"
        case .doorAttempt(let caller, let source, let trigger, let result): "\(caller) from \(source) by \(trigger): \(result)"
        case .doorOpened(let door, let caller, let trigger): "door \(door) opened for \(caller) by \(trigger)"
        case .doorActionFailed(let door, let reason): "door \(door) action failed: \(reason)"
        case .wrongCode(let caller, let count): "wrong code from \(caller) (\(count) in the window)"
        case .lockedOut(let caller, let seconds): "\(caller) locked out for \(seconds) s after wrong codes"
        case .ignoredLockedOut(let caller): "input from locked-out \(caller) ignored"
        case .configurationReloaded(let notes): "configuration reloaded" + (notes.isEmpty ? "" : ": " + notes.joined(separator: "; "))
        case .configurationRefused(let errors): "new configuration refused, old kept: " + errors.joined(separator: "; ")
        }
    }
}
