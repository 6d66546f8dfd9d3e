/// An address header value (RFC 3261 §20.10, §20.20, §20.39: From, To, Contact, Route,
/// Record-Route, Reply-To): an optional display name, a URI and header parameters.
public struct SIPNameAddress: Sendable, Hashable {
    /// The display name as written (quoted strings keep their quotes), or nil.
    public let displayNameBytes: SIPBytes?
    /// The URI, without angle brackets. For `Contact: *` this is `*`.
    public let uri: SIPBytes
    /// Whether the URI was inside `<` `>`.
    public let isBracketed: Bool
    /// Whether this is the `*` of a REGISTER that removes all bindings.
    public let isWildcard: Bool
    /// The header parameters after the URI (not the URI's own parameters).
    public let parameters: [SIPParameter]

    /// The display name without quotes and escapes, or nil.
    public var displayName: String? { displayNameBytes.map(unquote) }
    /// The `tag` parameter, or nil.
    public var tag: SIPBytes? { parameters.first(named: "tag")?.value }
    /// The Contact `expires` parameter in seconds, or nil when absent or not a number.
    public var expires: UInt32? {
        guard let value = parameters.first(named: "expires")?.value?.decimalValue else { return nil }
        return UInt32(clamping: value)
    }

    /// The Contact `q` parameter (0 to 1), or nil when absent or malformed.
    public var q: Double? {
        guard let text = parameters.first(named: "q")?.value?.string, let value = Double(text), value >= 0, value <= 1 else {
            return nil
        }
        return value
    }

    /// The URI parsed as a sip, sips or tel URI.
    public func parsedURI() throws(SIPParseError) -> SIPURI { try SIPURI(parsing: uri) }
}

extension SIPMessage {
    func nameAddress(_ range: ByteRange, allowWildcard: Bool = false) throws(SIPParseError) -> SIPNameAddress {
        let layout = try withBytes { (raw) throws(SIPParseError) in
            try NameAddrLayout.scan(raw, range.start, range.end, allowWildcard: allowWildcard)
        }
        return SIPNameAddress(
            displayNameBytes: optionalSlice(layout.displayName), uri: slice(layout.uri), isBracketed: layout.bracketed,
            isWildcard: layout.isWildcard, parameters: parameterList(layout.parameters))
    }

    func singleAddress(_ name: SIPHeaderName) throws(SIPParseError) -> SIPNameAddress? {
        guard let index = layout.headers.firstIndex(of: name) else { return nil }
        return try nameAddress(layout.headers[index].valueRange)
    }

    func addressList(_ name: SIPHeaderName, allowWildcard: Bool = false) throws(SIPParseError) -> [SIPNameAddress] {
        var result: [SIPNameAddress] = []
        for element in try elementRanges(name) {
            result.append(try nameAddress(element, allowWildcard: allowWildcard))
        }
        return result
    }

    /// The From header (first one), or nil.
    public func from() throws(SIPParseError) -> SIPNameAddress? { try singleAddress(.from) }
    /// The To header (first one), or nil.
    public func to() throws(SIPParseError) -> SIPNameAddress? { try singleAddress(.to) }
    /// Every Contact value in order (`*` is a wildcard entry).
    public func contacts() throws(SIPParseError) -> [SIPNameAddress] { try addressList(.contact, allowWildcard: true) }
    /// Every Route value in order.
    public func routes() throws(SIPParseError) -> [SIPNameAddress] { try addressList(.route) }
    /// Every Record-Route value in order.
    public func recordRoutes() throws(SIPParseError) -> [SIPNameAddress] { try addressList(.recordRoute) }
    /// The Reply-To header, or nil.
    public func replyTo() throws(SIPParseError) -> SIPNameAddress? { try singleAddress(.replyTo) }
}
