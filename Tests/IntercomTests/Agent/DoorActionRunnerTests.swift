import Foundation
@testable import Intercom
import Testing

/// Door commands: run without a shell with the caller in the environment, failures named.
@Suite struct DoorActionRunnerTests {
    @Test func aCommandGetsTheCallerInItsEnvironmentAndNoShell() async throws {
        let path = NSTemporaryDirectory() + "door-env-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: path) }
        // A configuration that wants a shell names it itself; the caller's text (with a `;`)
        // only ever arrives as an environment variable, never in the command line.
        let failure = await DoorActionRunner.run(
            .command(["/bin/sh", "-c", "env > \"$0\"", path]), door: "front", caller: "sip:alice@example.com; rm -rf /",
            source: "127.0.0.1:5060", trigger: "dtmf")
        #expect(failure == nil)
        let environment = try String(contentsOfFile: path, encoding: .utf8)
        #expect(environment.contains("INTERCOM_DOOR=front"))
        #expect(environment.contains("INTERCOM_CALLER=sip:alice@example.com; rm -rf /"))
        #expect(environment.contains("INTERCOM_TRIGGER=dtmf"))
        #expect(environment.contains("INTERCOM_SOURCE=127.0.0.1:5060"))
    }

    @Test func aFailingCommandIsReportedWithItsStatus() async {
        let failure = await DoorActionRunner.run(.command(["/bin/false"]), door: "front", caller: "c", source: "s", trigger: "t")
        #expect(failure == "/bin/false exited with status 1")
    }

    @Test func aRelativeOrMissingProgramIsRefused() async {
        let relative = await DoorActionRunner.run(.command(["touch", "/tmp/x"]), door: "d", caller: "c", source: "s", trigger: "t")
        #expect(relative == "the command needs an absolute program path")
        let missing = await DoorActionRunner.run(.command(["/nonexistent/open-door"]), door: "d", caller: "c", source: "s", trigger: "t")
        #expect(missing?.hasPrefix("/nonexistent/open-door did not start") == true)
    }

    @Test func aGPIOActionOnAChipThatIsNotThereSaysSo() async {
        // This machine has no GPIO chip: the request fails, named, and nothing pretends to open.
        let failure = await DoorActionRunner.run(
            .gpio(chip: "gpiochip97", line: 17, pulseMs: 500, activeLow: false), door: "d", caller: "c", source: "s", trigger: "t")
        #expect(failure == "GPIO /dev/gpiochip97 line 17: no such GPIO chip (the chips are /dev/gpiochip*; gpiodetect lists them)")
    }
}
