/// Warning header values (RFC 3261 §20.43) that name what is wrong with a request.
enum SIPWarning {
    /// `399 agent "text"`: code 399 (miscellaneous) from `agent` (this element's host:port),
    /// with `text` as a quoted string, so that any error description makes a valid header.
    static func miscellaneous(agent: String, _ text: String) -> String {
        "399 \(agent) \(text.sipQuotedString)"
    }
}

extension String {
    /// The string as a SIP quoted-string (RFC 3261 §25.1): in double quotes, `\` and `"`
    /// escaped, control characters (which a quoted-string cannot hold) replaced by spaces.
    var sipQuotedString: String {
        var quoted = "\""
        quoted.reserveCapacity(utf8.count + 2)
        for character in self {
            switch character {
            case "\\", "\"":
                quoted.append("\\")
                quoted.append(character)
            default:
                let isControl = character.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
                quoted.append(isControl ? " " : character)
            }
        }
        quoted.append("\"")
        return quoted
    }
}
