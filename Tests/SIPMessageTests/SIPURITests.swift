import Foundation
import NIOCore
import SIPMessage
import Testing

@Suite("SIP, SIPS and tel URIs")
struct SIPURITests {
    struct ValidCase: Sendable, CustomTestStringConvertible {
        let uri: String
        var scheme: SIPURI.Scheme = .sip
        var user: String? = nil
        var password: String? = nil
        var host: String = ""
        var port: Int? = nil
        /// The parameters in order: name and value ("" for none, as `parameter(_:)` gives it).
        var parameters: [(String, String?)] = []
        var headers: String = ""
        var transport: String? = nil
        var isLooseRouter = false
        var testDescription: String { uri }
    }

    static let validCases: [ValidCase] = [
        ValidCase(uri: "sip:1001@pbx.example.com", user: "1001", host: "pbx.example.com"),
        ValidCase(uri: "sips:alice@sip.example.com:5061;transport=tls", scheme: .sips, user: "alice", host: "sip.example.com", port: 5061,
                  parameters: [("transport", "tls")], transport: "tls"),
        ValidCase(uri: "sip:doorphone:s3cr3t@192.168.1.10:5060", user: "doorphone", password: "s3cr3t", host: "192.168.1.10", port: 5060),
        ValidCase(uri: "sip:doorphone:@192.168.1.10", user: "doorphone", password: "", host: "192.168.1.10"),
        ValidCase(uri: "sip:door:p%40ss&=+$,w0rd@192.168.1.10", user: "door", password: "p%40ss&=+$,w0rd", host: "192.168.1.10"),
        ValidCase(uri: "sip:[2001:db8::10]:5070;transport=tcp", host: "[2001:db8::10]", port: 5070,
                  parameters: [("transport", "tcp")], transport: "tcp"),
        ValidCase(uri: "sip:alice@[2001:db8:0:0:0:0:0:7]", user: "alice", host: "[2001:db8:0:0:0:0:0:7]"),
        ValidCase(uri: "sips:[::1]", scheme: .sips, host: "[::1]"),
        ValidCase(uri: "sip:door@[::ffff:192.0.2.128]:5060", user: "door", host: "[::ffff:192.0.2.128]", port: 5060),
        ValidCase(uri: "sip:192.0.2.4", host: "192.0.2.4"),
        ValidCase(uri: "sip:proxy1.example.net;lr", host: "proxy1.example.net", parameters: [("lr", nil)], isLooseRouter: true),
        ValidCase(uri: "sip:edge.example.net;lr=on;ftag=6e1f9a3c", host: "edge.example.net", parameters: [("lr", "on"), ("ftag", "6e1f9a3c")],
                  isLooseRouter: true),
        ValidCase(uri: "sip:+4930123456@carrier.example.net;user=phone", user: "+4930123456", host: "carrier.example.net",
                  parameters: [("user", "phone")]),
        ValidCase(uri: "sip:+1-212-555-1212:1234@gateway.example.com;user=phone", user: "+1-212-555-1212", password: "1234",
                  host: "gateway.example.com", parameters: [("user", "phone")]),
        ValidCase(uri: "sip:0301234;phone-context=+49@gw.example.com;user=phone", user: "0301234;phone-context=+49",
                  host: "gw.example.com", parameters: [("user", "phone")]),
        ValidCase(uri: "sip:voicemail@pbx.example.com;maddr=239.255.255.1;ttl=15;transport=UDP", user: "voicemail",
                  host: "pbx.example.com", parameters: [("maddr", "239.255.255.1"), ("ttl", "15"), ("transport", "UDP")], transport: "udp"),
        ValidCase(uri: "sip:door@pbx.example.com;maddr=[2001:db8::1];method=INVITE", user: "door", host: "pbx.example.com",
                  parameters: [("maddr", "[2001:db8::1]"), ("method", "INVITE")]),
        ValidCase(uri: "sip:conf-42@media.example.com?Subject=Door%20bell&Priority=urgent", user: "conf-42", host: "media.example.com",
                  headers: "Subject=Door%20bell&Priority=urgent"),
        ValidCase(uri: "sip:pbx.example.com;method=REGISTER?to=door%40pbx.example.com", host: "pbx.example.com",
                  parameters: [("method", "REGISTER")], headers: "to=door%40pbx.example.com"),
        ValidCase(uri: "sip:door@pbx.example.com?Replaces=9d1f6b3e%3Bto-tag%3D5f0b%3Bfrom-tag%3D4f7a&Require=replaces&X-Empty=",
                  user: "door", host: "pbx.example.com",
                  headers: "Replaces=9d1f6b3e%3Bto-tag%3D5f0b%3Bfrom-tag%3D4f7a&Require=replaces&X-Empty="),
        ValidCase(uri: "sip:%64oorphone@pbx.example.com", user: "%64oorphone", host: "pbx.example.com"),
        ValidCase(uri: "SIP:Alice@PBX.Example.COM", user: "Alice", host: "PBX.Example.COM"),
        ValidCase(uri: "SIPS:alice@example.com", scheme: .sips, user: "alice", host: "example.com"),
        ValidCase(uri: "sip:alice@example.com.", user: "alice", host: "example.com."),
        ValidCase(uri: "sip:door_phone@sip_gw.example.com:05060", user: "door_phone", host: "sip_gw.example.com", port: 5060),
        ValidCase(uri: "sip:alice@pbx.example.com:0", user: "alice", host: "pbx.example.com", port: 0),
        ValidCase(uri: "sip:alice@pbx.example.com:65535", user: "alice", host: "pbx.example.com", port: 65535),
        ValidCase(uri: "sip:alice@pbx.example.com;transport=ws;ob;x-param=%41b", user: "alice", host: "pbx.example.com",
                  parameters: [("transport", "ws"), ("ob", nil), ("x-param", "%41b")], transport: "ws"),
        ValidCase(uri: "tel:+1-201-555-0123", scheme: .tel, user: "+1-201-555-0123"),
        ValidCase(uri: "tel:+49(30)1234567", scheme: .tel, user: "+49(30)1234567"),
        ValidCase(uri: "tel:7042;phone-context=example.com", scheme: .tel, user: "7042", parameters: [("phone-context", "example.com")]),
        ValidCase(uri: "tel:*21#;phone-context=+4930", scheme: .tel, user: "*21#", parameters: [("phone-context", "+4930")]),
        ValidCase(uri: "tel:+4930123456;ext=12;isub=7", scheme: .tel, user: "+4930123456", parameters: [("ext", "12"), ("isub", "7")]),
        ValidCase(uri: "TEL:+4930123456", scheme: .tel, user: "+4930123456"),
    ]

