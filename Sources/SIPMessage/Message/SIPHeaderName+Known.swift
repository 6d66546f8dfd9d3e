// The known header names (RFC 3261 §20 and the extensions a user agent meets), their ids,
// canonical spellings and compact forms (RFC 3261 §7.3.3, IANA "Header Fields" registry).
// Generated once from a table by hand; edit the table and the lookup together.

extension SIPHeaderName {
    /// `Accept`.
    public static let accept = SIPHeaderName(rawValue: 1)
    /// `Accept-Encoding`.
    public static let acceptEncoding = SIPHeaderName(rawValue: 2)
    /// `Accept-Language`.
    public static let acceptLanguage = SIPHeaderName(rawValue: 3)
    /// `Accept-Contact` (compact form `a`).
    public static let acceptContact = SIPHeaderName(rawValue: 4)
    /// `Alert-Info`.
    public static let alertInfo = SIPHeaderName(rawValue: 5)
    /// `Allow`.
    public static let allow = SIPHeaderName(rawValue: 6)
    /// `Allow-Events` (compact form `u`).
    public static let allowEvents = SIPHeaderName(rawValue: 7)
    /// `Authentication-Info`.
    public static let authenticationInfo = SIPHeaderName(rawValue: 8)
    /// `Authorization`.
    public static let authorization = SIPHeaderName(rawValue: 9)
    /// `Call-ID` (compact form `i`).
    public static let callID = SIPHeaderName(rawValue: 10)
    /// `Call-Info`.
    public static let callInfo = SIPHeaderName(rawValue: 11)
    /// `Contact` (compact form `m`).
    public static let contact = SIPHeaderName(rawValue: 12)
    /// `Content-Disposition`.
    public static let contentDisposition = SIPHeaderName(rawValue: 13)
    /// `Content-Encoding` (compact form `e`).
    public static let contentEncoding = SIPHeaderName(rawValue: 14)
    /// `Content-Language`.
    public static let contentLanguage = SIPHeaderName(rawValue: 15)
    /// `Content-Length` (compact form `l`).
    public static let contentLength = SIPHeaderName(rawValue: 16)
    /// `Content-Type` (compact form `c`).
    public static let contentType = SIPHeaderName(rawValue: 17)
    /// `CSeq`.
    public static let cseq = SIPHeaderName(rawValue: 18)
    /// `Date`.
    public static let date = SIPHeaderName(rawValue: 19)
    /// `Error-Info`.
    public static let errorInfo = SIPHeaderName(rawValue: 20)
    /// `Event` (compact form `o`).
    public static let event = SIPHeaderName(rawValue: 21)
    /// `Expires`.
    public static let expires = SIPHeaderName(rawValue: 22)
    /// `From` (compact form `f`).
    public static let from = SIPHeaderName(rawValue: 23)
    /// `Identity` (compact form `y`).
    public static let identity = SIPHeaderName(rawValue: 24)
    /// `In-Reply-To`.
    public static let inReplyTo = SIPHeaderName(rawValue: 25)
    /// `Max-Forwards`.
    public static let maxForwards = SIPHeaderName(rawValue: 26)
    /// `MIME-Version`.
    public static let mimeVersion = SIPHeaderName(rawValue: 27)
    /// `Min-Expires`.
    public static let minExpires = SIPHeaderName(rawValue: 28)
    /// `Min-SE`.
    public static let minSE = SIPHeaderName(rawValue: 29)
    /// `Organization`.
    public static let organization = SIPHeaderName(rawValue: 30)
    /// `Path`.
    public static let path = SIPHeaderName(rawValue: 31)
    /// `Priority`.
    public static let priority = SIPHeaderName(rawValue: 32)
    /// `Proxy-Authenticate`.
    public static let proxyAuthenticate = SIPHeaderName(rawValue: 33)
    /// `Proxy-Authorization`.
    public static let proxyAuthorization = SIPHeaderName(rawValue: 34)
    /// `Proxy-Require`.
    public static let proxyRequire = SIPHeaderName(rawValue: 35)
    /// `RAck`.
    public static let rack = SIPHeaderName(rawValue: 36)
    /// `Reason`.
    public static let reason = SIPHeaderName(rawValue: 37)
    /// `Record-Route`.
    public static let recordRoute = SIPHeaderName(rawValue: 38)
    /// `Refer-To` (compact form `r`).
    public static let referTo = SIPHeaderName(rawValue: 39)
    /// `Referred-By` (compact form `b`).
    public static let referredBy = SIPHeaderName(rawValue: 40)
    /// `Reject-Contact` (compact form `j`).
    public static let rejectContact = SIPHeaderName(rawValue: 41)
    /// `Reply-To`.
    public static let replyTo = SIPHeaderName(rawValue: 42)
    /// `Request-Disposition` (compact form `d`).
    public static let requestDisposition = SIPHeaderName(rawValue: 43)
    /// `Require`.
    public static let require = SIPHeaderName(rawValue: 44)
    /// `Retry-After`.
    public static let retryAfter = SIPHeaderName(rawValue: 45)
    /// `Route`.
    public static let route = SIPHeaderName(rawValue: 46)
    /// `RSeq`.
    public static let rseq = SIPHeaderName(rawValue: 47)
    /// `Server`.
    public static let server = SIPHeaderName(rawValue: 48)
    /// `Service-Route`.
    public static let serviceRoute = SIPHeaderName(rawValue: 49)
    /// `Session-Expires` (compact form `x`).
    public static let sessionExpires = SIPHeaderName(rawValue: 50)
    /// `Subject` (compact form `s`).
    public static let subject = SIPHeaderName(rawValue: 51)
    /// `Subscription-State`.
    public static let subscriptionState = SIPHeaderName(rawValue: 52)
    /// `Supported` (compact form `k`).
    public static let supported = SIPHeaderName(rawValue: 53)
    /// `Timestamp`.
    public static let timestamp = SIPHeaderName(rawValue: 54)
    /// `To` (compact form `t`).
    public static let to = SIPHeaderName(rawValue: 55)
    /// `Unsupported`.
    public static let unsupported = SIPHeaderName(rawValue: 56)
    /// `User-Agent`.
    public static let userAgent = SIPHeaderName(rawValue: 57)
    /// `Via` (compact form `v`).
    public static let via = SIPHeaderName(rawValue: 58)
    /// `Warning`.
    public static let warning = SIPHeaderName(rawValue: 59)
    /// `WWW-Authenticate`.
    public static let wwwAuthenticate = SIPHeaderName(rawValue: 60)
    /// `P-Asserted-Identity`.
    public static let pAssertedIdentity = SIPHeaderName(rawValue: 61)
    /// `P-Preferred-Identity`.
    public static let pPreferredIdentity = SIPHeaderName(rawValue: 62)
    /// `Privacy`.
    public static let privacy = SIPHeaderName(rawValue: 63)
    /// `Replaces`.
    public static let replaces = SIPHeaderName(rawValue: 64)
    /// `Refer-Sub`.
    public static let referSub = SIPHeaderName(rawValue: 65)
    /// `SIP-ETag`.
    public static let sipETag = SIPHeaderName(rawValue: 66)
    /// `SIP-If-Match`.
    public static let sipIfMatch = SIPHeaderName(rawValue: 67)

