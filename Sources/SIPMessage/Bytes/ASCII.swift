/// Byte constants and character classes of the RFC 3261 grammar (§25.1).
///
/// A class test is one load from a 128-byte table kept in the binary's read-only data (a
/// `StaticString` literal, so there is no lazy global and no bounds check: the byte is
/// checked to be below 128 first) and a bit test.
@usableFromInline
enum ASCII {
    @usableFromInline static let cr: UInt8 = 0x0D
    @usableFromInline static let lf: UInt8 = 0x0A
    @usableFromInline static let space: UInt8 = 0x20
    @usableFromInline static let tab: UInt8 = 0x09
    @usableFromInline static let colon: UInt8 = 0x3A
    @usableFromInline static let semicolon: UInt8 = 0x3B
    @usableFromInline static let comma: UInt8 = 0x2C
    @usableFromInline static let equals: UInt8 = 0x3D
    @usableFromInline static let slash: UInt8 = 0x2F
    @usableFromInline static let quote: UInt8 = 0x22
    @usableFromInline static let backslash: UInt8 = 0x5C
    @usableFromInline static let lessThan: UInt8 = 0x3C
    @usableFromInline static let greaterThan: UInt8 = 0x3E
    @usableFromInline static let at: UInt8 = 0x40
    @usableFromInline static let question: UInt8 = 0x3F
    @usableFromInline static let ampersand: UInt8 = 0x26
    @usableFromInline static let percent: UInt8 = 0x25
    @usableFromInline static let leftBracket: UInt8 = 0x5B
    @usableFromInline static let rightBracket: UInt8 = 0x5D
    @usableFromInline static let dot: UInt8 = 0x2E
    @usableFromInline static let zero: UInt8 = 0x30
    @usableFromInline static let nine: UInt8 = 0x39
    @usableFromInline static let star: UInt8 = 0x2A

    /// Classes token, word, user, password, paramChar, headerChar, hostName, one bit each, for bytes 0-127.
    @usableFromInline static var tableA: StaticString {
        """
        \u{00}\u{00}\u{00}\u{00}\u{00}\u{00}\u{00}\u{00}\u{00}\u{00}\u{00}\u{00}\u{00}\u{00}\u{00}\u{00}\
        \u{00}\u{00}\u{00}\u{00}\u{00}\u{00}\u{00}\u{00}\u{00}\u{00}\u{00}\u{00}\u{00}\u{00}\u{00}\u{00}\
        \u{00}\u{3F}\u{02}\u{00}\u{3C}\u{3F}\u{1C}\u{3F}\u{3E}\u{3E}\u{3F}\u{3F}\u{0C}\u{7F}\u{7F}\u{36}\
        \u{7F}\u{7F}\u{7F}\u{7F}\u{7F}\u{7F}\u{7F}\u{7F}\u{7F}\u{7F}\u{32}\u{04}\u{02}\u{0C}\u{02}\u{26}\
        \u{00}\u{7F}\u{7F}\u{7F}\u{7F}\u{7F}\u{7F}\u{7F}\u{7F}\u{7F}\u{7F}\u{7F}\u{7F}\u{7F}\u{7F}\u{7F}\
        \u{7F}\u{7F}\u{7F}\u{7F}\u{7F}\u{7F}\u{7F}\u{7F}\u{7F}\u{7F}\u{7F}\u{32}\u{02}\u{32}\u{00}\u{7F}\
        \u{03}\u{7F}\u{7F}\u{7F}\u{7F}\u{7F}\u{7F}\u{7F}\u{7F}\u{7F}\u{7F}\u{7F}\u{7F}\u{7F}\u{7F}\u{7F}\
        \u{7F}\u{7F}\u{7F}\u{7F}\u{7F}\u{7F}\u{7F}\u{7F}\u{7F}\u{7F}\u{7F}\u{02}\u{00}\u{02}\u{3F}\u{00}
        """
    }

    /// Classes ipv6, scheme, uric, uriCharacter, whitespace, tokenOrColon, one bit each, for bytes 0-127.
    @usableFromInline static var tableB: StaticString {
        """
        \u{00}\u{00}\u{00}\u{00}\u{00}\u{00}\u{00}\u{00}\u{00}\u{10}\u{10}\u{00}\u{00}\u{10}\u{00}\u{00}\
        \u{00}\u{00}\u{00}\u{00}\u{00}\u{00}\u{00}\u{00}\u{00}\u{00}\u{00}\u{00}\u{00}\u{00}\u{00}\u{00}\
        \u{10}\u{2C}\u{00}\u{0C}\u{0C}\u{2C}\u{0C}\u{2C}\u{0C}\u{0C}\u{2C}\u{2E}\u{0C}\u{2E}\u{2F}\u{0C}\
        \u{2F}\u{2F}\u{2F}\u{2F}\u{2F}\u{2F}\u{2F}\u{2F}\u{2F}\u{2F}\u{2D}\u{0C}\u{00}\u{0C}\u{00}\u{0C}\
        \u{0C}\u{2F}\u{2F}\u{2F}\u{2F}\u{2F}\u{2F}\u{2E}\u{2E}\u{2E}\u{2E}\u{2E}\u{2E}\u{2E}\u{2E}\u{2E}\
        \u{2E}\u{2E}\u{2E}\u{2E}\u{2E}\u{2E}\u{2E}\u{2E}\u{2E}\u{2E}\u{2E}\u{0C}\u{08}\u{0C}\u{08}\u{2C}\
        \u{28}\u{2F}\u{2F}\u{2F}\u{2F}\u{2F}\u{2F}\u{2E}\u{2E}\u{2E}\u{2E}\u{2E}\u{2E}\u{2E}\u{2E}\u{2E}\
        \u{2E}\u{2E}\u{2E}\u{2E}\u{2E}\u{2E}\u{2E}\u{2E}\u{2E}\u{2E}\u{2E}\u{08}\u{08}\u{08}\u{2C}\u{00}
        """
    }

