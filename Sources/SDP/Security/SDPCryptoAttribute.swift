/// An `a=crypto` attribute (SDES, RFC 4568 §9.1): how the sender of the description protects
/// the media it sends with SRTP, and the key it uses.
///
/// ```
/// a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:4
///          │ └──── crypto-suite ───┘ └───────────────── key-params ──────────────────────┘
///         tag                                                     [session-params...]
/// ```
///
/// Parse a received value with ``init(parsing:)``; write ours with ``value``. The answer
/// repeats the tag of the offered line it accepts (§5.1.2).
///
/// - warning: The key parameters are secret: ``description`` leaves them out, but ``value``
///   (and so the SDP sent) holds them, which is why SDES needs a signalling path that is
///   itself protected (SIP over TLS) to keep them from eavesdroppers (RFC 4568 §8).
public struct SDPCryptoAttribute: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The tag, 0...999999999, naming this line within its m-line.
    public var tag: UInt32
    /// The crypto suite's name as written (see ``SDPCryptoSuite`` for the known ones).
    public var suite: String
    /// One or more keys (more than one only with MKIs or lifetimes, §6.1).
    public var keyParameters: [SDPCryptoKeyParameter]
    /// Session parameters as written (`KDR=`, `UNENCRYPTED_SRTP`, `FEC_ORDER=`...), RFC 4568
    /// §6.3; SwiftSIP accepts none of them.
    public var sessionParameters: [String]

    /// An attribute.
    public init(tag: UInt32, suite: String, keyParameters: [SDPCryptoKeyParameter], sessionParameters: [String] = []) {
        self.tag = tag
        self.suite = suite
        self.keyParameters = keyParameters
        self.sessionParameters = sessionParameters
    }

    /// The attribute value, as written after `a=crypto:`.
    public var value: String {
        var text = "\(tag) \(suite) " + keyParameters.map(\.value).joined(separator: ";")
        for parameter in sessionParameters { text += " " + parameter }
        return text
    }

    /// The `a=crypto` attribute for a media description.
    public var attribute: SDPAttribute { SDPAttribute("crypto", value) }

    /// The known suite this line names, or nil.
    public var knownSuite: SDPCryptoSuite? { SDPCryptoSuite.named(suite) }

    /// The line's single key when SwiftSIP can use it: a known suite, exactly one key, no MKI
    /// and no session parameters (a lifetime is accepted: calls end long before 2^31 packets).
    public var usableKey: SDPCryptoKeyParameter? {
        guard knownSuite != nil, keyParameters.count == 1, let key = keyParameters.first, key.mki == nil,
            sessionParameters.isEmpty
        else { return nil }
        return key
    }

    /// The value with every key redacted.
    public var description: String {
        var text = "\(tag) \(suite) " + keyParameters.map(\.description).joined(separator: ";")
        for parameter in sessionParameters { text += " " + parameter }
        return text
    }

    public var debugDescription: String { description }
}