    /// Number of known ids, including ``other`` (0).
    @usableFromInline static let knownCount = 68

    /// The canonical spelling of each known id, indexed by raw value.
    @usableFromInline static let canonicalNames: [StaticString] = [
        "",
        "Accept",
        "Accept-Encoding",
        "Accept-Language",
        "Accept-Contact",
        "Alert-Info",
        "Allow",
        "Allow-Events",
        "Authentication-Info",
        "Authorization",
        "Call-ID",
        "Call-Info",
        "Contact",
        "Content-Disposition",
        "Content-Encoding",
        "Content-Language",
        "Content-Length",
        "Content-Type",
        "CSeq",
        "Date",
        "Error-Info",
        "Event",
        "Expires",
        "From",
        "Identity",
        "In-Reply-To",
        "Max-Forwards",
        "MIME-Version",
        "Min-Expires",
        "Min-SE",
        "Organization",
        "Path",
        "Priority",
        "Proxy-Authenticate",
        "Proxy-Authorization",
        "Proxy-Require",
        "RAck",
        "Reason",
        "Record-Route",
        "Refer-To",
        "Referred-By",
        "Reject-Contact",
        "Reply-To",
        "Request-Disposition",
        "Require",
        "Retry-After",
        "Route",
        "RSeq",
        "Server",
        "Service-Route",
        "Session-Expires",
        "Subject",
        "Subscription-State",
        "Supported",
        "Timestamp",
        "To",
        "Unsupported",
        "User-Agent",
        "Via",
        "Warning",
        "WWW-Authenticate",
        "P-Asserted-Identity",
        "P-Preferred-Identity",
        "Privacy",
        "Replaces",
        "Refer-Sub",
        "SIP-ETag",
        "SIP-If-Match",
    ]
}

