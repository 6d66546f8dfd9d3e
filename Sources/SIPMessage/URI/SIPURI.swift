import NIOCore

/// A parsed `sip:`, `sips:` (RFC 3261 §19.1, §25.1) or `tel:` (RFC 3966) URI: a view of
/// ranges over the URI's bytes.
///
/// ```
///  sip:alice:secret@[2001:db8::1]:5061;transport=tcp;lr?Subject=hi&Priority=urgent
///      ^user ^password ^host        ^port ^parameters  ^headers
/// ```
///
/// Percent escapes are kept as received; ``unescapedUser`` decodes the user part (escaped
/// NULs included: RFC 4475 §3.1.1.4).
public struct SIPURI: Sendable, Hashable, CustomStringConvertible {
    /// The URI schemes this type parses.
    public enum Scheme: Sendable, Hashable {
        case sip, sips, tel
    }

    /// The whole URI as received.
    public let bytes: SIPBytes
    /// The scheme.
    public let scheme: Scheme
    private let userRange: ByteRange
    private let passwordRange: ByteRange
    private let hostRange: ByteRange
    /// The port, or nil when the URI has none.
    public let port: Int?
    private let parametersRange: ByteRange
    private let headersRange: ByteRange
    private let hasUserInfo: Bool
    private let hasPassword: Bool

    /// Parses `bytes` as a sip, sips or tel URI.
    ///
    /// - Throws: ``SIPParseError`` with code ``SIPParseError/Code/malformedRequestURI`` and the
    ///   offset inside `bytes`; an unknown scheme is an error too (check ``scheme(of:)`` first
    ///   to tell an unsupported URI from a malformed one).
    public init(parsing bytes: SIPBytes) throws(SIPParseError) {
        let result: Result<Layout, SIPParseError> = bytes.withUnsafeBytes { raw in
            do throws(SIPParseError) { return .success(try Layout.scan(raw)) } catch { return .failure(error) }
        }

        let layout = try result.get()
        self.bytes = bytes
        self.scheme = layout.scheme
        self.userRange = layout.user
        self.passwordRange = layout.password
        self.hostRange = layout.host
        self.port = layout.port
        self.parametersRange = layout.parameters
        self.headersRange = layout.headers
        self.hasUserInfo = layout.hasUserInfo
        self.hasPassword = layout.hasPassword
    }

    /// Parses the UTF-8 of `string`.
    public init(parsing string: String) throws(SIPParseError) {
        try self.init(parsing: SIPBytes(string))
    }

    /// The scheme of any URI (`sip`, `http`, `soap.beep`...) lower-cased, or nil when `bytes`
    /// does not start with `scheme ":"`.
    public static func scheme(of bytes: SIPBytes) -> String? {
        bytes.withUnsafeBytes { raw -> String? in
            guard raw.count > 0, ASCII.isAlpha(raw[0]) else { return nil }
            let end = scanRun(raw, 1, raw.count, ASCII.scheme)
            guard end < raw.count, raw[end] == ASCII.colon else { return nil }
            return String(decoding: raw[0..<end].map(ASCII.lowercased), as: UTF8.self)
        }
    }

    private func slice(_ range: ByteRange) -> SIPBytes {
        SIPBytes(bytes.buffer.getSlice(at: bytes.buffer.readerIndex &+ range.start, length: range.count) ?? ByteBuffer())
    }

    /// The user part (for tel: the number), escapes kept; nil when there is none.
    public var user: SIPBytes? { hasUserInfo ? slice(userRange) : nil }

    /// The password, or nil when there is none.
    public var password: SIPBytes? { hasPassword ? slice(passwordRange) : nil }

    /// The host: a domain name, an IPv4 address or an IPv6 reference with its brackets.
    /// Empty for tel: URIs.
    public var host: SIPBytes { slice(hostRange) }

    /// The `;name[=value]` parameters, raw.
    public var parametersText: SIPBytes { slice(parametersRange) }

    /// The `?name=value&...` headers (without the `?`), raw; empty when there are none.
    public var headersText: SIPBytes { slice(headersRange) }

    /// Whether the URI carries `?headers`.
    public var hasHeaders: Bool { !headersRange.isEmpty }

    /// The user part with its percent escapes decoded, as raw bytes (they may contain NUL).
    public var unescapedUser: [UInt8]? {
        guard let user else { return nil }
        return percentDecoded(user)
    }

    /// The URI parameters in order, names as received.
    public var parameters: [SIPParameter] {
        bytes.withUnsafeBytes { raw in
            var result: [SIPParameter] = []
            var index = parametersRange.start
            let end = parametersRange.end
            while index < end {
                guard raw[index] == ASCII.semicolon else { break }
                let nameStart = index &+ 1
                var nameEnd = nameStart
                while nameEnd < end, raw[nameEnd] != ASCII.equals, raw[nameEnd] != ASCII.semicolon { nameEnd &+= 1 }
                var valueRange: ByteRange?
                var next = nameEnd
                if nameEnd < end, raw[nameEnd] == ASCII.equals {
                    var valueEnd = nameEnd &+ 1
                    while valueEnd < end, raw[valueEnd] != ASCII.semicolon { valueEnd &+= 1 }
                    valueRange = ByteRange(nameEnd &+ 1, valueEnd)
                    next = valueEnd
                }
                result.append(SIPParameter(name: slice(ByteRange(nameStart, nameEnd)), value: valueRange.map(slice)))
                index = next
            }
            return result
        }
    }

