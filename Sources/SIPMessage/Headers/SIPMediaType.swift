/// A Content-Type (or one Accept entry) value (RFC 3261 §20.15): `type/subtype;parameters`.
public struct SIPMediaType: Sendable, Hashable, CustomStringConvertible {
    /// The type, such as `application` (compare case-insensitively).
    public let type: SIPBytes
    /// The subtype, such as `sdp`.
    public let subtype: SIPBytes
    /// The parameters (`charset=UTF-8`, `boundary=...`).
    public let parameters: [SIPParameter]

    /// Whether this is `type/subtype` (case-insensitive); `*` in the media type matches any.
    public func matches(type: String, subtype: String) -> Bool {
        (self.type.equals("*") || self.type.equalsIgnoringCase(type))
            && (self.subtype.equals("*") || self.subtype.equalsIgnoringCase(subtype))
    }

    public var description: String { "\(type)/\(subtype)" }
}

extension SIPMessage {
    func mediaType(_ range: ByteRange) throws(SIPParseError) -> SIPMediaType {
        let (type, subtype, parameters) = try withBytes { (raw) throws(SIPParseError) -> (ByteRange, ByteRange, ByteRange) in
            let typeEnd = scanRun(raw, range.start, range.end, ASCII.token)
            var index = skipWhitespace(raw, typeEnd, range.end)
            guard typeEnd > range.start, index < range.end, raw[index] == ASCII.slash else {
                throw SIPParseError(.malformedHeaderValue, at: index, "a media type is not type/subtype", isRequest: layout.isRequest)
            }
            index = skipWhitespace(raw, index &+ 1, range.end)
            let subtypeEnd = scanRun(raw, index, range.end, ASCII.token)
            guard subtypeEnd > index else {
                throw SIPParseError(.malformedHeaderValue, at: index, "a media type has no subtype", isRequest: layout.isRequest)
            }

            var valueless = -1
            try scanParameters(raw, subtypeEnd, range.end) { parameter in
                if !parameter.hasValue { valueless = parameter.name.start }
                return valueless < 0
            }
            if valueless >= 0 {
                throw SIPParseError(.malformedHeaderValue, at: valueless, "a media type parameter has no '=value'", isRequest: layout.isRequest)
            }
            return (ByteRange(range.start, typeEnd), ByteRange(index, subtypeEnd), ByteRange(subtypeEnd, range.end))
        }
        return SIPMediaType(type: slice(type), subtype: slice(subtype), parameters: parameterList(parameters))
    }

    /// The Content-Type, or nil when there is none.
    public func contentType() throws(SIPParseError) -> SIPMediaType? {
        guard let index = layout.headers.firstIndex(of: .contentType) else { return nil }
        return try mediaType(layout.headers[index].valueRange)
    }

    /// Every Accept entry in order (an empty Accept header gives none).
    public func accept() throws(SIPParseError) -> [SIPMediaType] {
        var result: [SIPMediaType] = []
        for element in try elementRanges(.accept) { result.append(try mediaType(element)) }
        return result
    }

    /// Whether the message has an Accept header (even an empty one).
    public var hasAccept: Bool { layout.headers.firstIndex(of: .accept) != nil }
}
