import Foundation
import NIOCore

/// The door logic without I/O: collects a call's DTMF digits, recognises the codes each caller
/// may use, counts wrong codes per caller and locks a caller out after too many in a window.
/// Every decision is returned as a ``DoorDecision`` for the agent to act on and log; time is
/// given by the caller (the event loop's clock), so that tests run on virtual time.
///
/// A code is recognised the moment the digits entered equal it. `#` submits what was entered
/// (a wrong code if it matches nothing), `*` clears it, and a run of digits as long as the
/// longest code that matches nothing is a wrong code too. Digits more than
/// ``interDigitTimeout`` apart start a new entry.
struct DoorController: Sendable {
    struct Door: Sendable {
        var name: String
        var codes: [(code: String, callers: [URIPattern])]
        var message: String?
    }

    /// What one input led to.
    enum DoorDecision: Sendable, Equatable {
        /// Open this door for this caller.
        case open(door: String)
        /// The digits so far are the start of a code: wait for more.
        case pending
        /// A wrong code; `count` wrong codes in the window so far.
        case wrongCode(count: Int)
        /// A wrong code that locked the caller out until this time.
        case lockedOut(until: NIODeadline)
        /// The caller is locked out: the input was ignored.
        case ignoredLockedOut
        /// Nothing to do (a MESSAGE that names no door, an empty submit).
        case none
    }

    private(set) var doors: [Door]
    private var lockout: LockoutConfiguration
    private var longestCode: Int
    /// The shortest code's length: an entry given up with at least this many digits (cleared
    /// with `*`, left to time out, or ended with the call) has been tried against every code
    /// of its length, and counts as a wrong code. Without that, the short codes of a door with
    /// codes of several lengths could be guessed for free: two digits, `*`, the next two.
    private var shortestCode: Int
    let interDigitTimeout = TimeAmount.seconds(5)

    /// Per call: the digits entered and when the last came.
    private var entries: [String: (digits: String, last: NIODeadline, caller: String)] = [:]
    /// Per caller: times of recent wrong codes, and the end of a lockout.
    private var wrongCodes: [String: [NIODeadline]] = [:]
    private var lockedUntil: [String: NIODeadline] = [:]

    init(doors: [DoorConfiguration], lockout: LockoutConfiguration) {
        self.doors = doors.map { door in
            Door(
                name: door.name, codes: door.codes.map { ($0.code.uppercased(), $0.callers.map(URIPattern.init)) },
                message: door.message)
        }
        self.lockout = lockout
        self.longestCode = doors.flatMap(\.codes).map(\.code.count).max() ?? 0
        self.shortestCode = doors.flatMap(\.codes).map(\.code.count).min() ?? 0
    }

    /// Takes new doors and lockout rules, keeping the wrong-code counts and lockouts.
    mutating func reconfigure(doors: [DoorConfiguration], lockout: LockoutConfiguration) {
        let fresh = DoorController(doors: doors, lockout: lockout)
        self.doors = fresh.doors
        self.lockout = lockout
        self.longestCode = fresh.longestCode
        self.shortestCode = fresh.shortestCode
        entries = [:]
    }

    /// The lockouts running at `now`, with the time each has left [s]: what a restart keeps.
    func lockouts(now: NIODeadline) -> [String: Double] {
        var running: [String: Double] = [:]
        for (caller, until) in lockedUntil where now < until {
            running[caller] = Double((until - now).nanoseconds) / 1e9
        }
        return running
    }

    /// Locks `caller` out for `seconds` more from `now` (a lockout kept across a restart).
    mutating func restoreLockout(_ caller: String, seconds: Double, now: NIODeadline) {
        guard seconds > 0, seconds.isFinite else { return }
        lockedUntil[caller] = now + .nanoseconds(Int64(min(seconds, 31_536_000) * 1e9))
    }

    /// Whether `caller` is locked out at `now`.
    func isLockedOut(_ caller: String, now: NIODeadline) -> Bool {
        lockedUntil[caller].map { now < $0 } ?? false
    }

    /// Callers locked out at `now`.
    func lockedOutCount(now: NIODeadline) -> Int {
        lockedUntil.values.filter { now < $0 }.count
    }

