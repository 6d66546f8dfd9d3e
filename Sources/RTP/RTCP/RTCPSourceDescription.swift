/// An SDES packet (RFC 3550 §6.5, PT 202): per source, a list of items, the CNAME first.
public struct RTCPSourceDescription: Sendable, Hashable {
    /// One source's items.
    public struct Chunk: Sendable, Hashable {
        /// The source described.
        public var ssrc: UInt32
        /// Its items in order, as (type, text): type 1 is CNAME, 2 NAME ... 8 PRIV.
        public var items: [Item]

        /// A chunk.
        public init(ssrc: UInt32, items: [Item]) {
            self.ssrc = ssrc
            self.items = items
        }

        /// The CNAME item's text (RFC 3550 §6.5.1), or nil.
        public var cname: String? { items.first { $0.type == Item.cname }?.text }
    }

    /// One SDES item: a type and up to 255 bytes of UTF-8 text.
    public struct Item: Sendable, Hashable {
        /// The item type (1...8).
        public var type: UInt8
        /// The text (longer than 255 bytes is cut when written).
        public var text: String

        /// An item.
        public init(type: UInt8, text: String) {
            self.type = type
            self.text = text
        }

        /// The CNAME item type, 1.
        public static let cname: UInt8 = 1
    }

    /// The chunks (at most 31 are written).
    public var chunks: [Chunk]

    /// A source description.
    public init(chunks: [Chunk]) {
        self.chunks = chunks
    }

    /// An SDES with one chunk holding only `cname` for `ssrc`.
    public init(ssrc: UInt32, cname: String) {
        self.chunks = [Chunk(ssrc: ssrc, items: [Item(type: Item.cname, text: cname)])]
    }
}

/// A BYE packet (RFC 3550 §6.6, PT 203): sources leaving, with an optional reason.
public struct RTCPGoodbye: Sendable, Hashable {
    /// The sources leaving (at most 31 are written).
    public var ssrcs: [UInt32]
    /// Why, or nil.
    public var reason: String?

    /// A goodbye.
    public init(ssrcs: [UInt32], reason: String? = nil) {
        self.ssrcs = ssrcs
        self.reason = reason
    }
}
