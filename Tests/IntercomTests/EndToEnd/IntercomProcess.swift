import Foundation
import InteropSupport
import Testing

#if canImport(Glibc)
import Glibc

/// `kill(2)` (the name ``IntercomProcess/kill()`` hides inside the type).
private func deliver(_ signal: Int32, to pid: pid_t) { _ = Glibc.kill(pid, signal) }
#elseif canImport(Darwin)
import Darwin

private func deliver(_ signal: Int32, to pid: pid_t) { _ = Darwin.kill(pid, signal) }
#endif

/// The built `intercom` executable run as a real process for one end-to-end test: `intercom
/// run --config FILE` in a temporary directory of its own (config.yaml, intercom.log, the
/// WAV files), stdout and stderr to intercom.log. The test reads the log (`kind: detail` event
/// lines), sends it signals, and stops it by its PID; ``with(_:_:)`` kills it whatever happens.
final class IntercomProcess: @unchecked Sendable {
    /// The directory of this run: config.yaml, intercom.log and what the test put there.
    let directory: URL
    var configurationFile: URL { directory.appendingPathComponent("config.yaml") }
    var logFile: URL { directory.appendingPathComponent("intercom.log") }
    let process: Process

    private init(directory: URL, process: Process) {
        self.directory = directory
        self.process = process
    }

    var pid: Int32 { process.processIdentifier }

    // MARK: - Finding the executable

    /// The `intercom` built beside the tests: `SWIFTSIP_INTERCOM_EXECUTABLE` if set, else next to the
    /// test bundle (.build/debug), else in the repository's .build/debug, else what `swift
    /// build --show-bin-path` names.
    static func executable() async throws -> URL {
        var candidates: [URL] = []
        if let path = ProcessInfo.processInfo.environment["SWIFTSIP_INTERCOM_EXECUTABLE"] { candidates.append(URL(fileURLWithPath: path)) }
        for argument in [CommandLine.arguments.first, Bundle.main.executablePath].compactMap({ $0 }) {
            var folder = URL(fileURLWithPath: argument).deletingLastPathComponent()
            // Inside SwiftSIPPackageTests.xctest/Contents/MacOS on macOS: climb to .build/debug.
            for _ in 0..<4 {
                candidates.append(folder.appendingPathComponent("intercom"))
                folder = folder.deletingLastPathComponent()
            }
        }
        candidates.append(KamailioInterop.repositoryRoot.appendingPathComponent(".build/debug/intercom"))
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate.path) {
            return candidate
        }
        if let swift = KamailioInterop.executable(named: "swift") {
            let result = try await KamailioInterop.run(
                swift, ["build", "--package-path", KamailioInterop.repositoryRoot.path, "--show-bin-path"])
            let folder = result.output.split(separator: "\n").last.map(String.init) ?? ""
            let candidate = URL(fileURLWithPath: folder).appendingPathComponent("intercom")
            if result.status == 0, FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw InteropFailure(
            "no built intercom executable (looked at \(candidates.map(\.path))): run `swift build` (or `make test`, "
                + "which builds it before the tests), or set SWIFTSIP_INTERCOM_EXECUTABLE")
    }

    // MARK: - Starting and stopping

    /// Writes `configuration` to a new run directory, starts `intercom run --config` on it,
    /// runs `body`, and stops the agent whatever happens (SIGTERM, then SIGKILL); when `body`
    /// throws, the end of the agent's log is recorded and its directory kept (with
    /// `SWIFTSIP_KEEP_E2E=1` it is kept in any case).
    static func with(
        _ configuration: EndToEndConfiguration, _ body: (IntercomProcess) async throws -> Void
    ) async throws {
        let agent = try await start(configuration)
        do {
            try await body(agent)
        } catch {
            Issue.record("intercom run directory \(agent.directory.path), log:\n\(agent.logTail())")
            agent.kill()
            throw error
        }
        if agent.isRunning { _ = try? await agent.stop() }
        if !keepsRunDirectories { try? FileManager.default.removeItem(at: agent.directory) }
    }

    /// `SWIFTSIP_KEEP_E2E=1` keeps the run directories of passing tests too (to read the logs).
    static var keepsRunDirectories: Bool { ProcessInfo.processInfo.environment["SWIFTSIP_KEEP_E2E"] == "1" }