    /// One DTMF digit of call `callID` from `caller`.
    mutating func digit(_ digit: Character, callID: String, caller: String, now: NIODeadline) -> DoorDecision {
        if isLockedOut(caller, now: now) { return .ignoredLockedOut }
        var entry = entries[callID] ?? ("", now, caller)
        // An entry left to time out was given up: it may count as a wrong code, which may
        // lock the caller out before this digit is read.
        var givenUp: DoorDecision?
        if now - entry.last > interDigitTimeout {
            givenUp = giveUp(entry.digits, caller: caller, now: now)
            entry.digits = ""
            if case .lockedOut = givenUp {
                entries[callID] = entry
                return givenUp ?? .none
            }
        }
        entry.last = now
        let key = Character(digit.uppercased())
        switch key {
        case "*":
            let cleared = entry.digits
            entry.digits = ""
            entries[callID] = entry
            return giveUp(cleared, caller: caller, now: now) ?? givenUp ?? .none
        case "#":
            let entered = entry.digits
            entry.digits = ""
            entries[callID] = entry
            return entered.isEmpty ? .none : wrong(caller, now: now)
        default:
            entry.digits.append(key)
        }
        if let door = door(for: entry.digits, caller: caller) {
            entry.digits = ""
            entries[callID] = entry
            return .open(door: door)
        }
        if longestCode > 0, entry.digits.count >= longestCode {
            entry.digits = ""
            entries[callID] = entry
            return wrong(caller, now: now)
        }
        entries[callID] = entry
        return givenUp ?? .pending
    }

    /// An entry of `digits` given up without a match: a wrong code once it is as long as the
    /// shortest code, else nothing (nil).
    private mutating func giveUp(_ digits: String, caller: String, now: NIODeadline) -> DoorDecision? {
        guard shortestCode > 0, digits.count >= shortestCode else { return nil }
        return wrong(caller, now: now)
    }

    /// A MESSAGE `text` from `caller` (already allowed to call): the door whose message it is.
    /// When some door opens by message, a text that opens none is a wrong code like a wrong
    /// DTMF code (a door's message is a pass phrase, and guesses must count); when none does,
    /// a MESSAGE is no door attempt at all.
    mutating func message(_ text: String, caller: String, now: NIODeadline) -> DoorDecision {
        guard doors.contains(where: { $0.message != nil }) else { return .none }
        if isLockedOut(caller, now: now) { return .ignoredLockedOut }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let door = doors.first(where: { $0.message != nil && $0.message == trimmed }) else { return wrong(caller, now: now) }
        return .open(door: door.name)
    }

    /// Forgets a call's partial entry (the call ended); one as long as the shortest code counts
    /// as a wrong code (the decision says), so that hanging up does not make guesses free.
    mutating func callEnded(_ callID: String, now: NIODeadline) -> DoorDecision {
        guard let entry = entries.removeValue(forKey: callID), !isLockedOut(entry.caller, now: now) else { return .none }
        return giveUp(entry.digits, caller: entry.caller, now: now) ?? .none
    }

    private func door(for digits: String, caller: String) -> String? {
        for door in doors {
            for code in door.codes where code.code == digits {
                if code.callers.isEmpty || code.callers.contains(where: { $0.matches(caller) }) { return door.name }
            }
        }
        return nil
    }

    /// Callers with wrong codes or a lockout on record (expired ones included until the next
    /// prune).
    var trackedCallers: Int { wrongCodes.count + lockedUntil.count }

    /// Above this many callers on record, ``prune(now:)`` runs before the next is added.
    static let pruneAbove = 256

    /// Forgets wrong codes older than the window and lockouts that have ended: a caller whose
    /// From changes with every call (no digest challenge asks who it is) would otherwise add an
    /// entry per call for as long as the agent runs.
    mutating func prune(now: NIODeadline) {
        let window = TimeAmount.seconds(Int64(lockout.windowSeconds))
        wrongCodes = wrongCodes.filter { _, times in times.contains { now - $0 < window } }
        lockedUntil = lockedUntil.filter { _, until in now < until }
    }

    private mutating func wrong(_ caller: String, now: NIODeadline) -> DoorDecision {
        if trackedCallers > Self.pruneAbove { prune(now: now) }
        let window = TimeAmount.seconds(Int64(lockout.windowSeconds))
        var times = (wrongCodes[caller] ?? []).filter { now - $0 < window }
        times.append(now)
        if times.count >= lockout.maxWrongCodes {
            wrongCodes[caller] = nil
            let until = now + .seconds(Int64(lockout.lockoutSeconds))
            lockedUntil[caller] = until
            return .lockedOut(until: until)
        }
        wrongCodes[caller] = times
        return .wrongCode(count: times.count)
    }
}
