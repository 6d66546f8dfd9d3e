/// One `;name[=value]` parameter as ranges (RFC 3261 §25.1 generic-param). For a quoted value
/// the range includes the quotes.
struct RawParameter: Sendable {
    var name: ByteRange
    var value: ByteRange
    var hasValue: Bool
    init(name: ByteRange, value: ByteRange, hasValue: Bool) {
        self.name = name
        self.value = value
        self.hasValue = hasValue
    }
}

/// Scans one parameter starting at `position` (just after `;` and any white space):
/// `token [ SWS "=" SWS gen-value ]` where gen-value is a token, a host (including an IPv6
/// reference or a bare IPv6 address, RFC 5118 §4.5) or a quoted string.
func scanParameter(
    _ bytes: UnsafeRawBufferPointer, _ position: Int, _ end: Int
) throws(SIPParseError) -> (parameter: RawParameter, next: Int) {
    let nameEnd = scanRun(bytes, position, end, ASCII.token)
    guard nameEnd > position else {
        throw SIPParseError(.malformedHeaderValue, at: position, "a parameter has no name")
    }

    var index = skipWhitespace(bytes, nameEnd, end)
    guard index < end, bytes[index] == ASCII.equals else {
        return (RawParameter(name: ByteRange(position, nameEnd), value: .empty, hasValue: false), nameEnd)
    }
    index = skipWhitespace(bytes, index &+ 1, end)
    let valueStart = index
    guard index < end else {
        throw SIPParseError(.malformedHeaderValue, at: index, "a parameter has '=' but no value")
    }

    let first = bytes[index]
    if first == ASCII.quote {
        guard let after = scanQuotedString(bytes, index, end) else {
            throw SIPParseError(.malformedHeaderValue, at: index, "a quoted parameter value is not closed")
        }
        index = after
    } else if first == ASCII.leftBracket {
        guard let host = scanHost(bytes, index, end) else {
            throw SIPParseError(.malformedHeaderValue, at: index, "a parameter value is not a valid IPv6 reference")
        }
        index = host.end
    } else {
        index = scanRun(bytes, index, end, ASCII.tokenOrColon)
        guard index > valueStart else {
            throw SIPParseError(.malformedHeaderValue, at: index, "a parameter value is not a token, host or quoted string")
        }
    }
    return (RawParameter(name: ByteRange(position, nameEnd), value: ByteRange(valueStart, index), hasValue: true), index)
}

/// Walks `*( SEMI generic-param )` in `bytes[position..<end]`, calling `visit` for each
/// parameter; throws on the first malformed one. Stops early when `visit` returns false.
func scanParameters(
    _ bytes: UnsafeRawBufferPointer, _ position: Int, _ end: Int,
    _ visit: (RawParameter) -> Bool
) throws(SIPParseError) {
    var index = position
    while true {
        index = skipWhitespace(bytes, index, end)
        if index >= end { return }
        guard bytes[index] == ASCII.semicolon else {
            throw SIPParseError(.malformedHeaderValue, at: index, "expected ';' before a parameter")
        }
        index = skipWhitespace(bytes, index &+ 1, end)
        let (parameter, next) = try scanParameter(bytes, index, end)
        if !visit(parameter) { return }
        index = next
    }
}

/// Walks the `;param` list of a Via value that starts at `position` (the bytes after sent-by,
/// `sentByEnd`), calling `visit` with each parameter and the range `;name=value` occupies
/// (from its `;`), so that a writer can leave some out.
func scanParameters(
    _ bytes: UnsafeRawBufferPointer, _ position: Int, _ end: Int, skipping sentByEnd: Int,
    _ visit: (RawParameter, ByteRange) -> Void
) throws(SIPParseError) {
    var index = sentByEnd
    while true {
        // Skip any ":port" already covered by sentByEnd, and white space.
        index = skipWhitespace(bytes, index, end)
        if index >= end { return }
        guard bytes[index] == ASCII.semicolon else { return }
        let semicolon = index
        index = skipWhitespace(bytes, index &+ 1, end)
        let (parameter, next) = try scanParameter(bytes, index, end)
        visit(parameter, ByteRange(semicolon, next))
        index = next
    }
}
