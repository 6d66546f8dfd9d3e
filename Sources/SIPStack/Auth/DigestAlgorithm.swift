import Crypto
import NIOCore

/// A digest algorithm a SIP challenge can name (RFC 7616 §3.3 and §6.1, RFC 8760 §2): the hash
/// `H` and whether `A1` is the session variant (`-sess`, RFC 7616 §3.4.2).
///
/// SHA-512-256 is registered for SIP by RFC 8760, but swift-crypto has no SHA-512/256, so
/// ``init(token:)`` refuses it with ``DigestAuthError/Code/unsupportedAlgorithm`` and clients
/// fall back to another challenge of the same realm.
public enum DigestAlgorithm: Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// `MD5` (RFC 7616 §3.3; the default when a challenge names no algorithm).
    case md5
    /// `MD5-sess`.
    case md5Session
    /// `SHA-256` (RFC 7616 §3.3, RFC 8760 §2).
    case sha256
    /// `SHA-256-sess`.
    case sha256Session

    /// Parses an algorithm token, ignoring ASCII case.
    ///
    /// - Throws: ``DigestAuthError/Code/unsupportedAlgorithm`` for SHA-512-256 (not offered by
    ///   swift-crypto) and for any other token.
    public init(token: String) throws(DigestAuthError) {
        switch token.lowercased() {
        case "md5": self = .md5
        case "md5-sess": self = .md5Session
        case "sha-256": self = .sha256
        case "sha-256-sess": self = .sha256Session
        case "sha-512-256", "sha-512-256-sess":
            throw DigestAuthError(.unsupportedAlgorithm, "SHA-512-256 is not supported: swift-crypto offers no SHA-512/256")
        default:
            throw DigestAuthError(.unsupportedAlgorithm, "the digest algorithm is not one of MD5, MD5-sess, SHA-256, SHA-256-sess")
        }
    }

    /// The token as it goes on the wire (`algorithm=SHA-256`, never quoted in SIP).
    public var token: String {
        switch self {
        case .md5: "MD5"
        case .md5Session: "MD5-sess"
        case .sha256: "SHA-256"
        case .sha256Session: "SHA-256-sess"
        }
    }

    /// Whether `A1` is hashed again with the nonce and cnonce (RFC 7616 §3.4.2).
    public var isSession: Bool { self == .md5Session || self == .sha256Session }

    /// Whether the hash is MD5 (which a client may refuse, RFC 8760 §1 and §2).
    public var isMD5: Bool { self == .md5 || self == .md5Session }

    /// The length of a hex digest of this algorithm: 32 for MD5, 64 for SHA-256.
    public var hexDigestLength: Int { isMD5 ? 32 : 64 }

    public var description: String { token }

    /// The client's order of preference, SHA-256 before MD5: local policy, which RFC 8760 §2
    /// allows over "the topmost challenge".
    var preference: Int {
        switch self {
        case .sha256: 0
        case .sha256Session: 1
        case .md5: 2
        case .md5Session: 3
        }
    }

    /// `H(bytes)` as lower-case hex.
    func hash(bytes: UnsafeRawBufferPointer) -> String {
        switch self {
        case .md5, .md5Session: Self.hexDigest(Insecure.MD5.self, bytes)
        case .sha256, .sha256Session: Self.hexDigest(SHA256.self, bytes)
        }
    }

    private static func hexDigest<Hash: HashFunction>(_: Hash.Type, _ bytes: UnsafeRawBufferPointer) -> String {
        var hasher = Hash()
        hasher.update(bufferPointer: bytes)
        return HexEncoding.encode(hasher.finalize())
    }

    /// `H(text)` over the UTF-8 of `text`, as lower-case hex.
    func hash(_ text: String) -> String {
        var text = text
        return text.withUTF8 { hash(bytes: UnsafeRawBufferPointer($0)) }
    }

    /// `H(body)` over the readable bytes of `body`, as lower-case hex.
    func hash(_ body: ByteBuffer) -> String {
        body.withUnsafeReadableBytes { hash(bytes: $0) }
    }
}
