import Foundation
import Logging
import Synchronization
import Testing

@testable import Intercom

/// GPIO buttons and door outputs. This machine's kernel has no GPIO chip (and no gpio-sim), so
/// what runs here is the edge logic, the naming of chips, and every failure a request can meet
/// before a chip answers; pressing a real line is for a board.
@Suite struct GPIOTests {
    @Test("chips are named as gpiodetect shows them, by number, or by path")
    func devicePaths() {
        #expect(GPIOLine.devicePath("gpiochip0") == "/dev/gpiochip0")
        #expect(GPIOLine.devicePath("4") == "/dev/gpiochip4")
        #expect(GPIOLine.devicePath("/dev/gpiochip2") == "/dev/gpiochip2")
        #expect(GPIOLine.devicePath("/dev/gpio/by-name/header") == "/dev/gpio/by-name/header")
    }

    @Test("a device that is not a GPIO chip is refused by the kernel and named as such")
    func notAChip() async {
        let failure = await GPIOLine.pulse(chip: "/dev/null", line: 3, milliseconds: 10, activeLow: false)
        #expect(failure == "GPIO /dev/null line 3: not a GPIO chip, or a kernel without the GPIO character device v2 (Linux 5.10 or later)")
    }

    @Test("a negative line is refused before any request")
    func negativeLine() async {
        let failure = await GPIOLine.pulse(chip: "gpiochip0", line: -1, milliseconds: 10, activeLow: false)
        #expect(failure == "GPIO /dev/gpiochip0 line -1: not a line number")
    }

    @Test("errors are named in words a person wiring a board can act on")
    func reasons() {
        #expect(GPIOLine.reason(EBUSY, path: "/dev/gpiochip0", line: 17) == "GPIO /dev/gpiochip0 line 17: the line is in use by another program or driver")
        #expect(GPIOLine.reason(EACCES, path: "/dev/gpiochip0", line: 17).contains("permission denied"))
        #expect(GPIOLine.reason(EINVAL, path: "/dev/gpiochip0", line: 99).contains("no such line"))
        #expect(GPIOLine.reason(EIO, path: "/dev/gpiochip0", line: 1) == "GPIO /dev/gpiochip0 line 1: Input/output error")
    }

    @Test("a button on a chip that is not there fails to open, naming chip and line")
    func buttonOnAMissingChip() {
        #expect {
            _ = try ButtonGPIO(chip: "gpiochip97", line: 5, activeLow: true, logger: Logger(label: "test")) {}
        } throws: { error in
            "\(error)".contains("GPIO /dev/gpiochip97 line 5: no such GPIO chip")
        }
    }

    /// The presses `filter` makes of the readings `(active, at ms)`, in order.
    static func presses(_ filter: inout ButtonEdgeFilter, _ readings: [(Bool, UInt64)]) -> [Bool] {
        readings.map { filter.update(active: $0.0, at: $0.1 * 1_000_000) }
    }

    @Test("one press per push: on becoming active, not on release, not for a bounce")
    func edges() {
        var filter = ButtonEdgeFilter(active: false, holdOffNanoseconds: 200_000_000)
        let presses = Self.presses(&filter, [
            (true, 1_000),  // pressed
            (false, 1_005),  // released
            (true, 1_010),  // a bounce 10 ms after the press
            (false, 1_012),
            (false, 1_100),  // two inactive readings are no edge
            (true, 1_300),  // pressed again after the hold-off
            (true, 1_900),  // still held
            (false, 2_000),
            (true, 2_500),
        ])
        #expect(presses == [true, false, false, false, false, true, false, false, true])
    }

    @Test("a button already held when the input opens is not a press until it is pushed again")
    func heldAtStart() {
        var filter = ButtonEdgeFilter(active: true, holdOffNanoseconds: 200_000_000)
        // The first press after the start has no hold-off to wait for.
        #expect(Self.presses(&filter, [(true, 1), (false, 2), (true, 3)]) == [false, false, true])
    }

    /// A line stand-in: a pipe whose read end the button watches; each byte written is one
    /// edge event, and its value (0 or 1) the level after it.
    final class FakeLine: Sendable {
        let read: Int32, write: Int32
        init() throws {
            var ends: [Int32] = [0, 0]
            guard pipe(&ends) == 0 else { throw CocoaError(.fileWriteUnknown) }
            (read, write) = (ends[0], ends[1])
        }
        func edge(to level: UInt8) {
            var byte = level
            _ = Glibc.write(write, &byte, 1)
        }
        static func nextLevel(_ descriptor: Int32) -> Int32 {
            var byte: UInt8 = 0
            return Glibc.read(descriptor, &byte, 1) == 1 ? Int32(byte) : -EIO
        }
    }

    @Test("the reading thread: one press per push, and close() returns once it has released the line")
    func readingThread() async throws {
        let line = try FakeLine()
        defer { Glibc.close(line.write) }
        let presses = Atomic<Int>(0)
        let released = Atomic<Bool>(false)
        let button = try ButtonGPIO(
            descriptor: line.read, name: "fake line", logger: Logger(label: "test"), level: { _ in 0 },
            nextLevel: FakeLine.nextLevel,
            release: { descriptor in
                // Slow, so that a close() that did not wait would return before it.
                usleep(50_000)
                Glibc.close(descriptor)
                released.store(true, ordering: .releasing)
            },
            press: { presses.add(1, ordering: .relaxed) })
        line.edge(to: 1)
        line.edge(to: 0)
        for _ in 0..<200 where presses.load(ordering: .relaxed) < 1 { try await Task.sleep(for: .milliseconds(5)) }
        #expect(presses.load(ordering: .relaxed) == 1, "one push, one press")

        // close() waits for the thread to release the line (a reload may request it again at
        // once), and no longer than that: the thread saw the wake-up.
        let elapsed = ContinuousClock().measure { button.close() }
        let releasedBeforeReturn = released.load(ordering: .acquiring)
        #expect(releasedBeforeReturn, "the line was released before close() returned")
        #expect(elapsed < .milliseconds(500), "close took \(elapsed)")
    }

    @Test("a line that fails ends the thread (the reason logged); close() returns at once")
    func failingLine() throws {
        let line = try FakeLine()
        defer { Glibc.close(line.write) }
        let button = try ButtonGPIO(
            descriptor: line.read, name: "fake line", logger: Logger(label: "test"), level: { _ in 0 },
            nextLevel: { _ in -EIO }, press: {})
        line.edge(to: 1)
        let elapsed = ContinuousClock().measure { button.close() }
        #expect(elapsed < .milliseconds(500), "close took \(elapsed)")
    }
}
