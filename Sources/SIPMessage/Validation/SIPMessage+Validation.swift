/// Grammar checks of every header this library knows (RFC 3261 §25.1 and the RFCs of the
/// extension headers), beyond the ones parsing already made.
extension SIPMessage {
    /// Checks the Request-URI and every known header against its grammar, and the request's
    /// internal consistency (CSeq method against the request method).
    ///
    /// Parsing checks the start line and the headers every message needs (Via, From, To,
    /// Call-ID, CSeq, Content-Length); this checks the rest, so that a user agent can refuse a
    /// malformed request with 400 before acting on it.
    ///
    /// - Throws: ``SIPParseError`` naming the first problem and its byte offset.
    public func validate() throws(SIPParseError) {
        try checkLineEndings()
        if layout.isRequest { try validateRequestURI() }
        _ = try vias()
        for index in 0..<layout.headers.count {
            let field = layout.headers[index]
            try validateField(field)
        }
        if layout.isRequest, layout.flags.contains(.hasCSeq), layout.cseqMethodID != layout.methodID
            || (layout.methodID == 0 && !slice(layout.cseqMethodRange).bytes.elementsEqual(slice(layout.methodRange).bytes)) {
            throw malformed(.invalidCSeq, layout.cseqMethodRange.start, "the CSeq method does not match the request method")
        }
    }

    /// A CR in the header section must end a line (be followed by LF): a bare CR inside a
    /// header would end the line for some parsers and not for others (RFC 3261 §7.3.1).
    func checkLineEndings() throws(SIPParseError) {
        let bareCR = readBytes { raw -> Int in
            var index = layout.startLineRange.start
            let end = layout.bodyStart
            while let cr = findByte(raw, index, end, ASCII.cr) {
                if cr &+ 1 >= raw.count || raw[cr &+ 1] != ASCII.lf { return cr }
                index = cr &+ 2
            }
            return -1
        }
        if bareCR >= 0 { throw malformed(.malformedLineEnding, bareCR, "a CR inside the header section is not followed by LF") }
    }

    func malformed(_ code: SIPParseError.Code, _ offset: Int, _ detail: StaticString) -> SIPParseError {
        SIPParseError(code, at: offset, detail, isRequest: layout.isRequest)
    }

    /// A sip/sips/tel Request-URI must follow RFC 3261 §19.1 and carry no headers (§19.1.5);
    /// other schemes only need the absoluteURI shape checked at parse time.
    func validateRequestURI() throws(SIPParseError) {
        let uriBytes = slice(layout.requestURIRange)
        try checkURICharacters(layout.requestURIRange, code: .malformedRequestURI)
        guard let scheme = SIPURI.scheme(of: uriBytes), scheme == "sip" || scheme == "sips" || scheme == "tel" else { return }
        let uri: SIPURI
        do throws(SIPParseError) {
            uri = try SIPURI(parsing: uriBytes)
        } catch {
            throw malformed(.malformedRequestURI, layout.requestURIRange.start &+ error.offset, error.detail)
        }
        if uri.hasHeaders {
            throw malformed(.malformedRequestURI, layout.requestURIRange.start, "a Request-URI may not carry ?headers (RFC 3261 §19.1.5)")
        }
    }

    /// Checks that `range` holds only characters a URI may contain (any scheme).
    func checkURICharacters(_ range: ByteRange, code: SIPParseError.Code) throws(SIPParseError) {
        let end = readBytes { scanRun($0, range.start, range.end, ASCII.uriCharacter) }
        if end != range.end { throw malformed(code, end, "a URI contains white space, a control character, '<', '>' or '\"'") }
    }

    /// Checks one address value: its structure (``NameAddrLayout``), that a route entry is
    /// bracketed, the characters of its URI for any scheme, and the whole grammar of a sip,
    /// sips or tel URI.
    func validateAddress(_ range: ByteRange, allowWildcard: Bool = false, requireBrackets: Bool = false) throws(SIPParseError) {
        let layout = try withBytes { (raw) throws(SIPParseError) in
            try NameAddrLayout.scan(raw, range.start, range.end, allowWildcard: allowWildcard)
        }
        if layout.isWildcard { return }
        if requireBrackets, !layout.bracketed {
            throw malformed(.malformedHeaderValue, range.start, "a route entry must be a name-addr in '<' '>'")
        }
        try checkURICharacters(layout.uri, code: .malformedHeaderValue)
        let uri = slice(layout.uri)
        guard let scheme = SIPURI.scheme(of: uri), scheme == "sip" || scheme == "sips" || scheme == "tel" else { return }
        do throws(SIPParseError) {
            _ = try SIPURI(parsing: uri)
        } catch {
            throw malformed(.malformedHeaderValue, layout.uri.start &+ error.offset, error.detail)
        }
    }

