/// One `inline:` key parameter of an `a=crypto` line (RFC 4568 §9.2, §6.1): the master key
/// followed by the master salt, an optional key lifetime and an optional master key identifier.
///
/// ```
/// inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:4
///        └──── key||salt, base64 (30 bytes) ────┘ └┬─┘ └┬┘
///                                          lifetime  MKI value:length
/// ```
///
/// - warning: ``keySalt`` is secret. ``description``, ``debugDescription`` and the mirror
///   (`dump`) show only its length; only ``value`` (what goes on the wire) holds it.
public struct SDPCryptoKeyParameter: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The master key followed by the master salt.
    public var keySalt: [UInt8]
    /// The number of packets the key may protect, or nil when not given.
    public var lifetime: UInt64?
    /// The master key identifier carried in each packet, or nil for none.
    public var mki: MKI?

    /// A master key identifier (RFC 4568 §6.1): its value and the bytes it takes in a packet.
    public struct MKI: Sendable, Hashable {
        /// The identifier.
        public var value: UInt64
        /// Its length in each packet, 1...128 bytes.
        public var length: Int

        /// An identifier.
        public init(value: UInt64, length: Int) {
            self.value = value
            self.length = length
        }
    }

    /// A key parameter.
    public init(keySalt: [UInt8], lifetime: UInt64? = nil, mki: MKI? = nil) {
        self.keySalt = keySalt
        self.lifetime = lifetime
        self.mki = mki
    }

    /// The parameter as written in `a=crypto`: `inline:<base64>[|lifetime][|mki:length]`. The
    /// lifetime is written as `2^n` when it is a power of two.
    public var value: String {
        var text = "inline:" + SDPBase64.encode(keySalt)
        if let lifetime {
            if lifetime != 0, lifetime & (lifetime - 1) == 0 {
                text += "|2^\(lifetime.trailingZeroBitCount)"
            } else {
                text += "|\(lifetime)"
            }
        }
        if let mki { text += "|\(mki.value):\(mki.length)" }
        return text
    }

    /// `inline:<N bytes>` and the lifetime and MKI: never the key.
    public var description: String {
        var text = "inline:<\(keySalt.count) bytes>"
        if let lifetime { text += "|\(lifetime)" }
        if let mki { text += "|\(mki.value):\(mki.length)" }
        return text
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(self, children: ["keySalt": "<\(keySalt.count) bytes>", "lifetime": lifetime as Any, "mki": mki as Any])
    }
}