    @Test("valid URIs: every part", arguments: validCases)
    func validURI(_ test: ValidCase) throws {
        let uri = try SIPURI(parsing: test.uri)
        #expect(uri.scheme == test.scheme)
        #expect(uri.user?.string == test.user)
        #expect(uri.password?.string == test.password)
        #expect(uri.host.string == test.host)
        #expect(uri.port == test.port)
        #expect(uri.parameters.map(\.name.string) == test.parameters.map(\.0))
        #expect(uri.parameters.map { $0.value?.string } == test.parameters.map(\.1))
        for (name, value) in test.parameters {
            #expect(uri.parameter(name)?.string == (value ?? ""), "\(name)")
            #expect(uri.parameter(name.uppercased())?.string == (value ?? ""), "\(name) in upper case")
        }
        #expect(uri.parameter("no-such-parameter") == nil)
        #expect(uri.headersText.string == test.headers)
        #expect(uri.hasHeaders == !test.headers.isEmpty)
        #expect(uri.transport == test.transport)
        #expect(uri.isLooseRouter == test.isLooseRouter)
        #expect(uri.description == test.uri)
        #expect(uri.bytes.string == test.uri)
        #expect(SIPURI.scheme(of: SIPBytes(test.uri)) == "\(test.scheme)")
        // The same URI from bytes, with a moved reader index.
        var buffer = ByteBuffer(string: "<" + test.uri)
        buffer.moveReaderIndex(forwardBy: 1)
        #expect(try SIPURI(parsing: SIPBytes(buffer)) == uri)
    }

    @Test("parametersText keeps the raw parameters")
    func parametersText() throws {
        let uri = try SIPURI(parsing: "sip:door@pbx.example.com:5060;transport=tcp;lr?Subject=hi")
        #expect(uri.parametersText.string == ";transport=tcp;lr")
        #expect(try SIPURI(parsing: "sip:door@pbx.example.com").parametersText.isEmpty)
        #expect(try SIPURI(parsing: "tel:+4930123456;ext=12").parametersText.string == ";ext=12")
    }