    func validateField(_ field: HeaderField) throws(SIPParseError) {
        let range = field.valueRange
        switch field.name {
        case .from, .to, .replyTo:
            try validateAddress(range)
        case .contact:
            let elements = try elementRanges(.contact)
            for element in elements where element.start >= range.start && element.end <= range.end {
                if elements.count > 1, readBytes({ $0[element.start] == ASCII.star && element.count == 1 }) {
                    throw malformed(.malformedHeaderValue, element.start, "Contact '*' must be the only Contact value")
                }
                try validateAddress(element, allowWildcard: true)
            }
        case .route, .recordRoute, .path, .serviceRoute:
            for element in try elementRanges(field.name) where element.start >= range.start && element.end <= range.end {
                try validateAddress(element, requireBrackets: true)
            }
        case .contentType:
            _ = try mediaType(range)
        case .accept:
            _ = try accept()
        case .maxForwards:
            _ = try decimalValue(range, maximum: 255)
        case .expires, .minExpires:
            _ = try decimalValue(range, maximum: UInt64(UInt32.max))
        case .authorization, .proxyAuthorization, .wwwAuthenticate, .proxyAuthenticate:
            _ = try authHeader(range)
        case .allow, .supported, .require, .proxyRequire, .unsupported, .allowEvents:
            _ = try tokens(field.name)
        case .event, .subscriptionState:
            _ = try tokenWithParameters(range)
        case .reason:
            _ = try reasons()
        case .retryAfter:
            _ = try retryAfter(range)
        case .sessionExpires, .minSE:
            _ = try deltaSecondsWithParameters(range)
        case .date:
            try validateDate(range)
        case .warning:
            try validateWarnings(range)
        default:
            break
        }
    }

    /// `rfc1123-date = wkday "," SP date1 SP time SP "GMT"` (RFC 3261 §20.17).
    func validateDate(_ range: ByteRange) throws(SIPParseError) {
        let valid = readBytes { raw -> Bool in
            // "Sun, 06 Nov 1994 08:49:37 GMT" is exactly 29 bytes.
            guard range.count == 29 else { return false }
            let s = range.start
            let days: [StaticString] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
            let months: [StaticString] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
            guard days.contains(where: { literalEqualsLowercased(raw, s, $0) }),
                  raw[s + 3] == ASCII.comma, raw[s + 4] == ASCII.space,
                  ASCII.isDigit(raw[s + 5]), ASCII.isDigit(raw[s + 6]), raw[s + 7] == ASCII.space,
                  months.contains(where: { literalEqualsLowercased(raw, s + 8, $0) }), raw[s + 11] == ASCII.space,
                  (12..<16).allSatisfy({ ASCII.isDigit(raw[s + $0]) }), raw[s + 16] == ASCII.space,
                  ASCII.isDigit(raw[s + 17]), ASCII.isDigit(raw[s + 18]), raw[s + 19] == ASCII.colon,
                  ASCII.isDigit(raw[s + 20]), ASCII.isDigit(raw[s + 21]), raw[s + 22] == ASCII.colon,
                  ASCII.isDigit(raw[s + 23]), ASCII.isDigit(raw[s + 24]), raw[s + 25] == ASCII.space,
                  raw[s + 26] == 0x47, raw[s + 27] == 0x4D, raw[s + 28] == 0x54
            else { return false }
            return true
        }
        if !valid { throw malformed(.malformedHeaderValue, range.start, "Date is not an RFC 1123 date in GMT") }
    }

    /// `warning-value = warn-code SP warn-agent SP warn-text`, warn-code = 3DIGIT (RFC 3261 §20.43).
    func validateWarnings(_ range: ByteRange) throws(SIPParseError) {
        for element in try elementRanges(.warning) where element.start >= range.start && element.end <= range.end {
            let valid = readBytes { raw -> Bool in
                element.count > 4 && ASCII.isDigit(raw[element.start]) && ASCII.isDigit(raw[element.start + 1])
                    && ASCII.isDigit(raw[element.start + 2]) && raw[element.start + 3] == ASCII.space
            }
            if !valid { throw malformed(.malformedHeaderValue, element.start, "a Warning does not start with a 3-digit code and SP") }
        }
    }
}
