import Foundation

/// A dnsmasq started for one test by Tests/Interop/dnsmasq/start.sh in its own run directory,
/// on its own UDP port of 127.0.0.1, serving the records the test gives (a dnsmasq
/// configuration fragment: `srv-host=`, `host-record=`); stopped by stop.sh (by PID).
public struct DnsmasqInterop: Sendable {
    public static let scriptDirectory = KamailioInterop.repositoryRoot.appendingPathComponent("Tests/Interop/dnsmasq")

    /// The UDP port it answers on (127.0.0.1).
    public let port: Int
    public let runDirectory: URL

    /// `127.0.0.1:PORT`, as a DNS server setting.
    public var server: String { "127.0.0.1:\(port)" }

    /// Starts dnsmasq with `records` on a random port (21000-29999), trying another port when
    /// start-up fails, three times at most; runs `body`; stops it whether `body` returns or
    /// throws.
    public static func withDnsmasq(records: [String], _ body: (DnsmasqInterop) async throws -> Void) async throws {
        var failures: [String] = []
        for _ in 0..<3 {
            let port = Int.random(in: 21_000...29_999)
            let runDirectory = FileManager.default.temporaryDirectory
                .appendingPathComponent("swiftsip-dnsmasq-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: runDirectory, withIntermediateDirectories: true)
            let result = try await start(records: records, port: port, runDirectory: runDirectory)
            guard result.status == 0 else {
                if result.status == 3 { throw InteropFailure(result.output) }
                failures.append("port \(port): \(result.output)")
                try? FileManager.default.removeItem(at: runDirectory)
                continue
            }
            let dnsmasq = DnsmasqInterop(port: port, runDirectory: runDirectory)
            do {
                try await body(dnsmasq)
            } catch {
                await dnsmasq.stop()
                throw error
            }
            await dnsmasq.stop()
            return
        }
        throw InteropFailure("dnsmasq did not start:\n" + failures.joined(separator: "\n"))
    }

    /// Serves `records` instead of the ones it was started with: stops it by its PID and starts
    /// it again on the same port (the names a client looked up before change, as when a zone
    /// is edited).
    public func replaceRecords(with records: [String]) async throws {
        _ = try? await KamailioInterop.run("/bin/bash", [Self.scriptDirectory.appendingPathComponent("stop.sh").path, runDirectory.path])
        let result = try await Self.start(records: records, port: port, runDirectory: runDirectory)
        guard result.status == 0 else { throw InteropFailure("dnsmasq did not start again on port \(port): \(result.output)") }
    }

    /// Writes `records` to RUNDIR/records.conf and runs start.sh.
    private static func start(records: [String], port: Int, runDirectory: URL) async throws -> (status: Int32, output: String) {
        let recordsFile = runDirectory.appendingPathComponent("records.conf")
        try (records.joined(separator: "\n") + "\n").write(to: recordsFile, atomically: true, encoding: .utf8)
        return try await KamailioInterop.run(
            "/bin/bash", [scriptDirectory.appendingPathComponent("start.sh").path, runDirectory.path, String(port), recordsFile.path])
    }

    /// Stops it by its PID and removes the run directory.
    public func stop() async {
        _ = try? await KamailioInterop.run("/bin/bash", [Self.scriptDirectory.appendingPathComponent("stop.sh").path, runDirectory.path])
        try? FileManager.default.removeItem(at: runDirectory)
    }
}
