import Foundation

/// Runs the `Benchmarks` executable that `swift build --build-tests` puts beside the test
/// bundle, for the tests of `Benchmarks jitter` (allocation counting needs its malloc
/// interposer, which only that executable links).
struct JitterBenchmarkRun {
    /// The process's exit status.
    let status: Int32
    /// Everything it wrote to standard output.
    let output: String
    /// Everything it wrote to standard error.
    let errors: String

    /// The `Benchmarks` executable next to the running test bundle, if it exists.
    static var executable: URL? {
        let bundle = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let candidate = bundle.deletingLastPathComponent().appendingPathComponent("Benchmarks")
        return FileManager.default.isExecutableFile(atPath: candidate.path) ? candidate : nil
    }

    /// Runs `Benchmarks` with `arguments` and waits for it.
    static func run(_ arguments: [String]) throws -> JitterBenchmarkRun {
        guard let executable else {
            throw JitterTestFailure("Benchmarks is not built beside the test bundle; run `swift build --build-tests`")
        }
        return try runProcess(executable, arguments)
    }

    /// Runs `executable` with `arguments` and waits for it.
    static func runProcess(_ executable: URL, _ arguments: [String]) throws -> JitterBenchmarkRun {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Read both pipes to the end before waiting, so a full pipe cannot block the child.
        let errorData = Handoff()
        let reader = Thread { errorData.data = errors.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errorData.isDone { sched_yield() }
        return JitterBenchmarkRun(
            status: process.terminationStatus,
            output: String(decoding: outputData, as: UTF8.self),
            errors: String(decoding: errorData.data ?? Data(), as: UTF8.self))
    }

    /// The JSON objects of the output, one per line.
    var jsonLines: [[String: Any]] {
        output.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
        }
    }

    /// Standard error of a reader thread, handed back when it is done.
    private final class Handoff: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: Data?
        private var done = false
        var data: Data? {
            get { lock.withLock { stored } }
            set { lock.withLock { stored = newValue; done = true } }
        }
        var isDone: Bool { lock.withLock { done } }
    }
}

/// A test precondition that does not hold (a missing executable, a file that cannot be written).
struct JitterTestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
