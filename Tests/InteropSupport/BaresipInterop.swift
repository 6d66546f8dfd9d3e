import Foundation
import NIOCore
import NIOPosix
import Testing

/// A baresip started for one test by Tests/Interop/baresip/start.sh in its own run directory,
/// driven over its ctrl_tcp socket (netstring-framed JSON commands and events), and stopped by
/// stop.sh (by PID).
final class BaresipInterop: Sendable {
    static let scriptDirectory = KamailioInterop.repositoryRoot.appendingPathComponent("Tests/Interop/baresip")

    /// Its SIP port on 127.0.0.1 (UDP and TCP).
    let sipPort: Int
    let runDirectory: URL
    let control: BaresipControl

    private init(sipPort: Int, runDirectory: URL, control: BaresipControl) {
        self.sipPort = sipPort
        self.runDirectory = runDirectory
        self.control = control
    }

    /// Starts baresip with `account` (one accounts-file line, see start.sh), runs `body`, and
    /// stops it whatever happens; when `body` throws, the end of its log is recorded.
    static func with(account: (Int) -> String, _ body: (BaresipInterop) async throws -> Void) async throws {
        let baresip = try await start(account: account)
        do {
            try await body(baresip)
        } catch {
            Issue.record("baresip log:\n\(baresip.logTail())")
            await baresip.stop()
            throw error
        }
        await baresip.stop()
    }

    /// Starts baresip on a random even SIP port of 23000-29998 (it also binds the next one
    /// for TLS) with a ctrl_tcp port beside it, trying other ports up to three times.
    /// `account` gets the SIP port.
    static func start(account: (Int) -> String) async throws -> BaresipInterop {
        guard KamailioInterop.executable(named: "baresip") != nil else {
            throw InteropFailure("baresip is not installed: run `make test`, which installs the Debian package `baresip`")
        }
        var failures: [String] = []
        for _ in 0..<3 {
            let sipPort = Int.random(in: 11_500...14_999) * 2
            let ctrlPort = sipPort + 2_000 + Int.random(in: 0...500) * 2
            let runDirectory = FileManager.default.temporaryDirectory
                .appendingPathComponent("swiftsip-baresip-\(UUID().uuidString.prefix(8))")
            let result = try await KamailioInterop.run(
                "/bin/bash",
                [scriptDirectory.appendingPathComponent("start.sh").path, runDirectory.path, String(sipPort), String(ctrlPort),
                 account(sipPort)])
            if result.status == 0 {
                do {
                    let control = try await BaresipControl.connect(port: ctrlPort)
                    return BaresipInterop(sipPort: sipPort, runDirectory: runDirectory, control: control)
                } catch {
                    failures.append("ctrl_tcp \(ctrlPort): \(error)")
                    _ = try? await KamailioInterop.run("/bin/bash", [scriptDirectory.appendingPathComponent("stop.sh").path, runDirectory.path])
                }
            } else {
                failures.append("ports \(sipPort)/\(ctrlPort): start.sh exited \(result.status):\n\(result.output)")
            }
            try? FileManager.default.removeItem(at: runDirectory)
        }
        throw InteropFailure("baresip did not start:\n" + failures.joined(separator: "\n"))
    }

    func stop() async {
        await control.close()
        let result = try? await KamailioInterop.run(
            "/bin/bash", [Self.scriptDirectory.appendingPathComponent("stop.sh").path, runDirectory.path])
        if result?.status != 0 {
            Issue.record("baresip stop.sh failed: \(result.map { "\($0.status): \($0.output)" } ?? "did not run")")
            return
        }
        try? FileManager.default.removeItem(at: runDirectory)
    }

    func logTail() -> String {
        let log = runDirectory.appendingPathComponent("baresip.log")
        guard let data = FileManager.default.contents(atPath: log.path) else { return "(no log at \(log.path))" }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").suffix(40).joined(separator: "\n")
    }
}
