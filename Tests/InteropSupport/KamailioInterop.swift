import Foundation
import NIOCore
import NIOPosix
import Testing

/// A Kamailio started for one test by Tests/Interop/kamailio/start.sh in its own run directory,
/// on its own port; read through `kamcmd` on its ctl socket; stopped by stop.sh (by PID).
public struct KamailioInterop: Sendable {
    /// Whether `SWIFTSIP_SKIP_INTEROP=1` is set.
    public static var isSkipped: Bool { ProcessInfo.processInfo.environment["SWIFTSIP_SKIP_INTEROP"] == "1" }

    /// The repository root, three levels above this file (Tests/InteropSupport/).
    public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// Tests/Interop/kamailio: kamailio.cfg, start.sh, stop.sh.
    public static let scriptDirectory = repositoryRoot.appendingPathComponent("Tests/Interop/kamailio")

    /// The port Kamailio listens on (UDP and TCP, 127.0.0.1).
    public let port: Int
    /// Its run directory: kamailio.pid, kamailio.log, kamailio_ctl.
    public let runDirectory: URL
    /// The `kamcmd` binary.
    public let kamcmd: String
    /// The longest registration it grants [s] (nil: kamailio.cfg's 3600).
    public let maxExpiresSeconds: Int?
    /// Whether its TLS listener requires a client certificate from the test CA.
    public var requiresClientCertificate = false
    /// The algorithm of its digest challenges: MD5 (nil, the default, which baresip needs) or
    /// SHA-256.
    public var digestAlgorithm: String?

    /// The address REGISTERs go to.
    public var address: SocketAddress {
        get throws { try SocketAddress(ipAddress: "127.0.0.1", port: port) }
    }