    /// The value of URI parameter `name` (case-insensitive); an empty view for a parameter
    /// without value (`;lr`); nil when absent.
    public func parameter(_ name: String) -> SIPBytes? {
        for parameter in parameters where parameter.name.equalsIgnoringCase(name) {
            return parameter.value ?? SIPBytes(ByteBuffer())
        }
        return nil
    }

    /// The `transport` parameter lower-cased, or nil.
    public var transport: String? { parameter("transport")?.string.lowercased() }

    /// Whether the URI has the `lr` parameter (a loose router, RFC 3261 §19.1.1).
    public var isLooseRouter: Bool { parameter("lr") != nil }

    public var description: String { bytes.string }
}

extension SIPURI {
    /// The offsets found by one scan of a URI.
    struct Layout {
        var scheme = Scheme.sip
        var user = ByteRange.empty
        var password = ByteRange.empty
        var host = ByteRange.empty
        var port: Int?
        var parameters = ByteRange.empty
        var headers = ByteRange.empty
        var hasUserInfo = false
        var hasPassword = false

        static func fail(_ offset: Int, _ detail: StaticString) -> SIPParseError {
            SIPParseError(.malformedRequestURI, at: offset, detail)
        }

        static func scan(_ raw: UnsafeRawBufferPointer) throws(SIPParseError) -> Layout {
            var layout = Layout()
            let end = raw.count
            let schemeEnd = scanRun(raw, 0, end, ASCII.scheme)
            guard schemeEnd > 0, schemeEnd < end, raw[schemeEnd] == ASCII.colon, ASCII.isAlpha(raw[0]) else {
                throw fail(0, "the URI does not start with a scheme and ':'")
            }
            switch schemeEnd {
            case 3 where literalEqualsLowercased(raw, 0, "sip"): layout.scheme = .sip
            case 4 where literalEqualsLowercased(raw, 0, "sips"): layout.scheme = .sips
            case 3 where literalEqualsLowercased(raw, 0, "tel"): layout.scheme = .tel
            default: throw fail(0, "the URI scheme is not sip, sips or tel")
            }

            let start = schemeEnd &+ 1
            if layout.scheme == .tel { return try scanTel(raw, start, &layout) }

            // userinfo ends at the first '@' ('@' may not appear unescaped elsewhere).
            var index = start
            var at = -1
            while index < end {
                if raw[index] == ASCII.at { at = index; break }
                index &+= 1
            }

            var hostStart = start
            if at >= 0 {
                layout.hasUserInfo = true
                var colon = -1
                index = start
                while index < at {
                    if raw[index] == ASCII.colon { colon = index; break }
                    index &+= 1
                }

                let userEnd = colon >= 0 ? colon : at
                guard userEnd > start else { throw fail(start, "the URI has '@' but an empty user part") }
                try checkEscaped(raw, start, userEnd, ASCII.user, "the URI user part has a character that must be escaped")
                layout.user = ByteRange(start, userEnd)
                if colon >= 0 {
                    layout.hasPassword = true
                    try checkEscaped(raw, colon &+ 1, at, ASCII.password, "the URI password has a character that must be escaped")
                    layout.password = ByteRange(colon &+ 1, at)
                }
                hostStart = at &+ 1
            }
            guard let host = scanHost(raw, hostStart, end) else { throw fail(hostStart, "the URI host is not a host name, IPv4 address or IPv6 reference") }
            layout.host = host
            index = host.end
            if index < end, raw[index] == ASCII.colon {
                guard let (port, next) = scanPort(raw, index &+ 1, end) else { throw fail(index &+ 1, "the URI port is not a number from 0 to 65535") }
                layout.port = Int(port)
                index = next
            }
            // uri-parameters = *( ";" pname [ "=" pvalue ] )
            let parametersStart = index
            while index < end, raw[index] == ASCII.semicolon {
                let nameStart = index &+ 1
                var nameEnd = nameStart
                while nameEnd < end, ASCII.paramChar.contains(raw[nameEnd]) { nameEnd &+= 1 }
                guard nameEnd > nameStart else { throw fail(nameStart, "a URI parameter has no name") }
                try checkEscaped(raw, nameStart, nameEnd, ASCII.paramChar, "bad escape in a URI parameter")
                index = nameEnd
                if index < end, raw[index] == ASCII.equals {
                    var valueEnd = index &+ 1
                    while valueEnd < end, ASCII.paramChar.contains(raw[valueEnd]) { valueEnd &+= 1 }
                    guard valueEnd > index &+ 1 else { throw fail(index, "a URI parameter has '=' but no value") }
                    try checkEscaped(raw, index &+ 1, valueEnd, ASCII.paramChar, "bad escape in a URI parameter")
                    index = valueEnd
                }
            }
            layout.parameters = ByteRange(parametersStart, index)
            // headers = "?" header *( "&" header ); header = hname "=" hvalue.
            if index < end, raw[index] == ASCII.question {
                let headersStart = index &+ 1
                index = headersStart
                while true {
                    let nameStart = index
                    while index < end, ASCII.headerChar.contains(raw[index]) { index &+= 1 }
                    guard index > nameStart, index < end, raw[index] == ASCII.equals else {
                        throw fail(index, "a URI header is not name=value")
                    }
                    try checkEscaped(raw, nameStart, index, ASCII.headerChar, "bad escape in a URI header")
                    index &+= 1
                    let valueStart = index
                    while index < end, ASCII.headerChar.contains(raw[index]) { index &+= 1 }
                    try checkEscaped(raw, valueStart, index, ASCII.headerChar, "bad escape in a URI header")
                    if index < end, raw[index] == ASCII.ampersand {
                        index &+= 1
                        continue
                    }
                    break
                }
                layout.headers = ByteRange(headersStart, index)
            }
            guard index == end else { throw fail(index, "unexpected character in the URI") }
            return layout
        }