extension SIPHeaderName {
    /// Resolves a header name (already checked to be a token) to its id, folding case and
    /// compact forms; ``other`` when the name is not known.
    @inlinable
    static func lookup(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ count: Int) -> SIPHeaderName {
        let first = bytes[start] | 0x20
        if count == 1 {
            switch first {
            case UInt8(ascii: "a"): return .acceptContact
            case UInt8(ascii: "u"): return .allowEvents
            case UInt8(ascii: "i"): return .callID
            case UInt8(ascii: "m"): return .contact
            case UInt8(ascii: "e"): return .contentEncoding
            case UInt8(ascii: "l"): return .contentLength
            case UInt8(ascii: "c"): return .contentType
            case UInt8(ascii: "o"): return .event
            case UInt8(ascii: "f"): return .from
            case UInt8(ascii: "y"): return .identity
            case UInt8(ascii: "r"): return .referTo
            case UInt8(ascii: "b"): return .referredBy
            case UInt8(ascii: "j"): return .rejectContact
            case UInt8(ascii: "d"): return .requestDisposition
            case UInt8(ascii: "x"): return .sessionExpires
            case UInt8(ascii: "s"): return .subject
            case UInt8(ascii: "k"): return .supported
            case UInt8(ascii: "t"): return .to
            case UInt8(ascii: "v"): return .via
            default: return .other
            }
        }
        @inline(__always)
        func matches(_ literal: StaticString) -> Bool {
            literal.utf8CodeUnitCount == count && literalEqualsLowercased(bytes, start, literal)
        }
        switch (count, first) {
        case (2, UInt8(ascii: "t")):
            if matches("to") { return .to }
        case (3, UInt8(ascii: "v")):
            if matches("via") { return .via }
        case (4, UInt8(ascii: "c")):
            if matches("cseq") { return .cseq }
        case (4, UInt8(ascii: "d")):
            if matches("date") { return .date }
        case (4, UInt8(ascii: "f")):
            if matches("from") { return .from }
        case (4, UInt8(ascii: "p")):
            if matches("path") { return .path }
        case (4, UInt8(ascii: "r")):
            if matches("rack") { return .rack }
            if matches("rseq") { return .rseq }
        case (5, UInt8(ascii: "a")):
            if matches("allow") { return .allow }
        case (5, UInt8(ascii: "e")):
            if matches("event") { return .event }
        case (5, UInt8(ascii: "r")):
            if matches("route") { return .route }
        case (6, UInt8(ascii: "a")):
            if matches("accept") { return .accept }
        case (6, UInt8(ascii: "m")):
            if matches("min-se") { return .minSE }
        case (6, UInt8(ascii: "r")):
            if matches("reason") { return .reason }
        case (6, UInt8(ascii: "s")):
            if matches("server") { return .server }
        case (7, UInt8(ascii: "c")):
            if matches("call-id") { return .callID }
            if matches("contact") { return .contact }
        case (7, UInt8(ascii: "e")):
            if matches("expires") { return .expires }
        case (7, UInt8(ascii: "p")):
            if matches("privacy") { return .privacy }
        case (7, UInt8(ascii: "r")):
            if matches("require") { return .require }
        case (7, UInt8(ascii: "s")):
            if matches("subject") { return .subject }
        case (7, UInt8(ascii: "w")):
            if matches("warning") { return .warning }
        case (8, UInt8(ascii: "i")):
            if matches("identity") { return .identity }
        case (8, UInt8(ascii: "p")):
            if matches("priority") { return .priority }
        case (8, UInt8(ascii: "r")):
            if matches("refer-to") { return .referTo }
            if matches("reply-to") { return .replyTo }
            if matches("replaces") { return .replaces }
        case (8, UInt8(ascii: "s")):
            if matches("sip-etag") { return .sipETag }
        case (9, UInt8(ascii: "c")):
            if matches("call-info") { return .callInfo }
        case (9, UInt8(ascii: "r")):
            if matches("refer-sub") { return .referSub }
        case (9, UInt8(ascii: "s")):
            if matches("supported") { return .supported }
        case (9, UInt8(ascii: "t")):
            if matches("timestamp") { return .timestamp }
        case (10, UInt8(ascii: "a")):
            if matches("alert-info") { return .alertInfo }
        case (10, UInt8(ascii: "e")):
            if matches("error-info") { return .errorInfo }
        case (10, UInt8(ascii: "u")):
            if matches("user-agent") { return .userAgent }
        case (11, UInt8(ascii: "i")):
            if matches("in-reply-to") { return .inReplyTo }
        case (11, UInt8(ascii: "m")):
            if matches("min-expires") { return .minExpires }
        case (11, UInt8(ascii: "r")):
            if matches("referred-by") { return .referredBy }
            if matches("retry-after") { return .retryAfter }
        case (11, UInt8(ascii: "u")):
            if matches("unsupported") { return .unsupported }
        case (12, UInt8(ascii: "a")):
            if matches("allow-events") { return .allowEvents }
        case (12, UInt8(ascii: "c")):
            if matches("content-type") { return .contentType }
        case (12, UInt8(ascii: "m")):
            if matches("max-forwards") { return .maxForwards }
            if matches("mime-version") { return .mimeVersion }
        case (12, UInt8(ascii: "o")):
            if matches("organization") { return .organization }
        case (12, UInt8(ascii: "r")):
            if matches("record-route") { return .recordRoute }
        case (12, UInt8(ascii: "s")):
            if matches("sip-if-match") { return .sipIfMatch }
        case (13, UInt8(ascii: "a")):
            if matches("authorization") { return .authorization }
        case (13, UInt8(ascii: "p")):
            if matches("proxy-require") { return .proxyRequire }
        case (13, UInt8(ascii: "s")):
            if matches("service-route") { return .serviceRoute }
        case (14, UInt8(ascii: "a")):
            if matches("accept-contact") { return .acceptContact }
        case (14, UInt8(ascii: "c")):
            if matches("content-length") { return .contentLength }
        case (14, UInt8(ascii: "r")):
            if matches("reject-contact") { return .rejectContact }
        case (15, UInt8(ascii: "a")):
            if matches("accept-encoding") { return .acceptEncoding }
            if matches("accept-language") { return .acceptLanguage }
        case (15, UInt8(ascii: "s")):
            if matches("session-expires") { return .sessionExpires }
        case (16, UInt8(ascii: "c")):
            if matches("content-encoding") { return .contentEncoding }
            if matches("content-language") { return .contentLanguage }
        case (16, UInt8(ascii: "w")):
            if matches("www-authenticate") { return .wwwAuthenticate }
        case (18, UInt8(ascii: "p")):
            if matches("proxy-authenticate") { return .proxyAuthenticate }
        case (18, UInt8(ascii: "s")):
            if matches("subscription-state") { return .subscriptionState }
        case (19, UInt8(ascii: "a")):
            if matches("authentication-info") { return .authenticationInfo }
        case (19, UInt8(ascii: "c")):
            if matches("content-disposition") { return .contentDisposition }
        case (19, UInt8(ascii: "p")):
            if matches("proxy-authorization") { return .proxyAuthorization }
            if matches("p-asserted-identity") { return .pAssertedIdentity }
        case (19, UInt8(ascii: "r")):
            if matches("request-disposition") { return .requestDisposition }
        case (20, UInt8(ascii: "p")):
            if matches("p-preferred-identity") { return .pPreferredIdentity }
        default: break
        }
        return .other
    }
}

/// Whether `bytes[start..<start+literal.count]`, with ASCII letters lowered, equals `literal`
/// (lower case letters and "-" only). The caller has checked the length.
@inlinable
func literalEqualsLowercased(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ literal: StaticString) -> Bool {
    let pointer = literal.utf8Start
    for index in 0..<literal.utf8CodeUnitCount where bytes[start &+ index] | 0x20 != pointer[index] {
        return false
    }
    return true
}
