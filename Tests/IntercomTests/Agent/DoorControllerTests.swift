@testable import Intercom
import NIOCore
import SIPStack
import Testing

/// The door logic on virtual time: codes per caller and global, submit and clear keys, wrong
/// codes counted in a window, lockout and its end, MESSAGE triggers, and reconfiguration that
/// keeps lockouts.
@Suite struct DoorControllerTests {
    static let alice = "sip:alice@example.com"
    static let mallory = "sip:mallory@example.com"

    static func controller() -> DoorController {
        var front = DoorConfiguration(name: "front", action: .command(["/bin/true"]))
        front.codes = [DoorCode(code: "1234"), DoorCode(code: "77", callers: ["sip:alice@*"])]
        front.message = "open front"
        var lockout = LockoutConfiguration()
        lockout.maxWrongCodes = 3
        lockout.windowSeconds = 60
        lockout.lockoutSeconds = 300
        return DoorController(doors: [front], lockout: lockout)
    }

    static let start = NIODeadline.uptimeNanoseconds(1_000_000_000_000)

    func key(_ digits: String, _ controller: inout DoorController, caller: String = alice, at time: NIODeadline = start) -> [DoorController.DoorDecision] {
        digits.map { controller.digit($0, callID: "c1", caller: caller, now: time) }
    }

    @Test func aGlobalCodeOpensForAnyone() {
        var doors = Self.controller()
        #expect(key("1234", &doors, caller: Self.mallory) == [.pending, .pending, .pending, .open(door: "front")])
    }

    @Test func aCallerCodeOpensOnlyForThatCaller() {
        var doors = Self.controller()
        #expect(key("77", &doors) == [.pending, .open(door: "front")])
        var others = Self.controller()
        #expect(key("77", &others, caller: Self.mallory).last == .pending)
        #expect(key("##", &others, caller: Self.mallory) == [.wrongCode(count: 1), .none])
    }

    @Test func starClearsAndHashSubmits() {
        var doors = Self.controller()
        // "1*": shorter than the shortest code (2), nothing was tried.
        #expect(key("1*", &doors) == [.pending, .none])
        // "12*": every 2-digit code was tried, and failed: a wrong code.
        #expect(key("12*1234", &doors) == [.pending, .pending, .wrongCode(count: 1), .pending, .pending, .pending, .open(door: "front")])
        #expect(key("12#", &doors).last == .wrongCode(count: 2))
    }

    @Test func guessingTheShortCodeWithStarCountsAndLocksOut() {
        var doors = Self.controller()
        // "77" is alice's 2-digit code beside the 4-digit "1234": mallory tries 2-digit codes,
        // clearing each with "*".
        let decisions = (0..<5).map { guess in key((guess < 10 ? "0" : "") + "\(guess)*", &doors, caller: Self.mallory).last }
        #expect(decisions == [.wrongCode(count: 1), .wrongCode(count: 2), .lockedOut(until: Self.start + .seconds(300)), .ignoredLockedOut, .ignoredLockedOut])
    }

    @Test func anEntryLeftWhenTheCallEndsCountsOnceItIsAsLongAsTheShortestCode() {
        var doors = Self.controller()
        _ = key("7", &doors)
        #expect(doors.callEnded("c1", now: Self.start) == .none)
        _ = key("78", &doors)
        #expect(doors.callEnded("c1", now: Self.start) == .wrongCode(count: 1))
        #expect(doors.callEnded("c1", now: Self.start) == .none)
    }

    @Test func aRunAsLongAsTheLongestCodeThatMatchesNothingIsWrong() {
        var doors = Self.controller()
        #expect(key("9999", &doors) == [.pending, .pending, .pending, .wrongCode(count: 1)])
    }

