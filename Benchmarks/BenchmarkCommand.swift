/// The `Benchmarks` command line: `Benchmarks <subcommand> [options]`.
///
/// Picks the ``BenchmarkSubcommand`` named by the first argument and runs it with the rest.
/// A usage error (no or unknown subcommand, bad option) prints the problem and the usage text
/// to standard error and yields exit status 2; `-h`/`--help` prints the usage text to standard
/// output and yields 0.
enum BenchmarkCommand {
    /// Exit status of a successful run.
    static let success: Int32 = 0
    /// Exit status of a usage error.
    static let usageFailure: Int32 = 2

    /// Runs the command for `arguments` (as in `CommandLine.arguments`: the executable first).
    ///
    /// - Returns: The process exit status.
    static func run(arguments: [String]) -> Int32 {
        let arguments = arguments.dropFirst()
        guard let name = arguments.first else {
            return reportUsageError(UsageError("missing subcommand"))
        }
        if name == "-h" || name == "--help" || name == "help" {
            print(usage)
            return success
        }
        guard let subcommand = BenchmarkSubcommand(rawValue: name) else {
            return reportUsageError(UsageError("unknown subcommand '\(name)'"))
        }
        let rest = arguments.dropFirst()
        if rest.contains(where: { $0 == "-h" || $0 == "--help" }) {
            print(usage)
            return success
        }
        do {
            return try subcommand.run(arguments: rest)
        } catch {
            return reportUsageError(error)
        }
    }

    /// The usage text: the synopsis, the subcommands and their options.
    static var usage: String {
        var text = "usage: Benchmarks <subcommand> [options]\n\nsubcommands:\n"
        let width = BenchmarkSubcommand.allCases.map(\.rawValue.count).max() ?? 0
        for subcommand in BenchmarkSubcommand.allCases {
            let padding = String(repeating: " ", count: width - subcommand.rawValue.count)
            text += "  \(subcommand.rawValue)\(padding)  \(subcommand.summary)\n"
        }
        for subcommand in BenchmarkSubcommand.allCases {
            text += "\n" + subcommand.optionsUsage
        }
        return text
    }

    /// Prints `error` and the usage text to standard error; returns the usage exit status.
    private static func reportUsageError(_ error: UsageError) -> Int32 {
        Console.error("Benchmarks: \(error.message)\n\n\(usage)")
        return usageFailure
    }
}