    struct EscapeCase: Sendable, CustomTestStringConvertible {
        let uri: String
        let unescaped: [UInt8]?
        var testDescription: String { uri }
    }

    @Test("unescapedUser decodes percent escapes, NUL included", arguments: [
        EscapeCase(uri: "sip:%61lice@pbx.example.com", unescaped: Array("alice".utf8)),
        EscapeCase(uri: "sip:null-%00-null@pbx.example.com", unescaped: Array("null-".utf8) + [0] + Array("-null".utf8)),
        EscapeCase(uri: "sip:caf%C3%A9@pbx.example.com", unescaped: Array("caf".utf8) + [0xC3, 0xA9]),
        EscapeCase(uri: "sip:a%2Bb%2bc@pbx.example.com", unescaped: Array("a+b+c".utf8)),
        EscapeCase(uri: "sip:%25%25@pbx.example.com", unescaped: Array("%%".utf8)),
        EscapeCase(uri: "sip:plain@pbx.example.com", unescaped: Array("plain".utf8)),
        EscapeCase(uri: "sip:pbx.example.com", unescaped: nil),
        EscapeCase(uri: "sip:%20door%20:pw@pbx.example.com", unescaped: Array(" door ".utf8)),
        EscapeCase(uri: "tel:+4930123456", unescaped: Array("+4930123456".utf8)),
    ])
    func unescapedUser(_ test: EscapeCase) throws {
        let uri = try SIPURI(parsing: test.uri)
        #expect(uri.unescapedUser == test.unescaped)
    }

    struct ErrorCase: Sendable, CustomTestStringConvertible {
        let uri: String
        let offset: Int
        let why: String
        var testDescription: String { "\(why): \(uri)" }
    }

