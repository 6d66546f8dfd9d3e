/// Why the agent could not do something it was asked (start, a call, a door action), in
/// words for the log and the control interface.
public struct AgentError: Error, Sendable, Hashable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
