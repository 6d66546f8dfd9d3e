/// A header value that is a token followed by parameters: Event (RFC 6665 §8.2.1),
/// Subscription-State (§8.2.3), Reason (RFC 3326), Content-Disposition, Allow-Events entries.
public struct SIPTokenWithParameters: Sendable, Hashable {
    /// The token (`presence`, `active`, `SIP`, `Q.850`).
    public let token: SIPBytes
    /// The parameters (`id=`, `expires=`, `cause=`, `text=`...).
    public let parameters: [SIPParameter]

    /// The unquoted value of parameter `name`, or nil.
    public func value(_ name: String) -> String? { parameters.first(named: name)?.unquotedValue }
}

/// A Retry-After value (RFC 3261 §20.33): seconds, an optional comment and parameters.
public struct SIPRetryAfter: Sendable, Hashable {
    /// The delay in seconds.
    public let seconds: UInt32
    /// The comment, without its parentheses, or nil.
    public let comment: SIPBytes?
    /// The parameters (`duration=`).
    public let parameters: [SIPParameter]

    /// The `duration` parameter in seconds, or nil.
    public var duration: UInt32? {
        guard let value = parameters.first(named: "duration")?.value?.decimalValue, value <= UInt32.max else { return nil }
        return UInt32(value)
    }
}

extension SIPMessage {
    func tokenWithParameters(_ range: ByteRange) throws(SIPParseError) -> SIPTokenWithParameters {
        let tokenEnd = try withBytes { (raw) throws(SIPParseError) -> Int in
            let end = scanRun(raw, range.start, range.end, ASCII.token)
            guard end > range.start else {
                throw SIPParseError(.malformedHeaderValue, at: range.start, "expected a token", isRequest: layout.isRequest)
            }
            try scanParameters(raw, end, range.end) { _ in true }
            return end
        }
        return SIPTokenWithParameters(token: slice(ByteRange(range.start, tokenEnd)), parameters: parameterList(ByteRange(tokenEnd, range.end)))
    }

    /// The tokens of every `name` header (Allow, Supported, Require, Proxy-Require,
    /// Unsupported, Allow-Events...), split at commas.
    ///
    /// - Throws: when an entry is not a single token.
    public func tokens(_ name: SIPHeaderName) throws(SIPParseError) -> [SIPBytes] {
        var result: [SIPBytes] = []
        for element in try elementRanges(name) {
            let valid = readBytes { raw in scanRun(raw, element.start, element.end, ASCII.token) == element.end }
            guard valid else {
                throw SIPParseError(.malformedHeaderValue, at: element.start, "a list entry is not a token", isRequest: layout.isRequest)
            }
            result.append(slice(element))
        }
        return result
    }

    /// The methods of the Allow headers.
    public func allow() throws(SIPParseError) -> [SIPBytes] { try tokens(.allow) }
    /// The option tags of the Supported headers.
    public func supported() throws(SIPParseError) -> [SIPBytes] { try tokens(.supported) }
    /// The option tags of the Require headers.
    public func require() throws(SIPParseError) -> [SIPBytes] { try tokens(.require) }
    /// The option tags of the Proxy-Require headers.
    public func proxyRequire() throws(SIPParseError) -> [SIPBytes] { try tokens(.proxyRequire) }
    /// The option tags of the Unsupported headers.
    public func unsupported() throws(SIPParseError) -> [SIPBytes] { try tokens(.unsupported) }

    /// A header whose value is one decimal number: nil when absent; throws when malformed or
    /// above `maximum`.
    func decimalHeader(_ name: SIPHeaderName, maximum: UInt64) throws(SIPParseError) -> UInt64? {
        guard let index = layout.headers.firstIndex(of: name) else { return nil }
        return try decimalValue(layout.headers[index].valueRange, maximum: maximum)
    }

    /// The decimal number in `range`: throws malformedHeaderValue when it is not all digits,
    /// valueOutOfRange when it is above `maximum` (however many digits it has).
    func decimalValue(_ range: ByteRange, maximum: UInt64) throws(SIPParseError) -> UInt64 {
        let (allDigits, value) = readBytes { raw -> (Bool, UInt64?) in
            var index = range.start
            while index < range.end, ASCII.isDigit(raw[index]) { index &+= 1 }
            return (range.count > 0 && index == range.end, parseDecimal(raw, range.start, range.end))
        }
        guard allDigits else {
            throw SIPParseError(.malformedHeaderValue, at: range.start, "expected a decimal number", isRequest: layout.isRequest)
        }
        guard let value, value <= maximum else {
            throw SIPParseError(.valueOutOfRange, at: range.start, "the number is out of range", isRequest: layout.isRequest)
        }
        return value
    }

