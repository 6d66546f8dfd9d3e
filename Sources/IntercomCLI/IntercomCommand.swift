import ArgumentParser
import Foundation

/// `intercom`: the door-phone agent's executable. With no subcommand it runs the agent.
@main
struct IntercomCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "intercom",
        abstract: "SwiftSIP intercom: an unattended SIP door phone and intercom agent.",
        discussion: """
            Run with no arguments to start the agent on built-in defaults, or with \
            --config FILE. The subcommands check messages and configuration files without \
            starting anything. Exit status 2 means a usage error.
            """,
        subcommands: [RunCommand.self, CheckMessageCommand.self, CheckConfigCommand.self],
        defaultSubcommand: RunCommand.self
    )

    /// Runs the command, with usage errors exiting with status 2 (as the tools' documentation
    /// says) instead of ArgumentParser's 64.
    static func main() async {
        MallocArenas.useOne()
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
