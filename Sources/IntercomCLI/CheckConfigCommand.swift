import ArgumentParser
import Foundation
import Intercom

/// `intercom check-config FILE [--print]`: loads and checks a configuration file (with the
/// `INTERCOM_...` environment overrides applied), as `run --config FILE` would.
struct CheckConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Check a configuration file; print every problem as FILE:LINE: key.path: reason.",
        discussion: """
            INTERCOM_... environment variables override keys as they do for `run` \
            (INTERCOM_ANSWER__DELAY_MS=200 sets answer.delayMs). \
            Exit status: 0 when valid ("FILE: OK" and a summary on standard output), 1 when \
            there are problems (one line each on standard error), 2 when the file cannot be read.
            """
    )

    @Flag(name: .customLong("print"), help: "Also print the effective configuration as YAML (secrets masked).")
    var printEffective = false

    @Argument(help: "The YAML configuration file.")
    var file: String

    func run() throws {
        let check = ConfigurationCheck(path: file, environment: ProcessInfo.processInfo.environment, printing: printEffective)
        for line in check.output { print(line) }
        for line in check.errorOutput { FileHandle.standardError.write(Data((line + "\n").utf8)) }
        if check.exitStatus != 0 { throw ExitCode(check.exitStatus) }
    }
}
