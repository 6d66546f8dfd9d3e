/// A command line the `Benchmarks` executable cannot run: an unknown subcommand or option, a
/// missing or malformed value. The command prints ``message`` and the usage text, and exits
/// with status 2.
struct UsageError: Error, Sendable {
    /// What is wrong with the command line, as one sentence for the user.
    let message: String

    init(_ message: String) {
        self.message = message
    }
}
