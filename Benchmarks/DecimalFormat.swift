/// Formats numbers for the reports without Foundation: fixed decimals (valid as JSON numbers)
/// and digit grouping for the text report.
enum DecimalFormat {
    /// `value` rounded to `decimals` places, such as `812.5` for `(812.4999, 1)`; nil when it is
    /// not finite.
    static func fixed(_ value: Double, decimals: Int) -> String? {
        guard value.isFinite else { return nil }
        var scale: UInt64 = 1
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (value.magnitude * Double(scale)).rounded()
        guard scaled < 9.0e18 else { return value.description }
        let units = UInt64(scaled)
        var text = value < 0 && units != 0 ? "-" : ""
        text += String(units / scale)
        if decimals > 0 {
            let fraction = String(units % scale)
            text += "." + String(repeating: "0", count: decimals - fraction.count) + fraction
        }
        return text
    }

    /// `value` with its integer digits grouped by thousands, such as `1,234,567.8`; `n/a` when
    /// it is not finite.
    static func grouped(_ value: Double, decimals: Int) -> String {
        guard let text = fixed(value, decimals: decimals) else { return "n/a" }
        let sign = text.hasPrefix("-") ? "-" : ""
        let unsigned = text.dropFirst(sign.count)
        let integerDigits = unsigned.prefix(while: { $0 != "." })
        let rest = unsigned.dropFirst(integerDigits.count)
        var grouped = ""
        for (offset, digit) in integerDigits.enumerated() {
            if offset > 0, (integerDigits.count - offset) % 3 == 0 { grouped.append(",") }
            grouped.append(digit)
        }
        return sign + grouped + rest
    }
}
