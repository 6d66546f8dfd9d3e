/// Builds the value of a digest header (`Digest name=value, ...`), quoting the values RFC 3261
/// §25.1 quotes and leaving tokens (`algorithm`, `stale`, `userhash`, credentials' `qop` and
/// `nc`) bare.
struct DigestHeaderWriter {
    private(set) var text = "Digest "
    private var isFirst = true

    /// Whether `value` can travel inside a quoted-string: no control characters other than
    /// HTAB (CR and LF cannot even be escaped, RFC 3261 §25.1 `quoted-pair`).
    static func isQuotable(_ value: String) -> Bool {
        value.utf8.allSatisfy { $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7F) }
    }

    /// Appends `name="value"`, escaping `"` and `\`; the caller has checked ``isQuotable(_:)``.
    mutating func quoted(_ name: String, _ value: String) {
        separator()
        text += name
        text += "=\""
        for character in value.unicodeScalars {
            if character == "\"" || character == "\\" { text += "\\" }
            text.unicodeScalars.append(character)
        }
        text += "\""
    }

    /// Appends `name=token`.
    mutating func token(_ name: String, _ value: String) {
        separator()
        text += name
        text += "="
        text += value
    }

    private mutating func separator() {
        if isFirst {
            isFirst = false
        } else {
            text += ", "
        }
    }
}
