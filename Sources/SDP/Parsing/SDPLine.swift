/// One line of a description as the scanner found it: its type letter, its value and where it
/// is. Internal to the parser.
struct SDPLine {
    /// The type letter (`v`, `o`, `m`...), as an ASCII byte.
    let type: UInt8
    /// The text after `=`.
    let value: Substring
    /// The 1-based line number.
    let number: Int
    /// The byte offset of the first byte of the value.
    let valueOffset: Int
    /// The byte offset just past the value (before the line ending).
    let endOffset: Int

    /// An error of kind `code` located `column` bytes into this line's value. Columns count
    /// UTF-8 bytes of the decoded value, so after an invalid UTF-8 sequence (decoded as
    /// U+FFFD) they are approximate; the offset never leaves the line.
    func error(_ code: SDPParseError.Code, column: Int = 0, _ detail: StaticString) -> SDPParseError {
        SDPParseError(code, line: number, offset: min(valueOffset + column, endOffset), detail)
    }

    /// The value split on spaces, each field with its byte column in the value. Runs of spaces
    /// count as one separator (RFC 8866 asks for one; some writers put two).
    func fields(maxSplits: Int = .max) -> [(text: Substring, column: Int)] {
        var result: [(Substring, Int)] = []
        var index = value.startIndex
        while index < value.endIndex {
            while index < value.endIndex, value[index] == " " { index = value.index(after: index) }
            guard index < value.endIndex else { break }
            let start = index
            if result.count == maxSplits {
                result.append((value[start...], value.utf8.distance(from: value.startIndex, to: start)))
                break
            }
            while index < value.endIndex, value[index] != " " { index = value.index(after: index) }
            result.append((value[start..<index], value.utf8.distance(from: value.startIndex, to: start)))
        }
        return result
    }
}

/// Character classes of RFC 8866 §9.
enum SDPGrammar {
    /// `token-char`: any visible ASCII but the separators of RFC 8866 §9.
    static func isTokenCharacter(_ character: Character) -> Bool {
        guard let ascii = character.asciiValue else { return false }
        switch ascii {
        case 0x21, 0x23...0x27, 0x2A, 0x2B, 0x2D, 0x2E, 0x30...0x39, 0x41...0x5A, 0x5E...0x7E: return true
        default: return false
        }
    }

    /// Whether `text` is a non-empty token.
    static func isToken<S: StringProtocol>(_ text: S) -> Bool {
        !text.isEmpty && text.allSatisfy(isTokenCharacter)
    }

    /// A non-empty run of decimal digits as a `UInt64`; nil otherwise (no sign, no overflow).
    static func decimal<S: StringProtocol>(_ text: S) -> UInt64? {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return UInt64(text)
    }

    /// Whether `text` is a dotted-quad IPv4 address.
    static func isIPv4<S: StringProtocol>(_ text: S) -> Bool {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4
            && octets.allSatisfy { octet in
                octet.count <= 3 && (decimal(octet).map { $0 <= 255 } ?? false)
            }
    }

    /// Whether `text` looks like an IPv6 literal: hex digits and colons (an embedded IPv4
    /// tail allowed), at least two colons, and at most one `::`.
    static func isIPv6<S: StringProtocol>(_ text: S) -> Bool {
        guard text.count >= 2, text.count <= 45, text.filter({ $0 == ":" }).count >= 2 else { return false }
        guard text.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else { return false }
        let bytes = Array(text.utf8)
        var doubleColons = 0
        for index in 1..<bytes.count where bytes[index] == 0x3A && bytes[index - 1] == 0x3A {
            doubleColons += 1
        }
        return doubleColons <= 1
    }

    /// Whether `text` is a plausible domain name (letters, digits, `-` and `.`).
    static func isHostName<S: StringProtocol>(_ text: S) -> Bool {
        !text.isEmpty && text.count <= 255
            && text.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "-" || $0 == "." }
    }
}
