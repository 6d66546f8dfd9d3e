import Testing

/// One row of a transaction state machine table: the steps that set the machine up, the event
/// under test, the actions it must return (rendered as text) and the state it must end in.
struct TransactionTableRow<Step: Sendable, State: Sendable>: Sendable, CustomTestStringConvertible {
    let name: String
    let reliable: Bool
    let setup: [Step]
    let event: Step
    let actions: [String]
    let state: State

    init(_ name: String, reliable: Bool = false, _ setup: [Step], _ event: Step, _ actions: [String], _ state: State) {
        self.name = name
        self.reliable = reliable
        self.setup = setup
        self.event = event
        self.actions = actions
        self.state = state
    }

    var testDescription: String { "\(reliable ? "TCP" : "UDP"): \(name)" }
}
