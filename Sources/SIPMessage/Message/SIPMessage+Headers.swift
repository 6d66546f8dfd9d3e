/// Access to the header lines in arrival order, by id and by name.
extension SIPMessage {
    /// The number of header lines (continuation lines are part of their header).
    public var headerCount: Int { layout.headers.count }

    /// The header line at `index` (0 ..< ``headerCount``), in arrival order.
    public func header(at index: Int) -> SIPHeader? {
        guard index >= 0, index < layout.headers.count else { return nil }
        let field = layout.headers[index]
        return SIPHeader(name: field.name, nameBytes: slice(field.nameRange), value: slice(field.valueRange))
    }

    /// All header lines in arrival order.
    public var headers: [SIPHeader] {
        (0..<layout.headers.count).compactMap { header(at: $0) }
    }

    /// The value of the first header line with id `name`, or nil.
    public func firstValue(_ name: SIPHeaderName) -> SIPBytes? {
        guard let index = layout.headers.firstIndex(of: name) else { return nil }
        return slice(layout.headers[index].valueRange)
    }

    /// The values of every header line with id `name`, in order (a line with several
    /// comma-separated values is one entry; see the typed views to split them).
    public func values(_ name: SIPHeaderName) -> [SIPBytes] {
        var result: [SIPBytes] = []
        var index = 0
        while let found = layout.headers.firstIndex(of: name, from: index) {
            result.append(slice(layout.headers[found].valueRange))
            index = found &+ 1
        }
        return result
    }

    /// The number of header lines with id `name`.
    public func count(of name: SIPHeaderName) -> Int {
        var total = 0
        for index in 0..<layout.headers.count where layout.headers[index].name == name { total &+= 1 }
        return total
    }

    /// The values of every header line spelled `name` (case-insensitive; a known name or its
    /// compact form finds the other spellings too).
    public func headers(named name: String) -> [SIPBytes] {
        let id = SIPHeaderName(name)
        if id != .other { return values(id) }
        var result: [SIPBytes] = []
        for index in 0..<layout.headers.count where layout.headers[index].name == .other {
            let field = layout.headers[index]
            if slice(field.nameRange).equalsIgnoringCase(name) { result.append(slice(field.valueRange)) }
        }
        return result
    }

    /// The ranges of the comma-separated values of every `name` header, in order.
    func elementRanges(_ name: SIPHeaderName) throws(SIPParseError) -> [ByteRange] {
        try withBytes { (raw) throws(SIPParseError) -> [ByteRange] in
            var result: [ByteRange] = []
            for index in 0..<layout.headers.count where layout.headers[index].name == name {
                let value = layout.headers[index].valueRange
                var position = value.start
                while position < value.end {
                    guard let end = scanElementEnd(raw, position, value.end) else {
                        throw SIPParseError(.malformedHeaderValue, at: position, "a quote or '<' is not closed", isRequest: layout.isRequest)
                    }

                    let start = skipWhitespace(raw, position, end)
                    let trimmedEnd = trimTrailingWhitespace(raw, start, end)
                    guard trimmedEnd > start else {
                        throw SIPParseError(.malformedHeaderValue, at: start, "an empty value between commas", isRequest: layout.isRequest)
                    }
                    result.append(ByteRange(start, trimmedEnd))
                    position = end &+ 1
                    if end < value.end, skipWhitespace(raw, position, value.end) == value.end {
                        throw SIPParseError(.malformedHeaderValue, at: end, "a trailing comma", isRequest: layout.isRequest)
                    }
                }
            }
            return result
        }
    }
}
