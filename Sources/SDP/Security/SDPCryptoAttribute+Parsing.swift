extension SDPCryptoAttribute {
    /// The longest value parsed, in bytes: a line with a few keys is far shorter.
    public static let maximumLength = 1_024
    /// The most key parameters one line may carry.
    public static let maximumKeyParameters = 16

    /// Parses the value of an `a=crypto` attribute (what follows `a=crypto:`), RFC 4568 §9.1:
    /// `tag SP crypto-suite SP key-params *(SP session-param)`, fields separated by one or
    /// more spaces.
    ///
    /// A key of a known suite (``SDPCryptoSuite/known``) must have that suite's length; keys
    /// of unknown suites are kept as decoded.
    ///
    /// - Throws: ``SDPCryptoAttributeError`` naming the field and the byte offset at fault.
    public init(parsing value: String) throws(SDPCryptoAttributeError) {
        let bytes = Array(value.utf8)
        guard bytes.count <= Self.maximumLength else {
            throw SDPCryptoAttributeError(.tooLong, at: Self.maximumLength, "the value is longer than 1024 bytes")
        }
        var fields: [Range<Int>] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "\t") {
                index += 1
                continue
            }
            let start = index
            while index < bytes.count, bytes[index] != UInt8(ascii: " "), bytes[index] != UInt8(ascii: "\t") { index += 1 }
            fields.append(start..<index)
        }
        guard let tagRange = fields.first else { throw SDPCryptoAttributeError(.tag, at: 0, "the tag is missing") }
        let tagBytes = bytes[tagRange]
        guard (1...9).contains(tagBytes.count), let tag = Self.decimal(tagBytes), tag <= UInt64(UInt32.max) else {
            throw SDPCryptoAttributeError(.tag, at: tagRange.lowerBound, "the tag is not 1 to 9 digits")
        }
        guard fields.count >= 2 else {
            throw SDPCryptoAttributeError(.suite, at: bytes.count, "the crypto-suite is missing")
        }
        let suiteRange = fields[1]
        for position in suiteRange where !Self.isSuiteCharacter(bytes[position]) {
            throw SDPCryptoAttributeError(.suite, at: position, "the crypto-suite holds a character other than a letter, digit or _")
        }
        let suite = String(decoding: bytes[suiteRange], as: UTF8.self)
        guard fields.count >= 3 else {
            throw SDPCryptoAttributeError(.keyMethod, at: bytes.count, "the key parameters are missing")
        }
        let known = SDPCryptoSuite.named(suite)
        var keys: [SDPCryptoKeyParameter] = []
        var start = fields[2].lowerBound
        let end = fields[2].upperBound
        while true {
            var stop = start
            while stop < end, bytes[stop] != UInt8(ascii: ";") { stop += 1 }
            guard keys.count < Self.maximumKeyParameters else {
                throw SDPCryptoAttributeError(.tooLong, at: start, "more than 16 key parameters")
            }
            keys.append(try Self.keyParameter(bytes, start..<stop, suite: known))
            if stop == end { break }
            start = stop + 1
        }
        var sessionParameters: [String] = []
        for range in fields.dropFirst(3) {
            for position in range where !(0x21...0x7E).contains(bytes[position]) {
                throw SDPCryptoAttributeError(.sessionParameter, at: position, "a session parameter holds a character outside VCHAR")
            }
            sessionParameters.append(String(decoding: bytes[range], as: UTF8.self))
        }
        self.init(tag: UInt32(tag), suite: suite, keyParameters: keys, sessionParameters: sessionParameters)
    }

    /// One `inline:key-salt[|lifetime][|mki:length]`.
    static func keyParameter(_ bytes: [UInt8], _ range: Range<Int>, suite: SDPCryptoSuite?) throws(SDPCryptoAttributeError) -> SDPCryptoKeyParameter {
        let method = Array("inline:".utf8)
        guard range.count >= method.count, zip(bytes[range], method).allSatisfy({ pair in Self.lowercased(pair.0) == pair.1 }) else {
            throw SDPCryptoAttributeError(.keyMethod, at: range.lowerBound, "a key parameter does not start with inline:")
        }
        var parts: [Range<Int>] = []
        var start = range.lowerBound + method.count
        var index = start
        while index <= range.upperBound {
            if index == range.upperBound || bytes[index] == UInt8(ascii: "|") {
                parts.append(start..<index)
                start = index + 1
            }
            index += 1
        }
        guard let saltRange = parts.first, !saltRange.isEmpty else {
            throw SDPCryptoAttributeError(.keySalt, at: range.lowerBound + method.count, "the key||salt is empty")
        }
        let keySalt: [UInt8]
        switch SDPBase64.decode(bytes[saltRange]) {
        case .success(let decoded): keySalt = decoded
        case .failure(let invalid): throw SDPCryptoAttributeError(.keySalt, at: saltRange.lowerBound + invalid.offset, "the key||salt is not base64")
        }
        if let suite, keySalt.count != suite.keySaltLength {
            throw SDPCryptoAttributeError(.keyLength, at: saltRange.lowerBound, "the key||salt is not as long as the suite's key and salt")
        }
        var lifetime: UInt64?
        var mki: SDPCryptoKeyParameter.MKI?
        for part in parts.dropFirst() {
            if bytes[part].contains(UInt8(ascii: ":")) {
                guard mki == nil else { throw SDPCryptoAttributeError(.mki, at: part.lowerBound, "a second MKI") }
                mki = try Self.mki(bytes, part)
            } else {
                guard lifetime == nil, mki == nil else {
                    throw SDPCryptoAttributeError(.lifetime, at: part.lowerBound, "a lifetime after an MKI or a second lifetime")
                }
                lifetime = try Self.lifetime(bytes, part)
            }
        }
        return SDPCryptoKeyParameter(keySalt: keySalt, lifetime: lifetime, mki: mki)
    }

    /// `1*DIGIT` or `"2^" 1*DIGIT`.
    static func lifetime(_ bytes: [UInt8], _ range: Range<Int>) throws(SDPCryptoAttributeError) -> UInt64 {
        let slice = bytes[range]
        if slice.starts(with: [UInt8(ascii: "2"), UInt8(ascii: "^")]) {
            guard let exponent = Self.decimal(slice.dropFirst(2)) else {
                throw SDPCryptoAttributeError(.lifetime, at: range.lowerBound + 2, "the lifetime exponent is not digits")
            }
            guard exponent <= 63 else {
                throw SDPCryptoAttributeError(.lifetime, at: range.lowerBound + 2, "the lifetime exponent is above 63")
            }
            return UInt64(1) << exponent
        }
        guard let value = Self.decimal(slice) else {
            throw SDPCryptoAttributeError(.lifetime, at: range.lowerBound, "the lifetime is not digits or 2^digits")
        }
        return value
    }

    /// `mki-value ":" mki-length`, the length 1...128 and the value within it.
    static func mki(_ bytes: [UInt8], _ range: Range<Int>) throws(SDPCryptoAttributeError) -> SDPCryptoKeyParameter.MKI {
        guard let colon = bytes[range].firstIndex(of: UInt8(ascii: ":")) else {
            throw SDPCryptoAttributeError(.mki, at: range.lowerBound, "the MKI has no length")
        }
        guard let value = Self.decimal(bytes[range.lowerBound..<colon]) else {
            throw SDPCryptoAttributeError(.mki, at: range.lowerBound, "the MKI value is not digits or is above 2^64")
        }
        let lengthBytes = bytes[(colon + 1)..<range.upperBound]
        guard (1...3).contains(lengthBytes.count), let length = Self.decimal(lengthBytes), (1...128).contains(length) else {
            throw SDPCryptoAttributeError(.mki, at: colon + 1, "the MKI length is not 1 to 128")
        }
        if length < 8, value >> (8 * length) != 0 {
            throw SDPCryptoAttributeError(.mki, at: range.lowerBound, "the MKI value does not fit its length")
        }
        return SDPCryptoKeyParameter.MKI(value: value, length: Int(length))
    }

    /// The value of 1 or more decimal digits, or nil for none, another byte or above UInt64.
    static func decimal(_ digits: some Collection<UInt8>) -> UInt64? {
        guard !digits.isEmpty else { return nil }
        var value: UInt64 = 0
        for byte in digits {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let (times, overflow) = value.multipliedReportingOverflow(by: 10)
            let (sum, carry) = times.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
            guard !overflow, !carry else { return nil }
            value = sum
        }
        return value
    }

    static func isSuiteCharacter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_")
    }

    static func lowercased(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
    }
}
