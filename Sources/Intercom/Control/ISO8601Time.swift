import Foundation

/// The one time format of the control interface's JSON: ISO 8601 in UTC with milliseconds
/// (`2025-01-31T17:04:05.123Z`).
enum ISO8601Time {
    static let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)

    static func string(_ date: Date) -> String {
        date.formatted(style)
    }

    /// Parses with or without fractional seconds; nil when it is not ISO 8601.
    static func date(_ string: String) -> Date? {
        if let date = try? style.parse(string) {
            return date
        }
        return try? Date.ISO8601FormatStyle(timeZone: .gmt).parse(string)
    }
}