    @Test func threeWrongCodesInTheWindowLockTheCallerOutUntilItEnds() {
        var doors = Self.controller()
        _ = key("9999", &doors)
        _ = key("9999", &doors, at: Self.start + .seconds(10))
        let third = key("9999", &doors, at: Self.start + .seconds(20)).last
        #expect(third == .lockedOut(until: Self.start + .seconds(320)))
        #expect(key("1234", &doors, at: Self.start + .seconds(319)).allSatisfy { $0 == .ignoredLockedOut })
        #expect(doors.message("open front", caller: Self.alice, now: Self.start + .seconds(100)) == .ignoredLockedOut)
        #expect(doors.lockedOutCount(now: Self.start + .seconds(100)) == 1)
        #expect(key("1234", &doors, at: Self.start + .seconds(321)).last == .open(door: "front"))
        // Another caller was never locked out.
        #expect(key("1234", &doors, caller: Self.mallory, at: Self.start + .seconds(30)).last == .open(door: "front"))
    }

    @Test func wrongCodesOutsideTheWindowDoNotAddUp() {
        var doors = Self.controller()
        _ = key("9999", &doors)
        _ = key("9999", &doors, at: Self.start + .seconds(50))
        #expect(key("9999", &doors, at: Self.start + .seconds(70)).last == .wrongCode(count: 2))
    }

    @Test func callersWhoseWrongCodesAndLockoutsHaveRunOutAreForgotten() {
        var doors = Self.controller()
        // 5,000 callers, each with one wrong code, a minute and more apart: the record stays
        // near the prune threshold instead of growing with every caller.
        for index in 0..<5_000 {
            let at = Self.start + .seconds(Int64(index) * 61)
            #expect(key("9999", &doors, caller: "sip:rotating-\(index)@example.com", at: at).last == .wrongCode(count: 1))
        }
        #expect(doors.trackedCallers <= DoorController.pruneAbove + 1)
        // Within the window nothing is forgotten: the counts and a lockout still hold.
        var busy = Self.controller()
        let late = Self.start + .seconds(1_000)
        for index in 0..<300 { _ = key("9999", &busy, caller: "sip:caller-\(index)@example.com", at: late) }
        _ = key("9999", &busy, caller: Self.mallory, at: late)
        _ = key("9999", &busy, caller: Self.mallory, at: late + .seconds(1))
        #expect(key("9999", &busy, caller: Self.mallory, at: late + .seconds(2)).last == .lockedOut(until: late + .seconds(302)))
        #expect(busy.trackedCallers == 301)
        #expect(busy.isLockedOut(Self.mallory, now: late + .seconds(301)))
    }

    @Test func digitsFarApartStartANewEntry() {
        var doors = Self.controller()
        _ = key("12", &doors)
        // "12" was left to time out: a wrong code (it is as long as the shortest code), and
        // "34" starts a new entry.
        #expect(key("34", &doors, at: Self.start + .seconds(6)) == [.wrongCode(count: 1), .pending])
        _ = key("1", &doors, at: Self.start + .seconds(20))
        #expect(key("2", &doors, at: Self.start + .seconds(26)) == [.pending])
    }

    @Test func aMessageOpensItsDoor() {
        var doors = Self.controller()
        #expect(doors.message(" open front\r\n", caller: Self.alice, now: Self.start) == .open(door: "front"))
    }

    @Test func wrongMessagesCountAsWrongCodesAndLockTheCallerOut() {
        var doors = Self.controller()
        #expect(doors.message("open back", caller: Self.mallory, now: Self.start) == .wrongCode(count: 1))
        // DTMF and MESSAGE guesses add up in one window.
        #expect(key("9999", &doors, caller: Self.mallory, at: Self.start + .seconds(1)).last == .wrongCode(count: 2))
        #expect(doors.message("open sesame", caller: Self.mallory, now: Self.start + .seconds(2)) == .lockedOut(until: Self.start + .seconds(302)))
        #expect(doors.message("open front", caller: Self.mallory, now: Self.start + .seconds(3)) == .ignoredLockedOut)
        #expect(doors.message("open front", caller: Self.alice, now: Self.start + .seconds(3)) == .open(door: "front"))
    }

    @Test func withNoDoorOpenedByMessageAMessageIsNoAttempt() {
        var front = DoorConfiguration(name: "front", action: .command(["/bin/true"]))
        front.codes = [DoorCode(code: "1234")]
        var doors = DoorController(doors: [front], lockout: LockoutConfiguration())
        for second in 0..<10 {
            #expect(doors.message("hello, is anyone in?", caller: Self.alice, now: Self.start + .seconds(Int64(second))) == .none)
        }
        #expect(!doors.isLockedOut(Self.alice, now: Self.start + .seconds(10)))
    }

