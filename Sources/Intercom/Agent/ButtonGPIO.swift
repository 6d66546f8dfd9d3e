import CGPIO
import Foundation
import Logging
import Synchronization

/// Something that presses a button until it is closed: a FIFO or a GPIO line.
protocol ButtonSource: AnyObject, Sendable {
    /// Stops it; no press comes afterwards. Once.
    func close()
}

/// A button on a GPIO input line (`/dev/gpiochipN` through `CGPIO`): each time the line
/// becomes active is one press. The kernel reports both edges, debounced for
/// ``kernelDebounceMicroseconds`` where the chip allows it; after each edge the line's
/// logical level is read (active-low lines are inverted by the kernel) and
/// ``ButtonEdgeFilter`` keeps one press per push. A thread of its own waits in `poll` on the
/// line and on a pipe that ``close()`` writes to.
final class ButtonGPIO: ButtonSource, @unchecked Sendable {
    /// The kernel's debounce period asked for.
    static let kernelDebounceMicroseconds: UInt32 = 10_000
    /// The shortest time between two presses.
    static let holdOffNanoseconds: UInt64 = 200_000_000

    private let wakeWrite: Int32
    private let thread: Thread
    private let stopping = StopFlag()
    /// Signalled by the thread once it has released the line.
    private let released = DispatchSemaphore(value: 0)

    /// Requests the line; `press` runs on the reading thread.
    ///
    /// - Throws: ``AgentError`` naming the chip, the line and what to do about it.
    convenience init(chip: String, line: Int, activeLow: Bool, logger: Logger, press: @escaping @Sendable () -> Void) throws {
        let path = GPIOLine.devicePath(chip)
        guard let offset = UInt32(exactly: line) else { throw AgentError("buttons: GPIO \(path) line \(line): not a line number") }
        var requested = cgpio_request_input(path, offset, activeLow ? 1 : 0, Self.kernelDebounceMicroseconds, "intercom button")
        var debounce = "debounced \(Self.kernelDebounceMicroseconds / 1_000) ms by the kernel"
        if requested == -EINVAL {
            // A chip (or kernel) that cannot debounce: the hold-off alone.
            requested = cgpio_request_input(path, offset, activeLow ? 1 : 0, 0, "intercom button")
            debounce = "not debounced by the chip"
        }
        let descriptor = requested
        guard descriptor >= 0 else { throw AgentError("buttons: \(GPIOLine.reason(-descriptor, path: path, line: line))") }
        try self.init(
            descriptor: descriptor, name: "GPIO \(path) line \(line)", logger: logger,
            level: { cgpio_get_value($0) },
            nextLevel: { descriptor in
                let event = cgpio_read_event(descriptor)
                return event > 0 ? cgpio_get_value(descriptor) : event
            },
            press: press)
        logger.info("button input: GPIO \(path) line \(line) (\(activeLow ? "active low" : "active high"), \(debounce)) presses it")
    }

    /// Watches `descriptor` (a requested line, owned from here on): `level` reads its logical
    /// level (0 or 1, or -errno) at start, `nextLevel` consumes one pending edge event and reads
    /// the level after it, `release` closes it when the thread ends. Tests pass a pipe and
    /// closures of their own.
    init(
        descriptor: Int32, name: String, logger: Logger, level: @escaping @Sendable (Int32) -> Int32,
        nextLevel: @escaping @Sendable (Int32) -> Int32, release: @escaping @Sendable (Int32) -> Void = { _ = Glibc.close($0) },
        press: @escaping @Sendable () -> Void
    ) throws {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else {
            release(descriptor)
            throw AgentError("buttons: \(name): cannot make a pipe: \(String(cString: strerror(errno)))")
        }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        let (wakeRead, wakeWrite) = (ends[0], ends[1])
        self.wakeWrite = wakeWrite
        let startLevel = level(descriptor)
        let stopping = self.stopping
        let released = self.released
        thread = Thread {
            var polls = [pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0), pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
            var failure: String?
            // A button held down at start is not a press.
            var filter = ButtonEdgeFilter(active: startLevel == 1, holdOffNanoseconds: Self.holdOffNanoseconds)
            while !stopping.value.load(ordering: .acquiring) {
                if poll(&polls, 2, -1) < 0 {
                    if errno == EINTR { continue }
                    failure = "poll: \(String(cString: strerror(errno)))"
                    break
                }
                if polls[1].revents != 0 { break }
                guard polls[0].revents & Int16(POLLIN) != 0 else {
                    failure = "the line reported an error (revents \(polls[0].revents))"
                    break
                }
                let level = nextLevel(descriptor)
                guard level >= 0 else {
                    failure = String(cString: strerror(-level))
                    break
                }
                if filter.update(active: level == 1, at: Self.monotonicNanoseconds()) { press() }
            }
            if let failure, !stopping.value.load(ordering: .acquiring) {
                logger.error("button input \(name) stopped: \(failure)")
            }
            release(descriptor)
            Glibc.close(wakeRead)
            released.signal()
        }
        thread.name = "button \(name)"
        thread.start()
    }

    /// Stops reading and waits (a few microseconds, at most a second) until the thread has
    /// released the line: a reload that opens the same line again right after would find it
    /// still held (EBUSY).
    func close() {
        stopping.value.store(true, ordering: .releasing)
        var wake: UInt8 = 0
        _ = write(wakeWrite, &wake, 1)
        _ = released.wait(timeout: .now() + .seconds(1))
        Glibc.close(wakeWrite)
    }

    /// CLOCK_MONOTONIC, through Dispatch.
    private static func monotonicNanoseconds() -> UInt64 {
        DispatchTime.now().uptimeNanoseconds
    }
}
