import ArgumentParser

/// `intercom run`: starts the agent.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the agent (the default when no subcommand is given)."
    )

    func run() async throws {
        print("intercom: the agent is not available yet")
    }
}
