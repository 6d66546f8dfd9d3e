import Foundation
import NIOCore
import NIOPosix
import Testing

/// A baresip started for one test by Tests/Interop/baresip/start.sh in its own run directory,
/// driven over its ctrl_tcp socket (netstring-framed JSON commands and events), and stopped by
/// stop.sh (by PID).
public final class BaresipInterop: Sendable {
    /// Its sound: what it sends as its microphone and whether it records what it hears.
    public struct Audio: Sendable {
        /// baresip's `audio_source` (`ausine,440`, `aufile,/path.wav`).
        public var source: String
        /// `ausrc_srate`/`auplay_srate` [Hz] and the channels of both.
        public var sampleRate: Int
        public var channels: Int
        /// Whether the sndfile module writes the decoded received audio (and the encoded sent
        /// audio) to WAV files in ``BaresipInterop/recordingDirectory``.
        public var records: Bool

        public init(source: String, sampleRate: Int, channels: Int, records: Bool) {
            self.source = source
            self.sampleRate = sampleRate
            self.channels = channels
            self.records = records
        }

        /// A 440 Hz sine (ausine wants 48 kHz stereo), nothing recorded: what start.sh does
        /// by default.
        public static let sine = Audio(source: "ausine,440", sampleRate: 48_000, channels: 2, records: false)

        /// `wav` (16-bit mono PCM at its own rate, 8 or 16 kHz; aufile stops sending at its end,
        /// so make it longer than the call) as the microphone, and what it hears recorded.
        public static func file(_ wav: String, sampleRate: Int) -> Audio {
            Audio(source: "aufile,\(wav)", sampleRate: sampleRate, channels: 1, records: true)
        }
    }

    static let scriptDirectory = KamailioInterop.repositoryRoot.appendingPathComponent("Tests/Interop/baresip")

    /// Its SIP port on 127.0.0.1 (UDP and TCP).
    public let sipPort: Int
    public let runDirectory: URL
    public let control: BaresipControl
    /// Where the sndfile module writes `dump-TIMESTAMP-dec.wav` (what it heard) and
    /// `dump-TIMESTAMP-enc.wav` (what it sent), one pair per call, when ``Audio/records``.
    public var recordingDirectory: URL { runDirectory.appendingPathComponent("recordings") }

    private init(sipPort: Int, runDirectory: URL, control: BaresipControl) {
        self.sipPort = sipPort
        self.runDirectory = runDirectory
        self.control = control
    }

    /// Starts baresip with `account` (one accounts-file line, see start.sh), runs `body`, and
    /// stops it whatever happens; when `body` throws, the end of its log is recorded.
    public static func with(
        account: (Int) -> String, audio: Audio = .sine, _ body: (BaresipInterop) async throws -> Void
    ) async throws {
        let baresip = try await start(account: account, audio: audio)
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
    /// for TLS) with a ctrl_tcp port on an odd port of 30001-32601 (never another instance's
    /// SIP port), trying other ports up to three times (start.sh fails when a port is taken).
    /// `account` gets the SIP port.
    public static func start(account: (Int) -> String, audio: Audio = .sine) async throws -> BaresipInterop {
        guard KamailioInterop.executable(named: "baresip") != nil else {
            throw InteropFailure("baresip is not installed: run `make test`, which installs the Debian package `baresip`")
        }
        var failures: [String] = []
        for _ in 0..<3 {
            let sipPort = Int.random(in: 11_500...14_999) * 2
            let ctrlPort = 30_001 + Int.random(in: 0...1_300) * 2
            let runDirectory = FileManager.default.temporaryDirectory
                .appendingPathComponent("swiftsip-baresip-\(UUID().uuidString.prefix(8))")
            var environment = [
                "AUDIO_SOURCE": audio.source, "AUDIO_SRATE": String(audio.sampleRate), "AUDIO_CHANNELS": String(audio.channels),
            ]
            if audio.records { environment["RECORD_DIR"] = runDirectory.appendingPathComponent("recordings").path }
            let result = try await KamailioInterop.run(
                "/bin/bash",
                [scriptDirectory.appendingPathComponent("start.sh").path, runDirectory.path, String(sipPort), String(ctrlPort),
                 account(sipPort)],
                environment: environment)
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

    /// Stops baresip by its PID (stop.sh) and removes its run directory. With `crash`, it gets
    /// SIGKILL: it vanishes without a BYE, like a phone that lost power. Stopping again does
    /// nothing.
    public func stop(crash: Bool = false) async {
        await control.close()
        let result = try? await KamailioInterop.run(
            "/bin/bash", [Self.scriptDirectory.appendingPathComponent("stop.sh").path, runDirectory.path],
            environment: crash ? ["STOP_SIGNAL": "KILL"] : [:])
        if result?.status != 0 {
            Issue.record("baresip stop.sh failed: \(result.map { "\($0.status): \($0.output)" } ?? "did not run")")
            return
        }
        try? FileManager.default.removeItem(at: runDirectory)
    }

    /// The recordings of what baresip heard (`*-dec.wav`), oldest first (the names hold the
    /// call's start time to the second).
    public func receivedRecordings() -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: recordingDirectory.path)) ?? []
        return names.filter { $0.hasSuffix("-dec.wav") }.sorted().map { recordingDirectory.appendingPathComponent($0) }
    }

    public func logTail() -> String {
        let log = runDirectory.appendingPathComponent("baresip.log")
        guard let data = FileManager.default.contents(atPath: log.path) else { return "(no log at \(log.path))" }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").suffix(40).joined(separator: "\n")
    }
}