    /// A character class: a bit in one of the two tables, and whether bytes from 0x80 up
    /// belong to it.
    @usableFromInline
    struct CharacterClass: Sendable {
        @usableFromInline let inTableB: Bool
        @usableFromInline let mask: UInt8
        @usableFromInline let highBytes: Bool

        @inlinable
        init(tableB: Bool, bit: UInt8, highBytes: Bool = false) {
            self.inTableB = tableB
            self.mask = 1 &<< bit
            self.highBytes = highBytes
        }

        /// Whether `byte` is in the class.
        @inlinable @inline(__always)
        func contains(_ byte: UInt8) -> Bool {
            guard byte < 128 else { return highBytes }
            let table = inTableB ? ASCII.tableB.utf8Start : ASCII.tableA.utf8Start
            return table[Int(byte)] & mask != 0
        }
    }

    /// `token` (RFC 3261 §25.1): alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~".
    @usableFromInline static let token = CharacterClass(tableB: false, bit: 0)
    /// `word` (§25.1): token characters plus ( ) < > : \\ " / [ ] ? { }.
    @usableFromInline static let word = CharacterClass(tableB: false, bit: 1)
    /// URI `user` characters (§25.1): unreserved / escaped / user-unreserved.
    @usableFromInline static let user = CharacterClass(tableB: false, bit: 2)
    /// URI `password` characters (§25.1).
    @usableFromInline static let password = CharacterClass(tableB: false, bit: 3)
    /// URI `paramchar` (§25.1): param-unreserved / unreserved / escaped.
    @usableFromInline static let paramChar = CharacterClass(tableB: false, bit: 4)
    /// URI header `hname` / `hvalue` characters (§25.1).
    @usableFromInline static let headerChar = CharacterClass(tableB: false, bit: 5)
    /// Host name characters: alphanum / "-" / "." (and "_", seen in the wild).
    @usableFromInline static let hostName = CharacterClass(tableB: false, bit: 6)
    /// Characters of an IPv6 reference between the brackets: HEXDIG / ":" / ".".
    @usableFromInline static let ipv6 = CharacterClass(tableB: true, bit: 0)
    /// URI scheme characters after the first: ALPHA / DIGIT / "+" / "-" / ".".
    @usableFromInline static let scheme = CharacterClass(tableB: true, bit: 1)
    /// `uric` of an absoluteURI (reserved / unreserved / escaped) plus "[" "]" "#".
    @usableFromInline static let uric = CharacterClass(tableB: true, bit: 2)
    /// Bytes a URI may contain at parse time: visible ASCII except `<`, `>` and `"`, plus bytes from 0x80 (UTF-8 sent unescaped by some user agents; the strict check of sip: URIs in ``SIPURI`` refuses them).
    @usableFromInline static let uriCharacter = CharacterClass(tableB: true, bit: 3, highBytes: true)
    /// SP, HTAB, CR, LF.
    @usableFromInline static let whitespace = CharacterClass(tableB: true, bit: 4)
    /// A token character or ":" (generic parameter values, which may be bare IPv6 addresses).
    @usableFromInline static let tokenOrColon = CharacterClass(tableB: true, bit: 5)

    /// SP or HTAB.
    @inlinable
    static func isBlank(_ byte: UInt8) -> Bool { byte == space || byte == tab }

    /// Linear white space inside a header value: SP, HTAB, or the CR/LF of a folded line
    /// (the header splitter has already checked that each CRLF inside a value is followed by
    /// SP or HTAB).
    @inlinable
    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == space || byte == tab || byte == cr || byte == lf
    }

    @inlinable
    static func isDigit(_ byte: UInt8) -> Bool { byte &- zero < 10 }

    @inlinable
    static func isAlpha(_ byte: UInt8) -> Bool { (byte | 0x20) &- 0x61 < 26 }

    @inlinable
    static func hexValue(_ byte: UInt8) -> UInt8? {
        if byte &- zero < 10 { return byte &- zero }
        let lower = byte | 0x20
        if lower &- 0x61 < 6 { return lower &- 0x61 &+ 10 }
        return nil
    }

    /// ASCII lower case of a byte (letters only).
    @inlinable
    static func lowercased(_ byte: UInt8) -> UInt8 {
        byte &- 0x41 < 26 ? byte | 0x20 : byte
    }
}
