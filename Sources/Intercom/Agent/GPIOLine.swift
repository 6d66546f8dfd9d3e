import CGPIO
import Glibc

/// A GPIO line of a chip of the kernel's GPIO character device (`/dev/gpiochipN`, through the
/// `CGPIO` shim): pulses door outputs, and names what went wrong in words a person wiring a
/// board can act on.
enum GPIOLine {
    /// The device of `chip` as configured: `gpiochip0`, `0`, or a path (`/dev/gpiochip0`).
    static func devicePath(_ chip: String) -> String {
        if chip.contains("/") { return chip }
        if let number = Int(chip), number >= 0 { return "/dev/gpiochip\(number)" }
        return "/dev/" + chip
    }

    /// Why a request on `line` of `path` failed with `error` (an errno value).
    static func reason(_ error: Int32, path: String, line: Int) -> String {
        let what = "GPIO \(path) line \(line)"
        switch error {
        case ENOENT: return "\(what): no such GPIO chip (the chips are /dev/gpiochip*; gpiodetect lists them)"
        case EACCES, EPERM: return "\(what): permission denied (the user needs read-write access to \(path), e.g. the gpio group)"
        case EBUSY: return "\(what): the line is in use by another program or driver"
        case ENOTTY: return "\(what): not a GPIO chip, or a kernel without the GPIO character device v2 (Linux 5.10 or later)"
        case EINVAL: return "\(what): the chip refused the request (no such line, or a setting it does not support)"
        default: return "\(what): \(String(cString: strerror(error)))"
        }
    }

    /// Drives `line` active for `milliseconds`, then inactive, then releases it; nil when done,
    /// else why not. The line is set inactive even when the task is cancelled meanwhile, so a
    /// door strike is never left energised by a shutdown.
    static func pulse(chip: String, line: Int, milliseconds: Int, activeLow: Bool) async -> String? {
        let path = devicePath(chip)
        guard let offset = UInt32(exactly: line) else { return "GPIO \(path) line \(line): not a line number" }
        let descriptor = cgpio_request_output(path, offset, activeLow ? 1 : 0, 1, "intercom door")
        guard descriptor >= 0 else { return reason(-descriptor, path: path, line: line) }
        defer { close(descriptor) }
        try? await Task.sleep(for: .milliseconds(max(milliseconds, 0)))
        var result = cgpio_set_value(descriptor, 0)
        if result < 0 { result = cgpio_set_value(descriptor, 0) }
        guard result == 0 else {
            return "\(reason(-result, path: path, line: line)); setting it inactive failed after the pulse"
        }
        return nil
    }
}
