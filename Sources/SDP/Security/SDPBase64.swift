/// Base64 (RFC 4648 §4), as `inline:` keys carry it (RFC 4568 §6.1): standard alphabet, `=`
/// padding optional on input and written on output.
enum SDPBase64 {
    /// Where base64 text stops being valid: the offset of the byte at fault.
    struct InvalidByte: Error {
        let offset: Int
    }

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// `bytes` in base64 with padding.
    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let count = min(3, bytes.count - index)
            var group: UInt32 = 0
            for offset in 0..<3 {
                group <<= 8
                if offset < count { group |= UInt32(bytes[index + offset]) }
            }
            for position in 0..<4 {
                if position <= count {
                    out.append(alphabet[Int((group >> UInt32(18 - 6 * position)) & 0x3F)])
                } else {
                    out.append(UInt8(ascii: "="))
                }
            }
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The 6-bit value of a base64 character, or nil.
    static func sextet(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): byte - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): byte - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"): 62
        case UInt8(ascii: "/"): 63
        default: nil
        }
    }

    /// Decodes `text`, or returns the offset in it of the first byte that makes it invalid: a
    /// character outside the alphabet, padding before the end or more than two `=`, or a
    /// length that leaves a single character in the last group.
    static func decode(_ text: some Collection<UInt8>) -> Result<[UInt8], InvalidByte> {
        var out: [UInt8] = []
        out.reserveCapacity(text.count * 3 / 4)
        var group: UInt32 = 0
        var filled = 0
        var padding = 0
        var position = 0
        for byte in text {
            if byte == UInt8(ascii: "=") {
                padding += 1
                if padding > 2 { return .failure(InvalidByte(offset: position)) }
            } else {
                guard padding == 0, let value = sextet(byte) else { return .failure(InvalidByte(offset: position)) }
                group = group << 6 | UInt32(value)
                filled += 1
                if filled == 4 {
                    out.append(UInt8(truncatingIfNeeded: group >> 16))
                    out.append(UInt8(truncatingIfNeeded: group >> 8))
                    out.append(UInt8(truncatingIfNeeded: group))
                    group = 0
                    filled = 0
                }
            }
            position += 1
        }
        switch filled {
        case 0:
            if padding != 0 { return .failure(InvalidByte(offset: position - padding)) }
        case 2:
            guard padding == 0 || padding == 2 else { return .failure(InvalidByte(offset: position - padding)) }
            out.append(UInt8(truncatingIfNeeded: group >> 4))
        case 3:
            guard padding <= 1 else { return .failure(InvalidByte(offset: position - padding)) }
            out.append(UInt8(truncatingIfNeeded: group >> 10))
            out.append(UInt8(truncatingIfNeeded: group >> 2))
        default:
            return .failure(InvalidByte(offset: position - padding))
        }
        return .success(out)
    }
}
