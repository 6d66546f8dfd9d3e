/// The SRTP agreement of an offer/answer exchange (RFC 4568): the suite, and the key each side
/// sends with. The SRTP layer turns it into contexts; SDP only carries it.
///
/// - warning: Holds both keys. ``description`` shows the suite and tag only.
public struct NegotiatedCrypto: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The agreed suite.
    public var suite: SDPCryptoSuite
    /// The tag of the agreed `a=crypto` line.
    public var tag: UInt32
    /// Our key: what we protect the media we send with.
    public var localKey: SDPCryptoKeyParameter
    /// The peer's key: what we unprotect the media we receive with.
    public var remoteKey: SDPCryptoKeyParameter

    /// An agreement.
    public init(suite: SDPCryptoSuite, tag: UInt32, localKey: SDPCryptoKeyParameter, remoteKey: SDPCryptoKeyParameter) {
        self.suite = suite
        self.tag = tag
        self.localKey = localKey
        self.remoteKey = remoteKey
    }

    public var description: String { "\(suite.name) (tag \(tag))" }
    public var debugDescription: String { description }
}