    /// Finds an executable on PATH or in the sbin directories (where Debian puts kamailio).
    public static func executable(named name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/usr/local/sbin", "/sbin"]
        for directory in directories where !directory.isEmpty {
            let candidate = directory + "/" + name
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Starts Kamailio, runs `body`, and stops Kamailio whether `body` returns or throws. When
    /// `body` throws, the end of Kamailio's log is recorded as an issue and the run directory
    /// is kept. With `tlsCertificateDirectory` (server.pem, server-key.pem, ca.pem) it also
    /// listens on TLS and WSS (port + 1) and WS (port + 2).
    public static func withKamailio(
        tlsCertificateDirectory: URL? = nil, _ body: (KamailioInterop) async throws -> Void
    ) async throws {
        let kamailio = try await start(tlsCertificateDirectory: tlsCertificateDirectory)
        do {
            try await body(kamailio)
        } catch {
            Issue.record("Kamailio run directory \(kamailio.runDirectory.path), log:\n\(kamailio.logTail())")
            await kamailio.stop(keepRunDirectory: true)
            throw error
        }
        await kamailio.stop(keepRunDirectory: false)
    }

    /// Starts a Kamailio on a random port below the ephemeral range (21000-29999), trying
    /// another port when start-up fails (the port may be taken), three times at most. With
    /// `tlsCertificateDirectory` (server.pem, server-key.pem, ca.pem) it also listens on TLS
    /// and WSS (port + 1) and WS (port + 2) with that certificate.
    /// `maxExpiresSeconds` (10 or more) caps the registrations it grants.
    /// `requiresClientCertificate` makes the TLS listener ask for a client certificate that
    /// chains to the directory's ca.pem; `digestAlgorithm` `SHA-256` makes every challenge
    /// SHA-256.
    public static func start(
        tlsCertificateDirectory: URL? = nil, maxExpiresSeconds: Int? = nil, requiresClientCertificate: Bool = false,
        digestAlgorithm: String? = nil
    ) async throws -> KamailioInterop {
        let tools = try tools()
        var failures: [String] = []
        for _ in 0..<3 {
            let port = Int.random(in: 21_000...29_997)
            let runDirectory = FileManager.default.temporaryDirectory
                .appendingPathComponent("swiftsip-kamailio-\(UUID().uuidString.prefix(8))")
            var kamailio = KamailioInterop(
                port: port, runDirectory: runDirectory, kamcmd: tools.kamcmd, maxExpiresSeconds: maxExpiresSeconds)
            kamailio.requiresClientCertificate = requiresClientCertificate
            kamailio.digestAlgorithm = digestAlgorithm
            do {
                try await kamailio.launch(kamailio: tools.kamailio, tlsCertificateDirectory: tlsCertificateDirectory)
                return kamailio
            } catch {
                failures.append("port \(port): \(error)")
                try? FileManager.default.removeItem(at: runDirectory)
            }
        }
        throw InteropFailure("Kamailio did not start:\n" + failures.joined(separator: "\n"))
    }

    /// Starts this Kamailio again (after ``stop(keepRunDirectory:)`` with the run directory
    /// kept) on the same port and run directory, with an empty location table: a registrar
    /// that restarted.
    public func restart(tlsCertificateDirectory: URL? = nil) async throws {
        try await launch(kamailio: Self.tools().kamailio, tlsCertificateDirectory: tlsCertificateDirectory)
    }

    /// kamailio and kamcmd, or why the tests cannot run.
    private static func tools() throws -> (kamailio: String, kamcmd: String) {
        guard let kamailio = executable(named: "kamailio"), let kamcmd = executable(named: "kamcmd") else {
            throw InteropFailure(
                "kamailio (and kamcmd) is not installed: run `make test`, which installs the Debian package "
                    + "`kamailio` (or `apt-get install kamailio`), or set SWIFTSIP_SKIP_INTEROP=1 to skip the interop tests")
        }
        return (kamailio, kamcmd)
    }

    /// Runs start.sh for this port and run directory; throws with its output when it fails.
    private func launch(kamailio: String, tlsCertificateDirectory: URL?) async throws {
        var environment = ["KAMAILIO": kamailio, "KAMCMD": kamcmd]
        if let maxExpiresSeconds { environment["MAX_EXPIRES"] = String(maxExpiresSeconds) }
        if let digestAlgorithm { environment["DIGEST_ALGORITHM"] = digestAlgorithm }
        if requiresClientCertificate { environment["TLS_REQUIRE_CLIENT_CERT"] = "1" }
        if let tlsCertificateDirectory {
            environment["TLS_PORT"] = String(port + 1)
            environment["WS_PORT"] = String(port + 2)
            environment["TLS_CERT_DIR"] = tlsCertificateDirectory.path
        }
        let result = try await Self.run(
            "/bin/bash", [Self.scriptDirectory.appendingPathComponent("start.sh").path, runDirectory.path, String(port)],
            environment: environment)
        guard result.status == 0 else { throw InteropFailure("start.sh exited \(result.status):\n\(result.output)") }
    }

    /// Stops Kamailio by its PID (stop.sh) and removes the run directory unless asked to keep it.
    /// With `crash`, every process of it gets SIGKILL at once: no shutdown, like a crash or
    /// a power cut.
    public func stop(keepRunDirectory: Bool, crash: Bool = false) async {
        let script = Self.scriptDirectory.appendingPathComponent("stop.sh").path
        let result = try? await Self.run("/bin/bash", [script, runDirectory.path], environment: crash ? ["STOP_SIGNAL": "KILL"] : [:])
        if result?.status != 0 {
            Issue.record("stop.sh failed: \(result.map { "\($0.status): \($0.output)" } ?? "did not run")")
            return
        }
        if !keepRunDirectory { try? FileManager.default.removeItem(at: runDirectory) }
    }

    /// Runs `kamcmd -s unix:RUNDIR/kamailio_ctl ARGUMENTS` and returns its output.
    public func kamcmd(_ arguments: String...) async throws -> String {
        let socket = "unix:" + runDirectory.appendingPathComponent("kamailio_ctl").path
        let result = try await Self.run(kamcmd, ["-s", socket] + arguments)
        guard result.status == 0 else {
            throw InteropFailure("kamcmd \(arguments.joined(separator: " ")) exited \(result.status): \(result.output)")
        }
        return result.output
    }

    /// `ul.dump`: the bindings Kamailio holds.
    public func bindingsDump() async throws -> String {
        try await kamcmd("ul.dump")
    }

    /// The REGISTER requests Kamailio received (`core:rcv_requests_register`), retransmissions
    /// included.
    public func registerCount() async throws -> Int {
        let output = try await kamcmd("stats.get_statistics", "rcv_requests_register")
        guard let value = output.split(separator: "=").last.flatMap({ Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
        else { throw InteropFailure("unexpected statistics output: \(output)") }
        return value
    }

    /// Reads `ul.dump` every 100 ms, `tries` times at most, until `condition` holds for it;
    /// returns whether it did. `condition` is given the contact URIs of the dump's `Address:`
    /// lines, so that a URI is matched whole.
    public func pollBindings(tries: Int, until condition: @Sendable (Set<String>) -> Bool) async throws -> Bool {
        for attempt in 0..<tries {
            if attempt > 0 { try await Self.pause(.milliseconds(100)) }
            if condition(Self.contactAddresses(in: try await bindingsDump())) { return true }
        }
        return false
    }

    /// Reads the REGISTER count every 100 ms, `tries` times, and returns whether `condition`
    /// held for one reading.
    public func pollRegisterCount(tries: Int, until condition: @Sendable (Int) -> Bool) async throws -> Bool {
        for attempt in 0..<tries {
            if attempt > 0 { try await Self.pause(.milliseconds(100)) }
            if condition(try await registerCount()) { return true }
        }
        return false
    }

    /// The contact URIs of the `Address: ...` lines of an `ul.dump` output.
    public static func contactAddresses(in dump: String) -> Set<String> {
        var addresses: Set<String> = []
        for line in dump.split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("Address: ") { addresses.insert(String(trimmed.dropFirst("Address: ".count))) }
        }
        return addresses
    }

    /// The last 60 lines of Kamailio's log.
    public func logTail() -> String {
        let log = runDirectory.appendingPathComponent("kamailio.log")
        guard let data = FileManager.default.contents(atPath: log.path) else { return "(no log at \(log.path))" }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").suffix(60).joined(separator: "\n")
    }

    /// Waits `delay` on an event loop's timer (the poll interval when asking kamcmd).
    public static func pause(_ delay: TimeAmount) async throws {
        try await MultiThreadedEventLoopGroup.singleton.next().scheduleTask(in: delay) {}.futureResult.get()
    }

    /// Runs `executable` with `arguments` (stdin from /dev/null) and returns its exit status
    /// and its stdout and stderr together. The output goes through a temporary file, not a
    /// pipe, so that a process the child leaves running cannot hold the output open; the exit
    /// is awaited with a termination handler, off the Swift concurrency pool.
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:]
    ) async throws -> (status: Int32, output: String) {
        let outputPath = FileManager.default.temporaryDirectory
            .appendingPathComponent("swiftsip-interop-\(UUID().uuidString).out").path
        guard FileManager.default.createFile(atPath: outputPath, contents: nil),
              let output = FileHandle(forWritingAtPath: outputPath)
        else { throw InteropFailure("cannot create \(outputPath)") }
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
            process.standardOutput = output
            process.standardError = output
            process.standardInput = FileHandle.nullDevice
            process.terminationHandler = { finished in continuation.resume(returning: finished.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: InteropFailure("cannot run \(executable): \(error)"))
            }
        }
        try? output.close()
        let data = FileManager.default.contents(atPath: outputPath) ?? Data()
        return (status, String(decoding: data, as: UTF8.self))
    }
}
