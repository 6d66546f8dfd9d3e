/// An SRTP crypto suite as SDES names it in `a=crypto` (RFC 4568 §6.2, RFC 6188 §7.1, RFC 7714
/// §14.2), with
/// the length of the `inline:` key||salt it needs.
///
/// SDP knows suites only by name and key length; doing the cryptography is the SRTP layer's
/// job. An `a=crypto` line with a suite not listed here still parses: the answerer skips it.
public struct SDPCryptoSuite: Sendable, Hashable, CustomStringConvertible {
    /// The name in `a=crypto`, such as `AES_CM_128_HMAC_SHA1_80` (compared exactly: RFC 4568
    /// registers suite names in upper case).
    public let name: String
    /// The length of the master key followed by the master salt, in bytes.
    public let keySaltLength: Int

    /// A suite with its key||salt length.
    public init(name: String, keySaltLength: Int) {
        self.name = name
        self.keySaltLength = keySaltLength
    }

    public var description: String { name }

    /// AES-128 counter mode, HMAC-SHA1 with an 80-bit tag (RFC 4568 §6.2.1): 16-byte key,
    /// 14-byte salt.
    public static let aesCM128HMACSHA1_80 = SDPCryptoSuite(name: "AES_CM_128_HMAC_SHA1_80", keySaltLength: 30)
    /// AES-128 counter mode, HMAC-SHA1 with a 32-bit SRTP tag (80 bits for SRTCP, RFC 4568
    /// §6.2.2).
    public static let aesCM128HMACSHA1_32 = SDPCryptoSuite(name: "AES_CM_128_HMAC_SHA1_32", keySaltLength: 30)
    /// AES-256 counter mode, HMAC-SHA1 80 (RFC 6188 §7.1): 32-byte key, 14-byte salt.
    public static let aes256CMHMACSHA1_80 = SDPCryptoSuite(name: "AES_256_CM_HMAC_SHA1_80", keySaltLength: 46)
    /// AES-256 counter mode, HMAC-SHA1 32 (RFC 6188 §7.1).
    public static let aes256CMHMACSHA1_32 = SDPCryptoSuite(name: "AES_256_CM_HMAC_SHA1_32", keySaltLength: 46)

    /// AES-128 in GCM (AEAD, RFC 7714): 16-byte key, 12-byte salt.
    public static let aeadAES128GCM = SDPCryptoSuite(name: "AEAD_AES_128_GCM", keySaltLength: 28)
    /// AES-256 in GCM (AEAD, RFC 7714): 32-byte key, 12-byte salt.
    public static let aeadAES256GCM = SDPCryptoSuite(name: "AEAD_AES_256_GCM", keySaltLength: 44)

    /// The suites whose key length this library knows.
    public static let known: [SDPCryptoSuite] = [
        aesCM128HMACSHA1_80, aesCM128HMACSHA1_32, aes256CMHMACSHA1_80, aes256CMHMACSHA1_32, aeadAES128GCM, aeadAES256GCM,
    ]

    /// The known suite named `name`, or nil.
    public static func named(_ name: String) -> SDPCryptoSuite? {
        known.first { $0.name == name }
    }
}
