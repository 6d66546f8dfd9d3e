/// A flat JSON object written in key order, for the one-line reports of the command-line
/// tools (`check-message`); values are strings, integers, booleans or null.
public struct JSONLine: Sendable {
    private var text = "{"
    private var isEmpty = true

    public init() {}

    private mutating func key(_ key: String) {
        if !isEmpty { text += "," }
        isEmpty = false
        text += JSONLine.quoted(key)
        text += ":"
    }

    /// Adds `"key": "value"`, or `"key": null` when value is nil.
    public mutating func add(_ key: String, _ value: String?) {
        self.key(key)
        text += value.map(JSONLine.quoted) ?? "null"
    }

    /// Adds `"key": number`, or null.
    public mutating func add(_ key: String, _ value: Int?) {
        self.key(key)
        text += value.map(String.init) ?? "null"
    }

    /// Adds `"key": true|false`.
    public mutating func add(_ key: String, _ value: Bool) {
        self.key(key)
        text += value ? "true" : "false"
    }

    /// The finished object.
    public var line: String { text + "}" }

    /// `value` as a JSON string literal: quotes, backslashes and control characters escaped,
    /// everything else (UTF-8 included) kept.
    public static func quoted(_ value: String) -> String {
        var result = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16)
                    result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }
}
