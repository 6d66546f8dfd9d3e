import Foundation

/// Keeps the callers locked out after wrong door codes in a small JSON file
/// (`lockout.stateFile`), so that restarting the agent (a crash, a power cut, an update, or an
/// attacker who can make it restart) does not lift a lockout. Wall-clock times are stored: a
/// lockout runs out while the agent is down too.
///
/// The file is `{"callers": {"sip:a@b": 1796600000.5, ...}}`, the end of each lockout in
/// seconds since 1970; it is replaced atomically on every change. A file that is missing starts
/// empty; one that does not decode is reported and ignored, never fatal.
struct LockoutStore: Sendable {
    /// Where the lockouts are kept.
    let path: String

    private struct Contents: Codable {
        var callers: [String: Double]
    }

    /// The lockouts still running at `now`: caller and time left.
    func load(now: Date) throws -> [String: TimeInterval] {
        guard FileManager.default.fileExists(atPath: path) else { return [:] }
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let contents = try JSONDecoder().decode(Contents.self, from: data)
        var running: [String: TimeInterval] = [:]
        for (caller, until) in contents.callers where until.isFinite {
            let left = until - now.timeIntervalSince1970
            if left > 0 { running[caller] = left }
        }
        return running
    }

    /// Writes `lockouts` (caller and time left at `now`), replacing the file.
    func save(_ lockouts: [String: TimeInterval], now: Date) throws {
        let contents = Contents(callers: lockouts.mapValues { now.timeIntervalSince1970 + $0 })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try encoder.encode(contents).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
