import Foundation
import NIOCore
import Testing

@testable import Intercom

@Suite("LockoutStore: lockouts survive a restart")
struct LockoutStoreTests {
    func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("lockouts-\(UUID().uuidString).json").path
    }

    @Test("saved lockouts load with the time they have left; expired ones are gone; a missing file is empty")
    func roundTrip() throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = LockoutStore(path: path)
        #expect(try store.load(now: Date()).isEmpty)
        let saved = Date(timeIntervalSince1970: 1_800_000_000)
        try store.save(["sip:eve@example.com": 900, "sip:mallory@example.com": 60], now: saved)
        // Restarted 100 s later: Eve has 800 s left, Mallory's lockout ran out while it was down.
        let loaded = try store.load(now: saved.addingTimeInterval(100))
        #expect(loaded.keys.sorted() == ["sip:eve@example.com"])
        #expect(abs((loaded["sip:eve@example.com"] ?? 0) - 800) < 0.001)
    }

    @Test("a file that is not ours throws (the agent logs it and starts without)")
    func corrupt() throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data("{\"callers\": [1, 2]}".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: (any Error).self) { try LockoutStore(path: path).load(now: Date()) }
    }

    @Test("the door controller's lockouts go out and come back into a new controller")
    func controller() throws {
        var lockout = LockoutConfiguration()
        lockout.maxWrongCodes = 2
        lockout.lockoutSeconds = 600
        var door = DoorConfiguration(name: "front", action: .command(["/bin/true"]))
        door.codes = [DoorCode(code: "1234", callers: [])]
        var controller = DoorController(doors: [door], lockout: lockout)
        let start = NIODeadline.uptimeNanoseconds(1_000_000_000)
        for digit in "9999#8888#" { _ = controller.digit(digit, callID: "c1", caller: "sip:eve@x", now: start) }
        #expect(controller.isLockedOut("sip:eve@x", now: start))
        let kept = controller.lockouts(now: start + .seconds(100))
        #expect(abs((kept["sip:eve@x"] ?? 0) - 500) < 0.001)

        var restarted = DoorController(doors: [door], lockout: lockout)
        let later = NIODeadline.uptimeNanoseconds(50_000_000_000)
        for (caller, seconds) in kept { restarted.restoreLockout(caller, seconds: seconds, now: later) }
        #expect(restarted.isLockedOut("sip:eve@x", now: later + .seconds(499)))
        #expect(!restarted.isLockedOut("sip:eve@x", now: later + .seconds(501)))
        #expect(restarted.digit("1", callID: "c2", caller: "sip:eve@x", now: later) == .ignoredLockedOut)
    }
}
