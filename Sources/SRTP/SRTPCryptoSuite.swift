import CSRTP

/// An SRTP protection profile SwiftSIP runs through libsrtp, named as SDES names it (RFC 4568
/// §6.2, RFC 6188 §7.1, RFC 7714 §14.2).
///
/// | suite | key + salt | SRTP tag | SRTCP tag |
/// | --- | --- | --- | --- |
/// | `AES_CM_128_HMAC_SHA1_80` | 16 + 14 bytes | 80 bits | 80 bits |
/// | `AES_CM_128_HMAC_SHA1_32` | 16 + 14 bytes | 32 bits | 80 bits (RFC 4568 §6.2.2) |
/// | `AES_256_CM_HMAC_SHA1_80` | 32 + 14 bytes | 80 bits | 80 bits |
/// | `AES_256_CM_HMAC_SHA1_32` | 32 + 14 bytes | 32 bits | 80 bits |
/// | `AEAD_AES_128_GCM` | 16 + 12 bytes | 128 bits (AEAD) | 128 bits (AEAD) |
/// | `AEAD_AES_256_GCM` | 32 + 12 bytes | 128 bits (AEAD) | 128 bits (AEAD) |
public enum SRTPCryptoSuite: String, Sendable, Hashable, CaseIterable {
    /// AES-128 counter mode, HMAC-SHA1 80: the default of RFC 3711 and the one every SDES peer has.
    case aesCM128HMACSHA1_80 = "AES_CM_128_HMAC_SHA1_80"
    /// AES-128 counter mode, HMAC-SHA1 32 (80 on SRTCP).
    case aesCM128HMACSHA1_32 = "AES_CM_128_HMAC_SHA1_32"
    /// AES-256 counter mode, HMAC-SHA1 80 (RFC 6188).
    case aes256CMHMACSHA1_80 = "AES_256_CM_HMAC_SHA1_80"
    /// AES-256 counter mode, HMAC-SHA1 32 (80 on SRTCP).
    case aes256CMHMACSHA1_32 = "AES_256_CM_HMAC_SHA1_32"
    /// AES-128 GCM, authenticated encryption with a 16-byte tag (RFC 7714).
    case aeadAES128GCM = "AEAD_AES_128_GCM"
    /// AES-256 GCM, authenticated encryption with a 16-byte tag (RFC 7714).
    case aeadAES256GCM = "AEAD_AES_256_GCM"

    /// The suite named `name` in `a=crypto`, or nil.
    public init?(name: String) {
        self.init(rawValue: name)
    }

    /// The name in `a=crypto`.
    public var name: String { rawValue }

    /// The master key length in bytes.
    public var keyLength: Int {
        switch self {
        case .aesCM128HMACSHA1_80, .aesCM128HMACSHA1_32, .aeadAES128GCM: 16
        case .aes256CMHMACSHA1_80, .aes256CMHMACSHA1_32, .aeadAES256GCM: 32
        }
    }

    /// The master salt length in bytes: 112 bits for counter mode, 96 for GCM (RFC 7714 §14.2).
    public var saltLength: Int {
        switch self {
        case .aeadAES128GCM, .aeadAES256GCM: 12
        default: 14
        }
    }

    /// The master key followed by the master salt, in bytes.
    public var keySaltLength: Int { keyLength + saltLength }

    /// The authentication tag appended to each SRTP packet, in bytes.
    public var rtpTagLength: Int {
        switch self {
        case .aesCM128HMACSHA1_80, .aes256CMHMACSHA1_80: 10
        case .aesCM128HMACSHA1_32, .aes256CMHMACSHA1_32: 4
        case .aeadAES128GCM, .aeadAES256GCM: 16
        }
    }

    /// What protecting adds to an RTCP compound packet, in bytes: the E flag and SRTCP index,
    /// then the tag (80 bits for the counter-mode suites, 128 for GCM).
    public var rtcpTrailerLength: Int {
        switch self {
        case .aeadAES128GCM, .aeadAES256GCM: 4 + 16
        default: 4 + 10
        }
    }

    /// Fills libsrtp's SRTP and SRTCP crypto policies for this suite. SPI for `Benchmarks srtp`,
    /// which measures libsrtp alone as the baseline of the contexts' cost.
    @_spi(Benchmarks)
    public func configure(rtp: inout srtp_crypto_policy_t, rtcp: inout srtp_crypto_policy_t) {
        switch self {
        case .aesCM128HMACSHA1_80:
            srtp_crypto_policy_set_rtp_default(&rtp)
            srtp_crypto_policy_set_rtcp_default(&rtcp)
        case .aesCM128HMACSHA1_32:
            srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&rtp)
            srtp_crypto_policy_set_rtcp_default(&rtcp)
        case .aes256CMHMACSHA1_80:
            srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(&rtp)
            srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(&rtcp)
        case .aes256CMHMACSHA1_32:
            srtp_crypto_policy_set_aes_cm_256_hmac_sha1_32(&rtp)
            srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(&rtcp)
        case .aeadAES128GCM:
            srtp_crypto_policy_set_aes_gcm_128_16_auth(&rtp)
            srtp_crypto_policy_set_aes_gcm_128_16_auth(&rtcp)
        case .aeadAES256GCM:
            srtp_crypto_policy_set_aes_gcm_256_16_auth(&rtp)
            srtp_crypto_policy_set_aes_gcm_256_16_auth(&rtcp)
        }
    }
}
