/// An SRTP master key and master salt (RFC 3711 §8.2) for one suite: what one side protects
/// the media it sends with, and what SDES carries as `inline:` key||salt.
///
/// Make ours with ``random(for:)`` (the system CSPRNG: `getrandom(2)` on Linux, through
/// `SystemRandomNumberGenerator`); take the peer's with ``init(suite:keySalt:)``.
///
/// - warning: Secret. ``description``, ``debugDescription`` and the mirror (`dump`) show the
///   suite and length only; only ``keySalt`` exposes the bytes.
public struct SRTPMasterKey: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The suite the key is for.
    public let suite: SRTPCryptoSuite
    /// The master key followed by the master salt (``SRTPCryptoSuite/keySaltLength`` bytes).
    public let keySalt: [UInt8]

    /// A key of `suite` from its key||salt bytes.
    ///
    /// - Throws: ``SRTPError/Code/keyLength`` when `keySalt` is not as long as the suite needs.
    public init(suite: SRTPCryptoSuite, keySalt: [UInt8]) throws(SRTPError) {
        guard keySalt.count == suite.keySaltLength else { throw SRTPError(.keyLength) }
        self.suite = suite
        self.keySalt = keySalt
    }

    /// A fresh random key for `suite`.
    public static func random(for suite: SRTPCryptoSuite) -> SRTPMasterKey {
        var generator = SystemRandomNumberGenerator()
        return random(for: suite, using: &generator)
    }

    /// A random key for `suite` from `generator` (which must be a CSPRNG outside tests).
    public static func random(for suite: SRTPCryptoSuite, using generator: inout some RandomNumberGenerator) -> SRTPMasterKey {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(suite.keySaltLength)
        while bytes.count < suite.keySaltLength {
            var word = generator.next()
            for _ in 0..<8 where bytes.count < suite.keySaltLength {
                bytes.append(UInt8(truncatingIfNeeded: word))
                word >>= 8
            }
        }
        return SRTPMasterKey(checked: suite, bytes)
    }

    private init(checked suite: SRTPCryptoSuite, _ keySalt: [UInt8]) {
        self.suite = suite
        self.keySalt = keySalt
    }

    public var description: String { "\(suite.name) key <\(keySalt.count) bytes>" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["suite": suite, "keySalt": "<\(keySalt.count) bytes>"]) }
}
