/// Why an `a=crypto` value (RFC 4568 §9.1) cannot be used, and where.
///
/// ``code`` names the field at fault (tag, crypto-suite, key-method, key-salt, lifetime, MKI,
/// session parameter); ``offset`` is the byte offset of the problem in the attribute value
/// (after `a=crypto:`), and ``detail`` a fixed sentence. Compare errors by ``code``.
///
/// ```
///  1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVe|2^99
///                                             ^ offset 44: lifetime, "the lifetime exponent is above 63"
/// ```
public struct SDPCryptoAttributeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The field at fault (extensible).
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        let rawValue: UInt8
        let name: StaticString

        init(_ rawValue: UInt8, _ name: StaticString) {
            self.rawValue = rawValue
            self.name = name
        }

        public static func == (lhs: Code, rhs: Code) -> Bool { lhs.rawValue == rhs.rawValue }
        public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }
        public var description: String { name.description }

        /// The tag is missing, not 1-9 digits, or not followed by one space.
        public static let tag = Code(1, "tag")
        /// The crypto-suite is missing or holds a character outside its grammar.
        public static let suite = Code(2, "crypto-suite")
        /// A key parameter is missing, or its method is not `inline` (the only one, §6.1).
        public static let keyMethod = Code(3, "key-method")
        /// The key||salt is empty or not base64.
        public static let keySalt = Code(4, "key-salt")
        /// The key||salt decodes to a length the (known) suite does not use.
        public static let keyLength = Code(5, "key length")
        /// The lifetime is not digits or `2^` digits, or overflows 64 bits.
        public static let lifetime = Code(6, "lifetime")
        /// The MKI is not `value:length` with a length of 1...128 that holds the value.
        public static let mki = Code(7, "MKI")
        /// A session parameter holds a character outside VCHAR.
        public static let sessionParameter = Code(8, "session parameter")
        /// The value is longer than ``SDPCryptoAttribute/maximumLength`` or has too many keys.
        public static let tooLong = Code(9, "too long")
    }

    /// The field at fault.
    public let code: Code
    /// The byte offset in the attribute value.
    public let offset: Int
    /// A fixed sentence naming the problem.
    public let detail: StaticString

    /// An error of kind `code` at `offset`.
    public init(_ code: Code, at offset: Int, _ detail: StaticString) {
        self.code = code
        self.offset = offset
        self.detail = detail
    }

    /// The field's name, as RFC 4568's grammar calls it.
    public var field: String { code.description }

    public var description: String { "a=crypto \(code) at byte \(offset): \(detail)" }

    public static func == (lhs: SDPCryptoAttributeError, rhs: SDPCryptoAttributeError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