    /// Max-Forwards (0-255, RFC 3261 §20.22), or nil when absent.
    public func maxForwards() throws(SIPParseError) -> Int? {
        try decimalHeader(.maxForwards, maximum: 255).map(Int.init)
    }

    /// Expires in seconds (RFC 3261 §20.19), or nil when absent.
    public func expires() throws(SIPParseError) -> UInt32? {
        try decimalHeader(.expires, maximum: UInt64(UInt32.max)).map(UInt32.init)
    }

    /// Min-Expires in seconds (RFC 3261 §20.23), or nil when absent.
    public func minExpires() throws(SIPParseError) -> UInt32? {
        try decimalHeader(.minExpires, maximum: UInt64(UInt32.max)).map(UInt32.init)
    }

    /// The User-Agent value (product tokens and comments), or nil.
    public var userAgent: SIPBytes? { firstValue(.userAgent) }
    /// The Server value, or nil.
    public var server: SIPBytes? { firstValue(.server) }

    /// The Event header (RFC 6665), or nil.
    public func event() throws(SIPParseError) -> SIPTokenWithParameters? {
        guard let index = layout.headers.firstIndex(of: .event) else { return nil }
        return try tokenWithParameters(layout.headers[index].valueRange)
    }

    /// The Subscription-State header (RFC 6665), or nil.
    public func subscriptionState() throws(SIPParseError) -> SIPTokenWithParameters? {
        guard let index = layout.headers.firstIndex(of: .subscriptionState) else { return nil }
        return try tokenWithParameters(layout.headers[index].valueRange)
    }

    /// Every Reason value (RFC 3326): protocol token plus `cause` and `text`.
    public func reasons() throws(SIPParseError) -> [SIPTokenWithParameters] {
        var result: [SIPTokenWithParameters] = []
        for element in try elementRanges(.reason) { result.append(try tokenWithParameters(element)) }
        return result
    }

    /// The Retry-After header, or nil when absent.
    public func retryAfter() throws(SIPParseError) -> SIPRetryAfter? {
        guard let index = layout.headers.firstIndex(of: .retryAfter) else { return nil }
        return try retryAfter(layout.headers[index].valueRange)
    }

    func retryAfter(_ range: ByteRange) throws(SIPParseError) -> SIPRetryAfter {
        let (seconds, comment, parameters) = try withBytes { (raw) throws(SIPParseError) -> (UInt32, ByteRange, ByteRange) in
            var digitsEnd = range.start
            while digitsEnd < range.end, ASCII.isDigit(raw[digitsEnd]) { digitsEnd &+= 1 }
            guard digitsEnd > range.start else {
                throw SIPParseError(.malformedHeaderValue, at: range.start, "Retry-After does not start with a number", isRequest: layout.isRequest)
            }
            guard let value = parseDecimal(raw, range.start, digitsEnd), value <= UInt64(UInt32.max) else {
                throw SIPParseError(.valueOutOfRange, at: range.start, "Retry-After is above 2^32-1 seconds", isRequest: layout.isRequest)
            }

            var index = skipWhitespace(raw, digitsEnd, range.end)
            var comment = ByteRange.empty
            if index < range.end, raw[index] == 0x28 {
                // comment = "(" *(ctext / quoted-pair / comment) ")", nested.
                var depth = 0
                let commentStart = index
                while index < range.end {
                    let byte = raw[index]
                    if byte == ASCII.backslash { index &+= 2; continue }
                    if byte == 0x28 { depth &+= 1 }
                    if byte == 0x29 { depth &-= 1; if depth == 0 { break } }
                    index &+= 1
                }
                guard index < range.end else {
                    throw SIPParseError(.malformedHeaderValue, at: commentStart, "a comment is not closed", isRequest: layout.isRequest)
                }
                comment = ByteRange(commentStart &+ 1, index)
                index &+= 1
            }
            try scanParameters(raw, index, range.end) { _ in true }
            return (UInt32(value), comment, ByteRange(index, range.end))
        }
        return SIPRetryAfter(seconds: seconds, comment: optionalSlice(comment), parameters: parameterList(parameters))
    }
}
