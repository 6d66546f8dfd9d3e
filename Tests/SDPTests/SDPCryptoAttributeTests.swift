import SDP
import Testing

/// `a=crypto` (RFC 4568 §9.1): the RFC's examples, what real peers send, writing, and a table
/// of malformed values each refused with the field and byte at fault.
@Suite("SDP: a=crypto attributes (RFC 4568)")
struct SDPCryptoAttributeTests {
    /// RFC 4568 §4's key: 30 bytes in base64.
    static let rfcKey = "PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR"

    @Test("RFC 4568 §4's example: tag, suite, key, lifetime 2^20 and MKI 1:4")
    func rfcExample() throws {
        let crypto = try SDPCryptoAttribute(parsing: "1 AES_CM_128_HMAC_SHA1_80 inline:\(Self.rfcKey)|2^20|1:4")
        #expect(crypto.tag == 1)
        #expect(crypto.suite == "AES_CM_128_HMAC_SHA1_80")
        #expect(crypto.knownSuite == .aesCM128HMACSHA1_80)
        #expect(crypto.keyParameters.count == 1)
        let key = try #require(crypto.keyParameters.first)
        #expect(key.keySalt.count == 30)
        #expect(Array(key.keySalt.prefix(4)) == [0x3D, 0x2D, 0x6E, 0x40])  // "PS1u" "QCVe"...
        #expect(key.lifetime == 1 << 20)
        #expect(key.mki == SDPCryptoKeyParameter.MKI(value: 1, length: 4))
        #expect(crypto.sessionParameters.isEmpty)
        #expect(crypto.usableKey == nil)  // an MKI: not for SwiftSIP
        #expect(crypto.value == "1 AES_CM_128_HMAC_SHA1_80 inline:\(Self.rfcKey)|2^20|1:4")
    }

    @Test("RFC 4568 §5.1.1's offer lines: several keys, a decimal lifetime, session parameters")
    func rfcOfferLines() throws {
        let two = try SDPCryptoAttribute(parsing: "1 AES_CM_128_HMAC_SHA1_80 inline:\(Self.rfcKey)|2^20|1:32;inline:\(Self.rfcKey)|2^20|2:32")
        #expect(two.keyParameters.map { $0.mki?.value } == [1, 2])
        #expect(two.usableKey == nil)
        let decimal = try SDPCryptoAttribute(parsing: "2 AES_CM_128_HMAC_SHA1_32 inline:\(Self.rfcKey)|1048576 KDR=1 UNENCRYPTED_SRTCP")
        #expect(decimal.keyParameters.first?.lifetime == 1_048_576)
        #expect(decimal.sessionParameters == ["KDR=1", "UNENCRYPTED_SRTCP"])
        #expect(decimal.usableKey == nil)  // session parameters: not for SwiftSIP
        let unknown = try SDPCryptoAttribute(parsing: "3 F8_128_HMAC_SHA1_80 inline:MTIzNDU2Nzg5QUJDREUwMTIzNDU2Nzg5QUJjZGVm|2^20|1:4")
        #expect(unknown.knownSuite == nil && unknown.usableKey == nil)
        #expect(unknown.keyParameters.first?.keySalt.count == 30)
    }

    @Test("baresip's line: no lifetime, no MKI; usable, and written back the same")
    func baresipLine() throws {
        let text = "1 AES_CM_128_HMAC_SHA1_80 inline:\(Self.rfcKey)"
        let crypto = try SDPCryptoAttribute(parsing: text)
        #expect(crypto.usableKey?.keySalt.count == 30)
        #expect(crypto.value == text)
        #expect(try SDPCryptoAttribute(parsing: crypto.value) == crypto)
        // Padding, a lower-case method and extra spaces are accepted.
        let key46 = [UInt8](repeating: 7, count: 46)
        let padded = SDPCryptoAttribute(tag: 9, suite: "AES_256_CM_HMAC_SHA1_32", keyParameters: [SDPCryptoKeyParameter(keySalt: key46)])
        #expect(padded.value.hasSuffix("="))
        #expect(try SDPCryptoAttribute(parsing: padded.value).keyParameters.first?.keySalt == key46)
        #expect(try SDPCryptoAttribute(parsing: "1  AES_CM_128_HMAC_SHA1_32   INLINE:\(Self.rfcKey) ").usableKey != nil)
    }

    @Test("keys never show in descriptions, only in the value sent")
    func redaction() throws {
        let crypto = try SDPCryptoAttribute(parsing: "1 AES_CM_128_HMAC_SHA1_80 inline:\(Self.rfcKey)|2^20")
        var dumped = ""
        dump(crypto, to: &dumped)
        for text in [crypto.description, "\(crypto)", String(reflecting: crypto), "\(crypto.keyParameters)", dumped] {
            #expect(!text.contains(Self.rfcKey))
            #expect(!text.contains("61, 45, 110"))  // the key's first bytes as an array
        }
        #expect(crypto.description == "1 AES_CM_128_HMAC_SHA1_80 inline:<30 bytes>|1048576")
        #expect(crypto.value.contains(Self.rfcKey))
    }

