import Glibc

/// Writes diagnostics to standard error (warnings, errors, usage after a mistake).
///
/// Goes straight to file descriptor 2 with `write(2)`, unbuffered, so that a message is out
/// before the process replaces itself with `execv` or exits. Standard output uses `print`.
enum Console {
    /// Writes `text` and a newline to standard error.
    static func error(_ text: String) {
        var line = text
        line.append("\n")
        line.withUTF8 { utf8 in
            var remaining = UnsafeRawBufferPointer(utf8)
            while !remaining.isEmpty {
                let written = Glibc.write(2, remaining.baseAddress, remaining.count)
                if written < 0 {
                    if errno == EINTR { continue }
                    return
                }
                remaining = UnsafeRawBufferPointer(rebasing: remaining[written...])
            }
        }
    }

    /// The text of the current `errno` (for messages after a failed system call).
    static func errnoDescription(_ code: Int32 = errno) -> String {
        guard let text = strerror(code) else { return "errno \(code)" }
        return String(cString: text)
    }
}