    @Test func reconfiguringKeepsLockouts() {
        var doors = Self.controller()
        for second in 0..<3 { _ = key("9999", &doors, at: Self.start + .seconds(Int64(second))) }
        doors.reconfigure(doors: [DoorConfiguration(name: "back", action: .command(["/bin/true"]))], lockout: LockoutConfiguration())
        #expect(doors.isLockedOut(Self.alice, now: Self.start + .seconds(10)))
    }
}

/// Allow-list matchers: URI patterns and CIDR blocks.
@Suite struct CallerPolicyTests {
    @Test(arguments: [
        ("sip:*@pbx.example.com", "sip:alice@pbx.example.com", true),
        ("sip:*@pbx.example.com", "sip:alice@evil.example.com", false),
        ("sip:*@pbx.example.com", "sip:alice@pbx.example.com.evil", false),
        ("alice@*", "sip:alice@10.0.0.1", true),
        ("alice@*", "sips:alice@host", true),
        ("alice@*", "sip:malice@host", false),
        ("SIP:Alice@Example.COM", "sip:alice@example.com", true),
        ("sip:*", "tel:+123", false),
        ("*", "tel:+123", true),
        ("sip:a*b*c@x", "sip:aXXbYYc@x", true),
        ("sip:a*b*c@x", "sip:acb@x", false),
    ])
    func uriPatterns(pattern: String, uri: String, matches: Bool) {
        #expect(URIPattern(pattern).matches(uri) == matches)
    }

    @Test(arguments: [
        ("192.168.1.0/24", "192.168.1.77", true),
        ("192.168.1.0/24", "192.168.2.1", false),
        ("10.0.0.0/8", "10.255.0.1", true),
        ("127.0.0.1", "127.0.0.1", true),
        ("127.0.0.1", "127.0.0.2", false),
        ("0.0.0.0/0", "203.0.113.9", true),
        ("fd00::/8", "fd12::1", true),
        ("fd00::/8", "fe80::1", false),
        ("::1/128", "::1", true),
        ("192.168.1.0/24", "::ffff:192.168.1.5", true),
        ("192.168.1.0/25", "192.168.1.200", false),
    ])
    func networks(block: String, address: String, contains: Bool) throws {
        let network = try #require(NetworkBlock(block))
        #expect(network.contains(try SocketAddress(ipAddress: address, port: 5060)) == contains)
    }

    @Test(arguments: ["", "300.1.1.1", "10.0.0.0/33", "fd00::/129", "host.example/8", "10.0.0.0/-1"])
    func badBlocksAreRefused(text: String) {
        #expect(NetworkBlock(text) == nil)
    }

    @Test func withoutAnAllowListEveryoneIsAllowed() throws {
        let source = try SocketAddress(ipAddress: "203.0.113.1", port: 5060)
        #expect(CallerPolicy(nil).allows(uri: "sip:anyone@anywhere", source: source))
        var list = AllowList()
        list.networks = ["10.0.0.0/8"]
        #expect(!CallerPolicy(list).allows(uri: "sip:anyone@anywhere", source: source))
    }
}

/// SIP INFO DTMF bodies.
@Suite struct DTMFRelayTests {
    @Test(arguments: [
        ("application/dtmf-relay", "Signal=5\r\nDuration=160\r\n", ["5"]),
        ("application/dtmf-relay", "signal = #\r\n", ["#"]),
        ("application/dtmf-relay", "Signal=55\r\n", []),
        ("application/dtmf-relay", "Duration=160\r\n", []),
        ("application/dtmf", "7", ["7"]),
        ("text/plain", "Signal=5", []),
    ] as [(String, String, [Character])])
    func digits(type: String, body: String, expected: [Character]) {
        #expect(IntercomAgent.dtmfRelayDigits(SIPBody(contentType: type, body)) == expected)
    }
}