    static let errorCases: [ErrorCase] = [
        .init(uri: "sip:al%2gice@pbx.example.com", offset: 6, why: "escape with a non-hex digit"),
        .init(uri: "sip:alice%4@pbx.example.com", offset: 9, why: "escape cut short by '@'"),
        .init(uri: "sip:alice%@pbx.example.com", offset: 9, why: "bare '%'"),
        .init(uri: "sip:alice:pa%zzss@pbx.example.com", offset: 12, why: "bad escape in the password"),
        .init(uri: "sip:alice@pbx.example.com;x=%zz", offset: 28, why: "bad escape in a parameter value"),
        .init(uri: "sip:alice@pbx.example.com;%g1=x", offset: 26, why: "bad escape in a parameter name"),
        .init(uri: "sip:alice@pbx.example.com?Subject=a%2", offset: 35, why: "bad escape in a header value"),
        .init(uri: "sip:@pbx.example.com", offset: 4, why: "empty user before '@'"),
        .init(uri: "sip::secret@pbx.example.com", offset: 4, why: "empty user before the password"),
        .init(uri: "sip:ali ce@pbx.example.com", offset: 7, why: "space in the user part"),
        .init(uri: "sip:alice:pa:ss@pbx.example.com", offset: 12, why: "colon in the password"),
        .init(uri: "sip:alice@pbx.example.com:65536", offset: 26, why: "port above 65535"),
        .init(uri: "sip:alice@pbx.example.com:99999", offset: 26, why: "port 99999"),
        .init(uri: "sip:alice@pbx.example.com:123456", offset: 26, why: "port of six digits"),
        .init(uri: "sip:alice@pbx.example.com:", offset: 26, why: "colon without a port"),
        .init(uri: "sip:alice@pbx.example.com:50a0", offset: 28, why: "port followed by a letter"),
        .init(uri: "sip:alice@2001:db8::1", offset: 15, why: "IPv6 without brackets"),
        .init(uri: "sip:2001:db8::1", offset: 9, why: "IPv6 host alone without brackets"),
        .init(uri: "sip:alice@[2001:db8::1", offset: 10, why: "IPv6 reference not closed"),
        .init(uri: "sip:alice@[12:34]", offset: 10, why: "IPv6 reference with one colon"),
        .init(uri: "sip:alice@[2001:db8::g]", offset: 10, why: "IPv6 reference with a non-hex digit"),
        .init(uri: "sip:alice@", offset: 10, why: "no host after '@'"),
        .init(uri: "sip:", offset: 4, why: "nothing after the scheme"),
        .init(uri: "sip:alice@-pbx.example.com", offset: 10, why: "host starting with '-'"),
        .init(uri: "sip:alice@.example.com", offset: 10, why: "host starting with '.'"),
        .init(uri: "sip:alice@pbx.example.com;", offset: 26, why: "';' without a parameter"),
        .init(uri: "sip:alice@pbx.example.com;transport=", offset: 35, why: "'=' without a value"),
        .init(uri: "sip:alice@pbx.example.com;;lr", offset: 26, why: "empty parameter between ';'"),
        .init(uri: "sip:alice@pbx.example.com?Subject", offset: 33, why: "URI header without '='"),
        .init(uri: "sip:alice@pbx.example.com?", offset: 26, why: "'?' without headers"),
        .init(uri: "sip:alice@pbx.example.com?a=b&", offset: 30, why: "'&' without a header"),
        .init(uri: "sip:alice@pbx.example.com bad", offset: 25, why: "space after the host"),
        .init(uri: "sip:alice@pbx.example.com>", offset: 25, why: "'>' after the host"),
        .init(uri: "sip:alice@pbx.example.com;lr=\"on\"", offset: 28, why: "quote in a parameter value"),
        .init(uri: "http://www.example.com/door", offset: 0, why: "http scheme"),
        .init(uri: "mailto:door@example.com", offset: 0, why: "mailto scheme"),
        .init(uri: "sipx:alice@example.com", offset: 0, why: "sipx scheme"),
        .init(uri: "si:alice@example.com", offset: 0, why: "si scheme"),
        .init(uri: "urn:service:sos", offset: 0, why: "urn scheme"),
        .init(uri: "alice@example.com", offset: 0, why: "no scheme"),
        .init(uri: "sip", offset: 0, why: "scheme without a colon"),
        .init(uri: "", offset: 0, why: "empty"),
        .init(uri: "1sip:alice@example.com", offset: 0, why: "scheme starting with a digit"),
        .init(uri: ":alice@example.com", offset: 0, why: "empty scheme"),
        .init(uri: "tel:", offset: 4, why: "tel without a number"),
        .init(uri: "tel:+", offset: 5, why: "tel with only a plus"),
        .init(uri: "tel:+49 30 1234", offset: 7, why: "tel with a space"),
        .init(uri: "tel:+4930;", offset: 10, why: "tel ';' without a parameter"),
        .init(uri: "tel:+4930;=x", offset: 10, why: "tel parameter without a name"),
        .init(uri: "tel:+4930@example.com", offset: 9, why: "tel with a host"),
    ]

    @Test("malformed URIs: malformedRequestURI at the offending byte", arguments: errorCases)
    func malformedURI(_ test: ErrorCase) throws {
        let caught = SIPWire.error { try SIPURI(parsing: test.uri) }
        let error = try #require(caught, "\(test.uri) parsed")
        #expect(error.code == .malformedRequestURI)
        #expect(error.offset == test.offset)
        #expect(error.isRequest == nil)
    }

    @Test("a URI in a header is checked relative to the message, a URI alone relative to itself")
    func errorOffsetsInAMessage() throws {
        let text = SIPWire.request(extra: ["Contact: <sip:door@192.168.1.50:65536>"])
        let message = try SIPMessage(parsing: text)
        let contact = try #require(try message.contacts().first)
        let caught = SIPWire.error { try contact.parsedURI() }
        let alone = try #require(caught)
        #expect(alone.code == .malformedRequestURI)
        #expect(alone.offset == 22)
        let validated = SIPWire.error { try message.validate() }
        let inMessage = try #require(validated)
        #expect(inMessage.code == .malformedHeaderValue)
        #expect(inMessage.offset == SIPWire.offset(of: "65536", in: text))
    }