        /// tel: URIs (RFC 3966 §3): a global number (`+` then phone digits, at least one
        /// DIGIT) or a local number (hex digits, `*`, `#`, at least one of them), with visual
        /// separators `-` `.` `(` `)`; then `;pname[=pvalue]` parameters, pname = 1*(alphanum /
        /// "-"), pvalue = 1*paramchar.
        static func scanTel(_ raw: UnsafeRawBufferPointer, _ start: Int, _ layout: inout Layout) throws(SIPParseError) -> Layout {
            let end = raw.count
            var index = start
            let isGlobal = index < end && raw[index] == 0x2B
            if isGlobal { index &+= 1 }
            var digits = 0
            while index < end {
                let byte = raw[index]
                if isGlobal ? ASCII.isDigit(byte) : (ASCII.hexValue(byte) != nil || byte == ASCII.star || byte == 0x23) {
                    digits &+= 1
                } else if !(byte == 0x2D || byte == ASCII.dot || byte == 0x28 || byte == 0x29) {
                    break
                }
                index &+= 1
            }
            guard digits > 0 else { throw fail(isGlobal ? start &+ 1 : start, "a tel: URI has no digits") }
            layout.hasUserInfo = true
            layout.user = ByteRange(start, index)
            layout.host = ByteRange(index, index)
            let parametersStart = index
            while index < end, raw[index] == ASCII.semicolon {
                let nameStart = index &+ 1
                index = nameStart
                while index < end, ASCII.isAlpha(raw[index]) || ASCII.isDigit(raw[index]) || raw[index] == 0x2D { index &+= 1 }
                guard index > nameStart else { throw fail(nameStart, "a tel: URI parameter name is not 1*(alphanum / \"-\")") }
                if index < end, raw[index] == ASCII.equals {
                    let valueStart = index &+ 1
                    index = valueStart
                    while index < end, ASCII.paramChar.contains(raw[index]) { index &+= 1 }
                    guard index > valueStart else { throw fail(valueStart, "a tel: URI parameter has '=' but no value") }
                    try checkEscaped(raw, valueStart, index, ASCII.paramChar, "bad escape in a tel: URI parameter")
                }
            }
            layout.parameters = ByteRange(parametersStart, index)
            guard index == end else { throw fail(index, "unexpected character in the tel: URI") }
            return layout
        }

        /// Checks that `raw[start..<end]` is in `allowed` and every `%` starts a `%HH` escape.
        static func checkEscaped(
            _ raw: UnsafeRawBufferPointer, _ start: Int, _ end: Int, _ allowed: ASCII.CharacterClass, _ detail: StaticString
        ) throws(SIPParseError) {
            var index = start
            while index < end {
                let byte = raw[index]
                guard allowed.contains(byte) else { throw fail(index, detail) }
                if byte == ASCII.percent {
                    guard index &+ 2 < end, ASCII.hexValue(raw[index &+ 1]) != nil, ASCII.hexValue(raw[index &+ 2]) != nil else {
                        throw fail(index, "a '%' is not followed by two hex digits")
                    }
                    index &+= 3
                    continue
                }
                index &+= 1
            }
        }
    }
}

/// The bytes of `escaped` with `%HH` escapes decoded.
func percentDecoded(_ escaped: SIPBytes) -> [UInt8] {
    escaped.withUnsafeBytes { raw in
        var result: [UInt8] = []
        result.reserveCapacity(raw.count)
        var index = 0
        while index < raw.count {
            if raw[index] == ASCII.percent, index &+ 2 < raw.count,
               let high = ASCII.hexValue(raw[index &+ 1]), let low = ASCII.hexValue(raw[index &+ 2]) {
                result.append(high &<< 4 | low)
                index &+= 3
            } else {
                result.append(raw[index])
                index &+= 1
            }
        }
        return result
    }
}