    struct Malformed: CustomTestStringConvertible, Sendable {
        let value: String
        let code: SDPCryptoAttributeError.Code
        let offset: Int
        var testDescription: String { "\(code) at \(offset): \(value)" }
    }

    static let key = SDPCryptoAttributeTests.rfcKey
    static let malformed: [Malformed] = [
        Malformed(value: "", code: .tag, offset: 0),
        Malformed(value: "x AES_CM_128_HMAC_SHA1_80 inline:\(key)", code: .tag, offset: 0),
        Malformed(value: "1234567890 AES_CM_128_HMAC_SHA1_80 inline:\(key)", code: .tag, offset: 0),
        Malformed(value: "1", code: .suite, offset: 1),
        Malformed(value: "1 AES-CM inline:\(key)", code: .suite, offset: 5),
        Malformed(value: "1 AES_CM_128_HMAC_SHA1_80", code: .keyMethod, offset: 25),
        Malformed(value: "1 AES_CM_128_HMAC_SHA1_80 uri:\(key)", code: .keyMethod, offset: 26),
        Malformed(value: "1 AES_CM_128_HMAC_SHA1_80 inline:", code: .keySalt, offset: 33),
        Malformed(value: "1 AES_CM_128_HMAC_SHA1_80 inline:PS1u*CVe", code: .keySalt, offset: 37),
        Malformed(value: "1 AES_CM_128_HMAC_SHA1_80 inline:P=S1", code: .keySalt, offset: 35),
        Malformed(value: "1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQ", code: .keySalt, offset: 38),
        Malformed(value: "1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVe", code: .keyLength, offset: 33),
        Malformed(value: "1 AES_256_CM_HMAC_SHA1_80 inline:\(key)", code: .keyLength, offset: 33),
        Malformed(value: "1 AES_CM_128_HMAC_SHA1_80 inline:\(key)|2^64", code: .lifetime, offset: 76),
        Malformed(value: "1 AES_CM_128_HMAC_SHA1_80 inline:\(key)|2^", code: .lifetime, offset: 76),
        Malformed(value: "1 AES_CM_128_HMAC_SHA1_80 inline:\(key)|lots", code: .lifetime, offset: 74),
        Malformed(value: "1 AES_CM_128_HMAC_SHA1_80 inline:\(key)|99999999999999999999", code: .lifetime, offset: 74),
        Malformed(value: "1 AES_CM_128_HMAC_SHA1_80 inline:\(key)|1:4|2^20", code: .lifetime, offset: 78),
        Malformed(value: "1 AES_CM_128_HMAC_SHA1_80 inline:\(key)|1:0", code: .mki, offset: 76),
        Malformed(value: "1 AES_CM_128_HMAC_SHA1_80 inline:\(key)|1:129", code: .mki, offset: 76),
        Malformed(value: "1 AES_CM_128_HMAC_SHA1_80 inline:\(key)|256:1", code: .mki, offset: 74),
        Malformed(value: "1 AES_CM_128_HMAC_SHA1_80 inline:\(key)|:4", code: .mki, offset: 74),
        Malformed(value: "1 AES_CM_128_HMAC_SHA1_80 inline:\(key)|1:4|2:4", code: .mki, offset: 78),
        Malformed(value: "1 AES_CM_128_HMAC_SHA1_80 inline:\(key); ", code: .keyMethod, offset: 74),
        Malformed(value: "1 AES_CM_128_HMAC_SHA1_80 inline:\(key) KDR=\u{7F}", code: .sessionParameter, offset: 78),
        Malformed(value: "1 AES_CM_128_HMAC_SHA1_80 " + String(repeating: "inline:\(key);", count: 17).dropLast(), code: .tooLong, offset: 0),
        Malformed(value: String(repeating: "1", count: 1_025), code: .tooLong, offset: 1_024),
    ]

    @Test("malformed values are refused with the field and the byte at fault", arguments: malformed)
    func refuses(_ testCase: Malformed) {
        do {
            let parsed = try SDPCryptoAttribute(parsing: testCase.value)
            Issue.record("parsed as \(parsed)")
        } catch {
            #expect(error.code == testCase.code)
            if testCase.code != .tooLong || testCase.offset != 0 { #expect(error.offset == testCase.offset) }
            #expect(error.field == testCase.code.description)
        }
    }

    @Test("every truncation and every one-byte change of a valid line parses or throws; none traps")
    func mutations() {
        let valid = Array("12 AES_CM_128_HMAC_SHA1_32 inline:\(Self.rfcKey)|2^31|7:2 KDR=2".utf8)
        var outcomes = 0
        for length in 0...valid.count {
            _ = try? SDPCryptoAttribute(parsing: String(decoding: valid.prefix(length), as: UTF8.self))
            outcomes += 1
        }
        for index in valid.indices {
            for replacement: UInt8 in [0, 0x20, 0x3A, 0x3B, 0x7C, 0x3D, 0x5E, 0xFF] {
                var bytes = valid
                bytes[index] = replacement
                _ = try? SDPCryptoAttribute(parsing: String(decoding: bytes, as: UTF8.self))
                outcomes += 1
            }
        }
        #expect(outcomes == valid.count + 1 + valid.count * 8)
    }
}
