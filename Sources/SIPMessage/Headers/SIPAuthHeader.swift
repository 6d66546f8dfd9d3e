/// A challenge (WWW-Authenticate, Proxy-Authenticate) or credentials (Authorization,
/// Proxy-Authorization) header value (RFC 3261 §20.7, §20.27, §20.28, §20.44, §25.1;
/// RFC 7616, RFC 8760): a scheme and comma-separated `name=value` parameters.
///
/// Every digest parameter has an accessor; values are returned unquoted.
public struct SIPAuthHeader: Sendable, Hashable {
    /// The scheme, `Digest` for digest authentication.
    public let scheme: SIPBytes
    /// The parameters in order; quoted values keep their quotes.
    public let parameters: [SIPParameter]

    /// Whether the scheme is `Digest` (case-insensitive).
    public var isDigest: Bool { scheme.equalsIgnoringCase("Digest") }

    /// The unquoted value of parameter `name`, or nil.
    public func value(_ name: String) -> String? { parameters.first(named: name)?.unquotedValue }

    public var realm: String? { value("realm") }
    public var nonce: String? { value("nonce") }
    public var opaque: String? { value("opaque") }
    /// `MD5`, `MD5-sess`, `SHA-256`, `SHA-256-sess`, `SHA-512-256`... (RFC 8760); nil means MD5.
    public var algorithm: String? { value("algorithm") }
    /// Challenge: the space-separated protection domain URIs.
    public var domain: String? { value("domain") }
    /// Challenge: whether the nonce was stale (`stale=true`), so retry without asking the user.
    public var stale: Bool { value("stale")?.lowercased() == "true" }
    /// Challenge: the offered qop values (`auth`, `auth-int`); credentials: the chosen one.
    public var qopOptions: [String] {
        guard let qop = value("qop") else { return [] }
        return qop.split(separator: ",").map { $0.trimmingSIPWhitespace() }.filter { !$0.isEmpty }
    }

    /// RFC 7616 `charset` (only `UTF-8` is defined).
    public var charset: String? { value("charset") }
    /// RFC 7616 `userhash`: whether the username is hashed.
    public var userhash: Bool { value("userhash")?.lowercased() == "true" }
    /// Credentials: the user name.
    public var username: String? { value("username") }
    /// Credentials: the digest-uri.
    public var uri: String? { value("uri") }
    /// Credentials: the request-digest (hex).
    public var response: String? { value("response") }
    /// Credentials: the client nonce.
    public var cnonce: String? { value("cnonce") }
    /// Credentials: the chosen qop.
    public var qop: String? { value("qop") }
    /// Credentials: the nonce count (`nc`, 8 hex digits), or nil when absent or malformed.
    public var nonceCount: UInt32? {
        guard let text = value("nc"), text.utf8.count == 8 else { return nil }
        return UInt32(text, radix: 16)
    }
}

extension Substring {
    func trimmingSIPWhitespace() -> String {
        String(self.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}

extension SIPMessage {
    func authHeader(_ range: ByteRange) throws(SIPParseError) -> SIPAuthHeader {
        let (scheme, parameters) = try withBytes { (raw) throws(SIPParseError) -> (ByteRange, [RawParameter]) in
            let end = range.end
            let schemeEnd = scanRun(raw, range.start, end, ASCII.token)
            guard schemeEnd > range.start else {
                throw SIPParseError(.malformedHeaderValue, at: range.start, "an authentication header has no scheme", isRequest: layout.isRequest)
            }

            var index = skipWhitespace(raw, schemeEnd, end)
            guard index > schemeEnd || index == end else {
                throw SIPParseError(.malformedHeaderValue, at: index, "expected white space after the authentication scheme", isRequest: layout.isRequest)
            }

            var parameters: [RawParameter] = []
            while index < end {
                let (parameter, next) = try scanParameter(raw, index, end)
                guard parameter.hasValue else {
                    throw SIPParseError(.malformedHeaderValue, at: index, "an authentication parameter has no value", isRequest: layout.isRequest)
                }
                parameters.append(parameter)
                index = skipWhitespace(raw, next, end)
                if index == end { break }
                guard raw[index] == ASCII.comma else {
                    throw SIPParseError(.malformedHeaderValue, at: index, "expected ',' between authentication parameters", isRequest: layout.isRequest)
                }
                index = skipWhitespace(raw, index &+ 1, end)
                guard index < end else {
                    throw SIPParseError(.malformedHeaderValue, at: index, "a trailing ',' after authentication parameters", isRequest: layout.isRequest)
                }
            }
            return (ByteRange(range.start, schemeEnd), parameters)
        }
        return SIPAuthHeader(
            scheme: slice(scheme),
            parameters: parameters.map { SIPParameter(name: slice($0.name), value: slice($0.value)) })
    }

    func authHeaders(_ name: SIPHeaderName) throws(SIPParseError) -> [SIPAuthHeader] {
        var result: [SIPAuthHeader] = []
        for index in 0..<layout.headers.count where layout.headers[index].name == name {
            result.append(try authHeader(layout.headers[index].valueRange))
        }
        return result
    }

    /// Every WWW-Authenticate challenge (one per header line).
    public func wwwAuthenticate() throws(SIPParseError) -> [SIPAuthHeader] { try authHeaders(.wwwAuthenticate) }
    /// Every Proxy-Authenticate challenge.
    public func proxyAuthenticate() throws(SIPParseError) -> [SIPAuthHeader] { try authHeaders(.proxyAuthenticate) }
    /// Every Authorization credentials header.
    public func authorization() throws(SIPParseError) -> [SIPAuthHeader] { try authHeaders(.authorization) }
    /// Every Proxy-Authorization credentials header.
    public func proxyAuthorization() throws(SIPParseError) -> [SIPAuthHeader] { try authHeaders(.proxyAuthorization) }
}
