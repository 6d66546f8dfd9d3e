/// A header field name resolved to a small id, so that lookups compare integers.
///
/// Names are case-insensitive and compact forms fold into their long form at parse time
/// (`v` is ``via``, `i` is ``callID``; RFC 3261 §7.3.3). Names the parser does not know are
/// ``other``; look those up by their spelling with ``SIPMessage/headers(named:)``.
public struct SIPHeaderName: Hashable, Sendable, CustomStringConvertible {
    /// The id; 0 is ``other``.
    public let rawValue: UInt8

    @inlinable
    public init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    /// A header the parser does not know by name.
    public static let other = SIPHeaderName(rawValue: 0)

    /// Resolves a spelling (any case, compact or long form); ``other`` when unknown.
    public init(_ name: String) {
        var name = name
        let resolved: SIPHeaderName = name.withUTF8 { utf8 in
            let raw = UnsafeRawBufferPointer(utf8)
            guard raw.count > 0, raw.allSatisfy({ ASCII.token.contains($0) }) else { return .other }
            return SIPHeaderName.lookup(raw, 0, raw.count)
        }
        self = resolved
    }

    /// The canonical spelling (`Call-ID`, `WWW-Authenticate`); empty for ``other``.
    public var canonicalName: StaticString {
        Int(rawValue) < SIPHeaderName.knownCount ? SIPHeaderName.canonicalNames[Int(rawValue)] : ""
    }

    public var description: String { rawValue == 0 ? "(other)" : canonicalName.description }
}
