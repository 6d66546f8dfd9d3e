/// Drives a GPIO output line. This build has no libgpiod binding yet: a pulse fails with a
/// reason naming that, so a door configured with a GPIO action reports every attempt as
/// failed in the log, the metrics and the control interface instead of pretending to open.
enum GPIOLine {
    static func pulse(chip: String, line: Int, milliseconds: Int, activeLow: Bool) async -> String? {
        "GPIO output \(chip) line \(line): libgpiod support is not built in this version; use a command action"
    }
}
