import Foundation
import Logging

/// Carries out a door's action: runs its command (no shell: the program and its arguments as
/// configured, the caller passed in the environment only) or pulses its GPIO line.
struct DoorActionRunner: Sendable {
    /// Runs `action` for `door`; returns nil on success or why it failed. Waits for a command
    /// to exit (at most `timeout`), so call it off the event loop.
    static func run(
        _ action: DoorAction, door: String, caller: String, source: String, trigger: String, timeout: Duration = .seconds(10)
    ) async -> String? {
        switch action {
        case .command(let argv):
            return await runCommand(argv, environment: [
                "INTERCOM_DOOR": door, "INTERCOM_CALLER": caller, "INTERCOM_SOURCE": source, "INTERCOM_TRIGGER": trigger,
            ], timeout: timeout)
        case .gpio(let chip, let line, let pulseMs, let activeLow):
            return await GPIOLine.pulse(chip: chip, line: line, milliseconds: pulseMs, activeLow: activeLow)
        }
    }

    private static func runCommand(_ argv: [String], environment: [String: String], timeout: Duration) async -> String? {
        guard let program = argv.first, program.hasPrefix("/") else { return "the command needs an absolute program path" }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = Array(argv.dropFirst())
        var variables = ["PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]
        variables.merge(environment) { _, new in new }
        process.environment = variables
        process.standardInput = FileHandle.nullDevice
        let exited = AsyncStream<Void>.makeStream()
        process.terminationHandler = { _ in
            exited.continuation.yield()
            exited.continuation.finish()
        }
        do {
            try process.run()
        } catch {
            return "\(program) did not start: \(error.localizedDescription)"
        }
        // Whichever comes first: the exit, or the timeout (then the program is terminated).
        let finished = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                for await _ in exited.stream {}
                return true
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
        if !finished {
            process.terminate()
            return "\(program) still running after \(timeout); terminated"
        }
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            return "\(program) exited with status \(process.terminationStatus)"
        }
        return nil
    }
}
