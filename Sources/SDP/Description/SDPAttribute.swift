/// One `a=` line: a property attribute (`a=rtcp-mux`) or a value attribute
/// (`a=rtpmap:0 PCMU/8000`), RFC 8866 §5.13.
///
/// Attributes are kept in the order they were read, so that writing a parsed description gives
/// its attributes back unchanged. Typed views (``SDPMediaDescription/rtpMaps``,
/// ``SDPMediaDescription/packetTime``...) read them on demand.
public struct SDPAttribute: Sendable, Hashable {
    /// The attribute name (before the colon).
    public var name: String
    /// The value after the colon; nil for a property attribute.
    public var value: String?

    /// An attribute named `name`, with an optional value.
    public init(_ name: String, _ value: String? = nil) {
        self.name = name
        self.value = value
    }
}
