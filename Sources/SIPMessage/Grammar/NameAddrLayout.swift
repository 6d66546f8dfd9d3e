/// One name-addr or addr-spec with its parameters (RFC 3261 §25.1: From, To, Contact, Route,
/// Record-Route, Reply-To...) as ranges: `"Display" <uri>;param=value`.
struct NameAddrLayout: Sendable {
    /// The display name as written: a quoted string (quotes included) or tokens; empty if none.
    var displayName = ByteRange.empty
    var uri = ByteRange.empty
    /// Whether the URI was written inside `<` `>`.
    var bracketed = false
    /// `Contact: *`.
    var isWildcard = false
    /// The header parameters after the URI (`;tag=...;expires=...`).
    var parameters = ByteRange.empty
    /// The `tag` parameter's value, found while checking the parameters; empty if none.
    var tag = ByteRange.empty

    init() {}

    /// Scans `bytes[start..<end]`, one comma-separated value.
    static func scan(
        _ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int, allowWildcard: Bool = false
    ) throws(SIPParseError) -> NameAddrLayout {
        var layout = NameAddrLayout()
        var index = skipWhitespace(bytes, start, end)
        let valueEnd = trimTrailingWhitespace(bytes, index, end)
        guard index < valueEnd else { throw SIPParseError(.malformedHeaderValue, at: index, "an address is empty") }
        if allowWildcard, bytes[index] == ASCII.star, skipWhitespace(bytes, index &+ 1, valueEnd) == valueEnd {
            layout.isWildcard = true
            layout.uri = ByteRange(index, index &+ 1)
            return layout
        }

        var laquot = -1
        if bytes[index] == ASCII.quote {
            guard let after = scanQuotedString(bytes, index, valueEnd) else {
                throw SIPParseError(.malformedHeaderValue, at: index, "a quoted display name is not closed")
            }
            layout.displayName = ByteRange(index, after)
            index = skipWhitespace(bytes, after, valueEnd)
            guard index < valueEnd, bytes[index] == ASCII.lessThan else {
                throw SIPParseError(.malformedHeaderValue, at: index, "expected '<' after a quoted display name")
            }
            laquot = index
        } else if bytes[index] == ASCII.lessThan {
            laquot = index
        } else {
            // Either `token *(LWS token) <uri>` or an addr-spec: scan tokens and white space;
            // a '<' means a display name came first, anything else means an addr-spec.
            var probe = index
            while probe < valueEnd {
                let byte = bytes[probe]
                if ASCII.token.contains(byte) || ASCII.isWhitespace(byte) {
                    probe &+= 1
                    continue
                }
                break
            }
            if probe < valueEnd, bytes[probe] == ASCII.lessThan {
                layout.displayName = ByteRange(index, trimTrailingWhitespace(bytes, index, probe))
                laquot = probe
            }
        }
        if laquot >= 0 {
            // LAQUOT addr-spec RAQUOT, with no white space inside the brackets.
            // The URI's own characters are checked by `validate()` (``SIPURI`` for sip, sips
            // and tel); here: its extent, its scheme, and no white space next to the brackets.
            let uriStart = laquot &+ 1
            guard let close = findByte(bytes, uriStart, valueEnd, ASCII.greaterThan) else {
                throw SIPParseError(.malformedHeaderValue, at: laquot, "'<' is not closed by '>'")
            }
            guard hasScheme(bytes, uriStart, close), !ASCII.isWhitespace(bytes[close &- 1]) else {
                throw SIPParseError(.malformedHeaderValue, at: uriStart, "the text inside '<' '>' is not a URI")
            }
            layout.uri = ByteRange(uriStart, close)
            layout.bracketed = true
            index = close &+ 1
        } else {
            // addr-spec: the URI runs to the first ';' (its parameters are header parameters)
            // and may not contain white space, ',' or '?' (RFC 3261 §20.10).
            var uriEnd = index
            while uriEnd < valueEnd {
                let byte = bytes[uriEnd]
                if byte == ASCII.semicolon || ASCII.isWhitespace(byte) { break }
                uriEnd &+= 1
            }
            guard looksLikeURI(bytes, index, uriEnd) else {
                throw SIPParseError(.malformedHeaderValue, at: index, "an address is not a URI")
            }

            var probe = index
            while probe < uriEnd {
                if bytes[probe] == ASCII.question || bytes[probe] == ASCII.comma {
                    throw SIPParseError(.malformedHeaderValue, at: probe, "a URI with '?' or ',' must be enclosed in '<' '>'")
                }
                probe &+= 1
            }
            layout.uri = ByteRange(index, uriEnd)
            index = uriEnd
        }
        layout.parameters = ByteRange(index, valueEnd)
        var tag = ByteRange.empty
        var foundTag = false
        try scanParameters(bytes, index, valueEnd) { parameter in
            // A repeated parameter: the first one counts, as in every typed view.
            if !foundTag, parameter.name.count == 3, literalEqualsLowercased(bytes, parameter.name.start, "tag") {
                tag = parameter.value
                foundTag = true
            }
            return true
        }
        layout.tag = tag
        return layout
    }

    /// The value of parameter `name` (lower-case literal) among the header parameters, or nil.
    func parameter(_ name: StaticString, in bytes: UnsafeRawBufferPointer) -> ByteRange? {
        var found: ByteRange?
        // The parameters were checked by `scan`, so this walk cannot fail.
        try? scanParameters(bytes, parameters.start, parameters.end) { parameter in
            if parameter.name.count == name.utf8CodeUnitCount, literalEqualsLowercased(bytes, parameter.name.start, name) {
                found = parameter.value
                return false
            }
            return true
        }
        return found
    }
}
