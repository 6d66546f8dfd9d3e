import Foundation
import Logging
import Synchronization

/// A button input on a named pipe: every line written to the FIFO (`echo > /run/intercom/bell`)
/// is one press. The FIFO is created when missing and opened read-write, so that it stays open
/// between writers; a thread of its own blocks in `read` and hands presses to the agent.
final class ButtonFIFO: ButtonSource, @unchecked Sendable {
    let path: String
    private let descriptor: Int32
    private let thread: Thread
    private let stopping = StopFlag()

    /// Opens (and if needed creates) the FIFO at `path`; `press` runs on the reading thread.
    init(path: String, logger: Logger, press: @escaping @Sendable () -> Void) throws {
        var info = stat()
        if stat(path, &info) != 0 {
            guard mkfifo(path, 0o620) == 0 else {
                throw AgentError("buttons: cannot create the FIFO \(path): \(String(cString: strerror(errno)))")
            }
        } else if (info.st_mode & S_IFMT) != S_IFIFO {
            throw AgentError("buttons: \(path) exists and is not a FIFO")
        }
        let descriptor = open(path, O_RDWR | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw AgentError("buttons: cannot open the FIFO \(path): \(String(cString: strerror(errno)))")
        }
        self.path = path
        self.descriptor = descriptor
        let stopping = self.stopping
        thread = Thread {
            var buffer = [UInt8](repeating: 0, count: 256)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                guard count > 0, !stopping.value.load(ordering: .acquiring) else { break }
                for byte in buffer[0..<count] where byte == UInt8(ascii: "\n") { press() }
            }
            Glibc.close(descriptor)
        }
        thread.name = "button \(path)"
        thread.start()
        logger.info("button input: lines written to \(path) press it")
    }

    /// Stops reading: the reading thread is woken by a byte this call writes into the FIFO,
    /// sees the flag and closes the descriptor.
    func close() {
        stopping.value.store(true, ordering: .releasing)
        var wake: UInt8 = 0
        _ = write(descriptor, &wake, 1)
    }
}

/// A flag one thread sets and another reads.
final class StopFlag: Sendable {
    let value = Atomic<Bool>(false)
}
