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
    ///
    /// The name is read 8 bytes at a time, lowered with OR 0x20 (exact for letters; "-" and
    /// digits are unchanged, and no other token byte can match a letter or "-" of a known
    /// name) and compared with constants, so a lookup is a few loads and compares.
    @inlinable
    static func lookup(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ count: Int) -> SIPHeaderName {
        if count == 1 {
            switch bytes[start] | 0x20 {
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
        guard count <= 24 else { return .other }
        // Word k holds bytes 8k..<8k+8 of the name, lowered; missing bytes are 0.
        @inline(__always)
        func word(_ k: Int) -> UInt64 {
            let offset = k &* 8
            guard offset < count else { return 0 }
            let available = min(8, count &- offset)
            let presentMask: UInt64 = available == 8 ? ~0 : (1 &<< UInt64(available &* 8)) &- 1
            var value: UInt64 = 0
            if start &+ offset &+ 8 <= bytes.count {
                // The ':' and the rest of the line follow the name, so 8 bytes are normally there.
                value = bytes.loadUnaligned(fromByteOffset: start &+ offset, as: UInt64.self).littleEndian & presentMask
            } else {
                for index in 0..<available {
                    value |= UInt64(bytes[start &+ offset &+ index]) &<< UInt64(index &* 8)
                }
            }
            // Lower each present byte: OR 0x20 into the bytes that exist.
            return value | (0x2020_2020_2020_2020 & presentMask)
        }

        let first = bytes[start] | 0x20
        switch count {
        case 2:
            let w0 = word(0)
            switch first {
            case UInt8(ascii: "t"):
                if w0 == 0x0000000000006F74 { return .to }  // to
            default: break
            }
        case 3:
            let w0 = word(0)
            switch first {
            case UInt8(ascii: "v"):
                if w0 == 0x0000000000616976 { return .via }  // via
            default: break
            }
        case 4:
            let w0 = word(0)
            switch first {
            case UInt8(ascii: "c"):
                if w0 == 0x0000000071657363 { return .cseq }  // cseq
            case UInt8(ascii: "d"):
                if w0 == 0x0000000065746164 { return .date }  // date
            case UInt8(ascii: "f"):
                if w0 == 0x000000006D6F7266 { return .from }  // from
            case UInt8(ascii: "p"):
                if w0 == 0x0000000068746170 { return .path }  // path
            case UInt8(ascii: "r"):
                if w0 == 0x000000006B636172 { return .rack }  // rack
                if w0 == 0x0000000071657372 { return .rseq }  // rseq
            default: break
            }
        case 5:
            let w0 = word(0)
            switch first {
            case UInt8(ascii: "a"):
                if w0 == 0x000000776F6C6C61 { return .allow }  // allow
            case UInt8(ascii: "e"):
                if w0 == 0x000000746E657665 { return .event }  // event
            case UInt8(ascii: "r"):
                if w0 == 0x0000006574756F72 { return .route }  // route
            default: break
            }
        case 6:
            let w0 = word(0)
            switch first {
            case UInt8(ascii: "a"):
                if w0 == 0x0000747065636361 { return .accept }  // accept
            case UInt8(ascii: "m"):
                if w0 == 0x000065732D6E696D { return .minSE }  // min-se
            case UInt8(ascii: "r"):
                if w0 == 0x00006E6F73616572 { return .reason }  // reason
            case UInt8(ascii: "s"):
                if w0 == 0x0000726576726573 { return .server }  // server
            default: break
            }
        case 7:
            let w0 = word(0)
            switch first {
            case UInt8(ascii: "c"):
                if w0 == 0x0064692D6C6C6163 { return .callID }  // call-id
                if w0 == 0x00746361746E6F63 { return .contact }  // contact
            case UInt8(ascii: "e"):
                if w0 == 0x0073657269707865 { return .expires }  // expires
            case UInt8(ascii: "p"):
                if w0 == 0x0079636176697270 { return .privacy }  // privacy
            case UInt8(ascii: "r"):
                if w0 == 0x0065726975716572 { return .require }  // require
            case UInt8(ascii: "s"):
                if w0 == 0x007463656A627573 { return .subject }  // subject
            case UInt8(ascii: "w"):
                if w0 == 0x00676E696E726177 { return .warning }  // warning
            default: break
            }
        case 8:
            let w0 = word(0)
            switch first {
            case UInt8(ascii: "i"):
                if w0 == 0x797469746E656469 { return .identity }  // identity
            case UInt8(ascii: "p"):
                if w0 == 0x797469726F697270 { return .priority }  // priority
            case UInt8(ascii: "r"):
                if w0 == 0x6F742D7265666572 { return .referTo }  // refer-to
                if w0 == 0x6F742D796C706572 { return .replyTo }  // reply-to
                if w0 == 0x736563616C706572 { return .replaces }  // replaces
            case UInt8(ascii: "s"):
                if w0 == 0x676174652D706973 { return .sipETag }  // sip-etag
            default: break
            }
        case 9:
            let w0 = word(0)
            switch first {
            case UInt8(ascii: "c"):
                if w0 == 0x666E692D6C6C6163 && word(1) == 0x000000000000006F { return .callInfo }  // call-info
            case UInt8(ascii: "r"):
                if w0 == 0x75732D7265666572 && word(1) == 0x0000000000000062 { return .referSub }  // refer-sub
            case UInt8(ascii: "s"):
                if w0 == 0x6574726F70707573 && word(1) == 0x0000000000000064 { return .supported }  // supported
            case UInt8(ascii: "t"):
                if w0 == 0x6D617473656D6974 && word(1) == 0x0000000000000070 { return .timestamp }  // timestamp
            default: break
            }
        case 10:
            let w0 = word(0)
            switch first {
            case UInt8(ascii: "a"):
                if w0 == 0x6E692D7472656C61 && word(1) == 0x0000000000006F66 { return .alertInfo }  // alert-info
            case UInt8(ascii: "e"):
                if w0 == 0x6E692D726F727265 && word(1) == 0x0000000000006F66 { return .errorInfo }  // error-info
            case UInt8(ascii: "u"):
                if w0 == 0x6567612D72657375 && word(1) == 0x000000000000746E { return .userAgent }  // user-agent
            default: break
            }
        case 11:
            let w0 = word(0)
            switch first {
            case UInt8(ascii: "i"):
                if w0 == 0x796C7065722D6E69 && word(1) == 0x00000000006F742D { return .inReplyTo }  // in-reply-to
            case UInt8(ascii: "m"):
                if w0 == 0x697078652D6E696D && word(1) == 0x0000000000736572 { return .minExpires }  // min-expires
            case UInt8(ascii: "r"):
                if w0 == 0x6465727265666572 && word(1) == 0x000000000079622D { return .referredBy }  // referred-by
                if w0 == 0x66612D7972746572 && word(1) == 0x0000000000726574 { return .retryAfter }  // retry-after
            case UInt8(ascii: "u"):
                if w0 == 0x726F707075736E75 && word(1) == 0x0000000000646574 { return .unsupported }  // unsupported
            default: break
            }
        case 12:
            let w0 = word(0)
            switch first {
            case UInt8(ascii: "a"):
                if w0 == 0x76652D776F6C6C61 && word(1) == 0x0000000073746E65 { return .allowEvents }  // allow-events
            case UInt8(ascii: "c"):
                if w0 == 0x2D746E65746E6F63 && word(1) == 0x0000000065707974 { return .contentType }  // content-type
            case UInt8(ascii: "m"):
                if w0 == 0x77726F662D78616D && word(1) == 0x0000000073647261 { return .maxForwards }  // max-forwards
                if w0 == 0x7265762D656D696D && word(1) == 0x000000006E6F6973 { return .mimeVersion }  // mime-version
            case UInt8(ascii: "o"):
                if w0 == 0x617A696E6167726F && word(1) == 0x000000006E6F6974 { return .organization }  // organization
            case UInt8(ascii: "r"):
                if w0 == 0x722D64726F636572 && word(1) == 0x000000006574756F { return .recordRoute }  // record-route
            case UInt8(ascii: "s"):
                if w0 == 0x6D2D66692D706973 && word(1) == 0x0000000068637461 { return .sipIfMatch }  // sip-if-match
            default: break
            }
        case 13:
            let w0 = word(0)
            switch first {
            case UInt8(ascii: "a"):
                if w0 == 0x7A69726F68747561 && word(1) == 0x0000006E6F697461 { return .authorization }  // authorization
            case UInt8(ascii: "p"):
                if w0 == 0x65722D79786F7270 && word(1) == 0x0000006572697571 { return .proxyRequire }  // proxy-require
            case UInt8(ascii: "s"):
                if w0 == 0x2D65636976726573 && word(1) == 0x0000006574756F72 { return .serviceRoute }  // service-route
            default: break
            }
        case 14:
            let w0 = word(0)
            switch first {
            case UInt8(ascii: "a"):
                if w0 == 0x632D747065636361 && word(1) == 0x0000746361746E6F { return .acceptContact }  // accept-contact
            case UInt8(ascii: "c"):
                if w0 == 0x2D746E65746E6F63 && word(1) == 0x00006874676E656C { return .contentLength }  // content-length
            case UInt8(ascii: "r"):
                if w0 == 0x632D7463656A6572 && word(1) == 0x0000746361746E6F { return .rejectContact }  // reject-contact
            default: break
            }
        case 15:
            let w0 = word(0)
            switch first {
            case UInt8(ascii: "a"):
                if w0 == 0x652D747065636361 && word(1) == 0x00676E69646F636E { return .acceptEncoding }  // accept-encoding
                if w0 == 0x6C2D747065636361 && word(1) == 0x0065676175676E61 { return .acceptLanguage }  // accept-language
            case UInt8(ascii: "s"):
                if w0 == 0x2D6E6F6973736573 && word(1) == 0x0073657269707865 { return .sessionExpires }  // session-expires
            default: break
            }
        case 16:
            let w0 = word(0)
            switch first {
            case UInt8(ascii: "c"):
                if w0 == 0x2D746E65746E6F63 && word(1) == 0x676E69646F636E65 { return .contentEncoding }  // content-encoding
                if w0 == 0x2D746E65746E6F63 && word(1) == 0x65676175676E616C { return .contentLanguage }  // content-language
            case UInt8(ascii: "w"):
                if w0 == 0x687475612D777777 && word(1) == 0x6574616369746E65 { return .wwwAuthenticate }  // www-authenticate
            default: break
            }
        case 18:
            let w0 = word(0)
            switch first {
            case UInt8(ascii: "p"):
                if w0 == 0x75612D79786F7270 && word(1) == 0x616369746E656874 && word(2) == 0x0000000000006574 { return .proxyAuthenticate }  // proxy-authenticate
            case UInt8(ascii: "s"):
                if w0 == 0x7069726373627573 && word(1) == 0x6174732D6E6F6974 && word(2) == 0x0000000000006574 { return .subscriptionState }  // subscription-state
            default: break
            }
        case 19:
            let w0 = word(0)
            switch first {
            case UInt8(ascii: "a"):
                if w0 == 0x69746E6568747561 && word(1) == 0x692D6E6F69746163 && word(2) == 0x00000000006F666E { return .authenticationInfo }  // authentication-info
            case UInt8(ascii: "c"):
                if w0 == 0x2D746E65746E6F63 && word(1) == 0x7469736F70736964 && word(2) == 0x00000000006E6F69 { return .contentDisposition }  // content-disposition
            case UInt8(ascii: "p"):
                if w0 == 0x75612D79786F7270 && word(1) == 0x74617A69726F6874 && word(2) == 0x00000000006E6F69 { return .proxyAuthorization }  // proxy-authorization
                if w0 == 0x7472657373612D70 && word(1) == 0x746E6564692D6465 && word(2) == 0x0000000000797469 { return .pAssertedIdentity }  // p-asserted-identity
            case UInt8(ascii: "r"):
                if w0 == 0x2D74736575716572 && word(1) == 0x7469736F70736964 && word(2) == 0x00000000006E6F69 { return .requestDisposition }  // request-disposition
            default: break
            }
        case 20:
            let w0 = word(0)
            switch first {
            case UInt8(ascii: "p"):
                if w0 == 0x7265666572702D70 && word(1) == 0x6E6564692D646572 && word(2) == 0x0000000079746974 { return .pPreferredIdentity }  // p-preferred-identity
            default: break
            }
        default:
            break
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