    /// Starts the agent on `configuration` (written to `configuration.directory`/config.yaml)
    /// and waits until its log says it listens for SIP.
    static func start(_ configuration: EndToEndConfiguration, readyWithin seconds: Double = 15) async throws -> IntercomProcess {
        let executable = try await executable()
        let directory = configuration.directory
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try configuration.yaml.write(to: directory.appendingPathComponent("config.yaml"), atomically: true, encoding: .utf8)
        let logPath = directory.appendingPathComponent("intercom.log").path
        guard FileManager.default.createFile(atPath: logPath, contents: nil), let log = FileHandle(forWritingAtPath: logPath) else {
            throw InteropFailure("cannot create \(logPath)")
        }
        defer { try? log.close() }
        let process = Process()
        // With an empty signal mask, so that SIGHUP and SIGTERM reach the agent.
        UnmaskedLaunch.configure(
            process, executable: executable.path, arguments: ["run", "--config", directory.appendingPathComponent("config.yaml").path])
        process.currentDirectoryURL = directory
        // The agent reads INTERCOM_* variables as overrides of its file's keys: the test's
        // configuration is the file alone, whatever the developer's shell exports.
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("INTERCOM_") }
            .merging(configuration.environment) { _, test in test }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = log
        process.standardError = log
        do {
            try process.run()
        } catch {
            throw InteropFailure("cannot start \(executable.path): \(error)")
        }
        let agent = IntercomProcess(directory: directory, process: process)
        do {
            _ = try await agent.waitForLog(containing: "listening for SIP over", within: seconds)
        } catch {
            let tail = agent.logTail()
            agent.kill()
            throw InteropFailure("intercom did not start listening within \(seconds) s: \(error)\nits log:\n\(tail)")
        }
        return agent
    }

    var isRunning: Bool { process.isRunning }

    /// Sends `signal` (SIGHUP, SIGTERM...) to the agent.
    func signal(_ signal: Int32) {
        guard process.isRunning else { return }
        deliver(signal, to: process.processIdentifier)
    }

    /// SIGTERM, then waits for the exit (SIGKILL after `seconds`); returns the exit status.
    @discardableResult
    func stop(within seconds: Double = 10) async throws -> Int32 {
        signal(SIGTERM)
        return try await waitForExit(within: seconds)
    }

    /// Waits until the process exits and returns its status; kills it and throws after
    /// `seconds`.
    func waitForExit(within seconds: Double) async throws -> Int32 {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while process.isRunning {
            if ContinuousClock.now > deadline {
                kill()
                throw InteropFailure("intercom (PID \(pid)) did not exit within \(seconds) s; killed")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        if process.terminationReason == .uncaughtSignal {
            throw InteropFailure("intercom died of signal \(process.terminationStatus)")
        }
        return process.terminationStatus
    }

    /// SIGKILL by PID, if it still runs.
    func kill() {
        guard process.isRunning else { return }
        deliver(SIGKILL, to: process.processIdentifier)
        process.waitUntilExit()
    }

    // MARK: - The log

    /// The log's lines so far.
    func logLines() -> [String] {
        guard let data = FileManager.default.contents(atPath: logFile.path) else { return [] }
        return String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    }

    /// How many lines the log has now: pass it as `after` to wait for a line that comes later.
    func logMark() -> Int { logLines().count }

    /// The lines (after line number `after`) that contain `text`.
    func logLines(containing text: String, after mark: Int = 0) -> [String] {
        logLines().dropFirst(mark).filter { $0.contains(text) }
    }

    /// Polls the log until a line after line number `after` contains every one of `texts`
    /// (the first is `text`); returns that line. Throws after `seconds`, or when the agent
    /// exits first.
    @discardableResult
    func waitForLog(containing text: String, _ more: String..., after mark: Int = 0, within seconds: Double = 10) async throws
        -> String
    {
        let texts = [text] + more
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while true {
            let running = process.isRunning
            if let line = logLines().dropFirst(mark).first(where: { line in texts.allSatisfy { line.contains($0) } }) {
                return line
            }
            guard running else { throw InteropFailure("intercom exited (status \(process.terminationStatus)) before logging \(texts)") }
            guard ContinuousClock.now < deadline else {
                throw InteropFailure("intercom logged no line with \(texts) within \(seconds) s")
            }
            try await Task.sleep(for: .milliseconds(25))
        }
    }

    /// The last 60 lines of the log.
    func logTail() -> String {
        logLines().suffix(60).joined(separator: "\n")
    }
}
