import Crypto
import Foundation
import _CryptoExtras

/// An independent SRTP reference for known-answer tests, from RFC 3711's definitions and
/// swift-crypto's AES and HMAC (not libsrtp): the key derivation (§4.3.1, with KDR 0 and
/// index 0), AES-CM encryption (§4.1.1) and the HMAC-SHA1 tag (§4.2.1).
enum SRTPReference {
    /// `hex` as bytes (test constants only).
    static func bytes(_ hex: String) -> [UInt8] {
        var result: [UInt8] = []
        var characters = hex.makeIterator()
        while let high = characters.next(), let low = characters.next() {
            if let byte = UInt8(String([high, low]), radix: 16) { result.append(byte) }
        }
        return result
    }

    /// The AES-CM keystream of `count` bytes under `key` from the 16-byte counter block `iv`.
    static func keystream(key: [UInt8], iv: [UInt8], count: Int) throws -> [UInt8] {
        let zeros = [UInt8](repeating: 0, count: count)
        let nonce = try AES._CTR.Nonce(nonceBytes: iv)
        return Array(try AES._CTR.encrypt(zeros, using: SymmetricKey(data: key), nonce: nonce))
    }

    /// The session key of `label` (0 cipher key, 1 auth key, 2 salt), `count` bytes long: the
    /// master key's keystream from x = key_id XOR master salt, times 2^16 (§4.3.1, r = 0).
    static func derive(masterKey: [UInt8], masterSalt: [UInt8], label: UInt8, count: Int) throws -> [UInt8] {
        var x = masterSalt
        x[7] ^= label  // key_id = label || r (48 zero bits), right-aligned in the 112-bit salt
        return try keystream(key: masterKey, iv: x + [0, 0], count: count)
    }

    /// An SRTP packet (RFC 3711 §3.1) for `plain` (a 12-byte header without CSRCs, then the
    /// payload) with rollover counter 0, under the session keys of `masterKey`||`masterSalt`,
    /// with a tag of `tagLength` bytes.
    static func protect(_ plain: [UInt8], masterKey: [UInt8], masterSalt: [UInt8], tagLength: Int) throws -> [UInt8] {
        let cipherKey = try derive(masterKey: masterKey, masterSalt: masterSalt, label: 0, count: masterKey.count)
        let authKey = try derive(masterKey: masterKey, masterSalt: masterSalt, label: 1, count: 20)
        let salt = try derive(masterKey: masterKey, masterSalt: masterSalt, label: 2, count: 14)
        let header = Array(plain[0..<12])
        let payload = Array(plain[12...])
        // IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16), i = ROC * 2^16 + SEQ (§4.1.1).
        var iv = salt + [0, 0]
        for offset in 0..<4 { iv[4 + offset] ^= header[8 + offset] }
        iv[12] ^= header[2]
        iv[13] ^= header[3]
        let stream = try keystream(key: cipherKey, iv: iv, count: payload.count)
        let encrypted = zip(payload, stream).map { $0 ^ $1 }
        let authenticated = header + encrypted + [0, 0, 0, 0]  // || ROC
        let tag = Array(HMAC<Insecure.SHA1>.authenticationCode(for: authenticated, using: SymmetricKey(data: authKey)))
        return header + encrypted + tag.prefix(tagLength)
    }
}
