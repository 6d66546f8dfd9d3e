import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A pseudo-terminal whose slave side stands in for a sound card's data path: the ALSA `file`
/// plugin writes a PCM's frames to the slave's path, a thread here reads them from the master
/// and counts them, and ``hangUp()`` closes the master, after which every write to the slave
/// fails with EIO, as a USB sound card that was pulled out does. A real kernel error through
/// ALSA's own plugin, not an injected one.
final class PseudoTerminal: Sendable {
    /// The slave's path (`/dev/pts/N`).
    let path: String
    private let master: Int32
    private let state = Mutex<(bytes: Int, stopping: Bool, stopped: Bool)>((0, false, false))

    init() throws {
        // posix_openpt, unlockpt and ptsname, which the Glibc module does not export: the
        // Linux ioctls behind them (TIOCSPTLCK = _IOW('T', 0x31, int), TIOCGPTN =
        // _IOR('T', 0x30, unsigned int), the same on every Linux architecture Swift runs on).
        let master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
        guard master >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        var unlock: Int32 = 0
        var number: UInt32 = 0
        guard ioctl(master, 0x4004_5431, &unlock) == 0, ioctl(master, 0x8004_5430, &number) == 0 else {
            close(master)
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
        let path = "/dev/pts/\(number)"
        // Raw mode, so that the line discipline passes the frames through unchanged.
        let slave = open(path, O_RDWR | O_NOCTTY)
        if slave >= 0 {
            var settings = termios()
            if tcgetattr(slave, &settings) == 0 {
                cfmakeraw(&settings)
                _ = tcsetattr(slave, TCSANOW, &settings)
            }
            close(slave)
        }
        self.master = master
        self.path = path
        let thread = Thread { [self] in drain() }
        thread.start()
    }

    /// Bytes read from the master so far: what the slave's writer sent.
    var bytesRead: Int { state.withLock { $0.bytes } }

    /// Closes the master: the terminal hangs up, and writes to the slave fail from then on.
    func hangUp() async {
        state.withLock { $0.stopping = true }
        // The reading thread closes the master itself once its read returns (a descriptor
        // closed under a blocked read would keep the terminal open).
        while !state.withLock({ $0.stopped }) { try? await Task.sleep(for: .milliseconds(10)) }
    }

    private func drain() {
        var buffer = [UInt8](repeating: 0, count: 4_096)
        while !state.withLock({ $0.stopping }) {
            var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 50) >= 0 else { break }
            guard descriptor.revents & Int16(POLLIN) != 0 else { continue }
            let count = buffer.withUnsafeMutableBytes { read(master, $0.baseAddress, $0.count) }
            if count > 0 { state.withLock { $0.bytes += count } }
        }
        close(master)
        state.withLock { $0.stopped = true }
    }

    deinit {
        state.withLock { $0.stopping = true }
    }
}
