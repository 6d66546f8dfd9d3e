import Crypto

/// Mints and checks self-validating nonces for ``DigestChallenger`` (RFC 7616 §3.3
/// suggests a time stamp and private data in the nonce), so the server stores nothing per
/// challenge:
///
/// ```
///  nonce = hex( issuedAt (8 bytes, big endian, ns of NIODeadline uptime)
///             | random   (8 bytes)
///             | HMAC-SHA256(key, 0x00 | issuedAt | random | realm)[0..<16] )   -> 64 hex digits
///  opaque = hex( HMAC-SHA256(key, 0x01 | nonce)[0..<12] )                      -> 24 hex digits
/// ```
struct DigestNonceCodec: Sendable {
    /// The secret key's bytes (kept as bytes: swift-crypto's `SymmetricKey` is not `Sendable`).
    private let key: [UInt8]
    private let realm: [UInt8]

    private static let macLength = 16
    private static let opaqueLength = 12
    private static let nonceLength = 8 + 8 + macLength

    init(key: [UInt8], realm: String) {
        self.key = key
        self.realm = Array(realm.utf8)
    }

    /// A nonce issued at `issuedAt` (ns) with `random` bits.
    func mint(issuedAt: UInt64, random: UInt64) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Self.nonceLength)
        append(issuedAt, to: &bytes)
        append(random, to: &bytes)
        bytes += mac(domain: 0, bytes).prefix(Self.macLength)
        return HexEncoding.encode(bytes)
    }

    /// When `nonce` was issued, or nil when this key did not mint it for this realm.
    func issuedAt(of nonce: String) -> UInt64? {
        guard nonce.utf8.count == Self.nonceLength &* 2, let bytes = HexEncoding.decode(nonce) else { return nil }
        let payload = Array(bytes[0..<16])
        let expected = Array(mac(domain: 0, payload).prefix(Self.macLength))
        guard HexEncoding.constantTimeEquals(Array(bytes[16...]), expected) else { return nil }
        return payload[0..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }

    /// The `opaque` that goes with `nonce`.
    func opaque(for nonce: String) -> String {
        HexEncoding.encode(mac(domain: 1, Array(nonce.utf8)).prefix(Self.opaqueLength))
    }

    private func mac(domain: UInt8, _ payload: [UInt8]) -> [UInt8] {
        var authenticator = HMAC<SHA256>(key: SymmetricKey(data: key))
        authenticator.update(data: [domain])
        authenticator.update(data: payload)
        if domain == 0 { authenticator.update(data: realm) }
        return Array(authenticator.finalize())
    }

    private func append(_ value: UInt64, to bytes: inout [UInt8]) {
        for shift in stride(from: 56, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
        }
    }
}
