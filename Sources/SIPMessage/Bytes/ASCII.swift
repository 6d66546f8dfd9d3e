/// Byte constants and character classes of the RFC 3261 grammar (§25.1), as 128-bit bitmaps.
///
/// A class is two `UInt64` masks (bytes 0-63 and 64-127); bytes from 128 up are in no class.
/// The masks are literals, so a membership test compiles to a shift and an AND with no table
/// load and no lazy global.
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

    /// A character class: a bitmap over the 128 ASCII bytes.
    @usableFromInline
    struct CharacterClass: Sendable {
        @usableFromInline let low: UInt64
        @usableFromInline let high: UInt64

        @inlinable
        init(low: UInt64, high: UInt64) {
            self.low = low
            self.high = high
        }

        /// Whether `byte` is in the class.
        @inlinable
        func contains(_ byte: UInt8) -> Bool {
            if byte < 64 { return (low &>> UInt64(byte)) & 1 == 1 }
            if byte < 128 { return (high &>> UInt64(byte &- 64)) & 1 == 1 }
            return false
        }
    }

    /// `token` (RFC 3261 §25.1): alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~".
    @usableFromInline static let token = CharacterClass(low: 0x03FF_6CA2_0000_0000, high: 0x47FF_FFFF_87FF_FFFE)
    /// `word` (§25.1): token characters plus ( ) < > : \ " / [ ] ? { }.
    @usableFromInline static let word = CharacterClass(low: 0xD7FF_EFA6_0000_0000, high: 0x6FFF_FFFF_BFFF_FFFE)
    /// URI `user` characters (§25.1): unreserved / escaped / user-unreserved.
    @usableFromInline static let user = CharacterClass(low: 0xABFF_FFF2_0000_0000, high: 0x47FF_FFFE_87FF_FFFE)
    /// URI `password` characters (§25.1).
    @usableFromInline static let password = CharacterClass(low: 0x23FF_7FF2_0000_0000, high: 0x47FF_FFFE_87FF_FFFE)
    /// URI `paramchar` (§25.1): param-unreserved / unreserved / escaped.
    @usableFromInline static let paramChar = CharacterClass(low: 0x07FF_EFF2_0000_0000, high: 0x47FF_FFFE_AFFF_FFFE)
    /// URI header `hname` / `hvalue` characters (§25.1).
    @usableFromInline static let headerChar = CharacterClass(low: 0x87FF_EFB2_0000_0000, high: 0x47FF_FFFE_AFFF_FFFE)
    /// Host name characters: alphanum / "-" / ".".
    @usableFromInline static let hostName = CharacterClass(low: 0x03FF_6000_0000_0000, high: 0x07FF_FFFE_07FF_FFFE)
    /// Characters of an IPv6 reference between the brackets: HEXDIG / ":" / ".".
    @usableFromInline static let ipv6 = CharacterClass(low: 0x07FF_4000_0000_0000, high: 0x0000_007E_0000_007E)
    /// URI scheme characters after the first: ALPHA / DIGIT / "+" / "-" / ".".
    @usableFromInline static let scheme = CharacterClass(low: 0x03FF_6800_0000_0000, high: 0x07FF_FFFE_07FF_FFFE)
    /// `uric` of an absoluteURI (reserved / unreserved / escaped) plus "[" "]" "#".
    @usableFromInline static let uric = CharacterClass(low: 0xAFFF_FFFA_0000_0000, high: 0x47FF_FFFE_AFFF_FFFF)

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