    @Test("host names with empty labels or labels ending in '-' are not host names", arguments: [
        "sip:alice@example..com", "sip:alice@example-.com", "sip:alice@pbx.-example.com", "sip:alice@pbx..",
    ])
    func badHostLabels(uri: String) throws {
        // RFC 3261 §25.1: hostname = *( domainlabel "." ) toplabel [ "." ];
        // domainlabel = alphanum / alphanum *( alphanum / "-" ) alphanum.
        let caught = SIPWire.error { try SIPURI(parsing: uri) }
        let error = try #require(caught, "\(uri) parsed")
        #expect(error.code == .malformedRequestURI)
        #expect(error.offset == 10)
    }

    @Test("tel: URIs that RFC 3966 refuses", arguments: [
        ("tel:+49;ph one=x", 10),  // pname = 1*( alphanum / "-" )
        ("tel:+49;a\"b", 9),
        ("tel:+49;_x=1", 8),
        ("tel:+-.-", 5),  // global-number-digits = "+" *phonedigit DIGIT *phonedigit
        ("tel:+49-ABC", 8),  // a global number has decimal digits only
        ("tel:+4930;ext=", 14),
    ])
    func badTelURIs(uri: String, offset: Int) throws {
        let caught = SIPWire.error { try SIPURI(parsing: uri) }
        let error = try #require(caught, "\(uri) parsed")
        #expect(error.code == .malformedRequestURI)
        #expect(error.offset == offset)
    }

    @Test("SIPURI.scheme(of:) for any URI", arguments: [
        ("sip:alice@example.com", String?("sip")), ("SIPS:alice@example.com", "sips"), ("tel:+4930123456", "tel"),
        ("http://www.example.com", "http"), ("soap.beep://door.example.com", "soap.beep"), ("urn:service:sos", "urn"),
        ("Mailto:door@example.com", "mailto"), ("im+xmpp:door@example.com", "im+xmpp"), ("sip:", "sip"),
        ("no-colon", nil), ("", nil), (":x", nil), ("1a:b", nil), ("-x:y", nil), ("si p:x", nil), ("<sip:a@b>", nil),
    ])
    func schemeOf(uri: String, expected: String?) {
        #expect(SIPURI.scheme(of: SIPBytes(uri)) == expected)
    }

    @Test("URIs compare byte for byte")
    func equality() throws {
        let a = try SIPURI(parsing: "sip:alice@pbx.example.com;transport=tcp")
        let b = try SIPURI(parsing: "sip:alice@pbx.example.com;transport=tcp")
        let c = try SIPURI(parsing: "sip:alice@pbx.example.com;transport=TCP")
        #expect(a == b)
        #expect(a != c)
        #expect(a.transport == c.transport)
        #expect(Set([a, b, c]).count == 2)
    }

    @Test("URIs from the Request-URI and the address headers of a message")
    func urisFromMessage() throws {
        let text = SIPWire.message([
            "INVITE sips:+4930123456;phone-context=+49@gw.example.com:5061;user=phone SIP/2.0",
            "Via: SIP/2.0/TLS [2001:db8::50]:5061;branch=z9hG4bK3e1a7c52;rport",
            "Max-Forwards: 70",
            "From: \"Front Door\" <sips:doorphone@pbx.example.com>;tag=4f7a",
            "To: <sips:+4930123456@gw.example.com;user=phone>",
            "Contact: <sips:doorphone@[2001:db8::50]:5061;transport=tls;ob>",
            "Call-ID: 6a0f3d2c-8e1b-4a79@2001:db8::50",
            "CSeq: 1 INVITE",
            "Content-Length: 0",
        ])
        let message = try SIPMessage(parsing: text)
        let requestURI = try SIPURI(parsing: try #require(message.requestURI))
        #expect(requestURI.scheme == .sips)
        #expect(requestURI.user?.string == "+4930123456;phone-context=+49")
        #expect(requestURI.host.string == "gw.example.com")
        #expect(requestURI.port == 5061)
        #expect(requestURI.parameter("user")?.string == "phone")
        let contact = try #require(try message.contacts().first).parsedURI()
        #expect(contact.host.string == "[2001:db8::50]")
        #expect(contact.port == 5061)
        #expect(contact.transport == "tls")
        #expect(contact.parameter("ob")?.isEmpty == true)
        #expect(try message.from()?.parsedURI().user?.string == "doorphone")
        #expect(try message.to()?.parsedURI().parameters.map(\.name.string) == ["user"])
        try message.validate()
    }
}
