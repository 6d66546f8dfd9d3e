import Foundation
import NIOCore
import SIPMessage
import Testing

@Suite("Typed header views, validate() and check(profile:)")
struct HeaderViewTests {
    /// A request carrying `lines` after the usual headers.
    static func request(method: String = "OPTIONS", _ lines: [String] = [], without: [String] = [], body: String = "") throws -> SIPMessage {
        try SIPMessage(parsing: SIPWire.request(method: method, extra: lines, without: without, body: body))
    }

    /// A request whose only Via is `via`.
    static func requestWithVia(_ via: String) -> String {
        SIPWire.request().replacingOccurrences(
            of: "Via: SIP/2.0/UDP 192.168.1.50:5060;branch=z9hG4bK1f0a6c2e;rport", with: "Via: \(via)")
    }

    // MARK: - Via

    struct ViaCase: Sendable, CustomTestStringConvertible {
        let value: String
        var protocolName = "SIP"
        var protocolVersion = "2.0"
        let transport: String
        let host: String
        var port: Int? = nil
        var sentBy: String
        var branch: String? = nil
        var received: String? = nil
        var hasRPort = false
        var rport: Int? = nil
        var maddr: String? = nil
        var ttl: Int? = nil
        var hasRFC3261Branch = false
        var parameterNames: [String] = []
        var testDescription: String { value }
    }

    static let viaCases: [ViaCase] = [
        ViaCase(value: "SIP/2.0/UDP 192.168.1.50:5060;branch=z9hG4bK776asdhds;rport",
                transport: "UDP", host: "192.168.1.50", port: 5060, sentBy: "192.168.1.50:5060", branch: "z9hG4bK776asdhds",
                hasRPort: true, hasRFC3261Branch: true, parameterNames: ["branch", "rport"]),
        ViaCase(value: "SIP/2.0/UDP 192.168.1.50:5060;rport=5060;received=198.51.100.23;branch=z9hG4bK6b2e9f0a",
                transport: "UDP", host: "192.168.1.50", port: 5060, sentBy: "192.168.1.50:5060", branch: "z9hG4bK6b2e9f0a",
                received: "198.51.100.23", hasRPort: true, rport: 5060, hasRFC3261Branch: true,
                parameterNames: ["rport", "received", "branch"]),
        ViaCase(value: "SIP/2.0/TCP [2001:db8::9:1]:5061;branch=z9hG4bKas3-111;received=[2001:db8::9:255]",
                transport: "TCP", host: "[2001:db8::9:1]", port: 5061, sentBy: "[2001:db8::9:1]:5061", branch: "z9hG4bKas3-111",
                received: "[2001:db8::9:255]", hasRFC3261Branch: true, parameterNames: ["branch", "received"]),
        ViaCase(value: "SIP/2.0/UDP [2001:db8::9:1];received=2001:db8::9:255;branch=z9hG4bKjoe2e;rport=5062",
                transport: "UDP", host: "[2001:db8::9:1]", sentBy: "[2001:db8::9:1]", branch: "z9hG4bKjoe2e",
                received: "2001:db8::9:255", hasRPort: true, rport: 5062, hasRFC3261Branch: true,
                parameterNames: ["received", "branch", "rport"]),
        ViaCase(value: "SIP/2.0/UDP pbx.example.com;branch=z9hG4bKnashds8;maddr=239.255.255.1;ttl=16",
                transport: "UDP", host: "pbx.example.com", sentBy: "pbx.example.com", branch: "z9hG4bKnashds8",
                maddr: "239.255.255.1", ttl: 16, hasRFC3261Branch: true, parameterNames: ["branch", "maddr", "ttl"]),
        ViaCase(value: "SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bKa7b8c9d0;rport",
                transport: "WSS", host: "df7jal23ls0d.invalid", sentBy: "df7jal23ls0d.invalid", branch: "z9hG4bKa7b8c9d0",
                hasRPort: true, hasRFC3261Branch: true, parameterNames: ["branch", "rport"]),
        ViaCase(value: "SIP/2.0/TLS 10.20.30.40:39872;received=198.51.100.7;rport=39872;branch=z9hG4bK.kT4h2pQ9z",
                transport: "TLS", host: "10.20.30.40", port: 39872, sentBy: "10.20.30.40:39872", branch: "z9hG4bK.kT4h2pQ9z",
                received: "198.51.100.7", hasRPort: true, rport: 39872, hasRFC3261Branch: true,
                parameterNames: ["received", "rport", "branch"]),
        // An RFC 2543 peer: no branch at all, or a branch without the magic cookie.
        ViaCase(value: "SIP/2.0/UDP 192.0.2.33:5060", transport: "UDP", host: "192.0.2.33", port: 5060, sentBy: "192.0.2.33:5060"),
        ViaCase(value: "SIP/2.0/UDP 192.0.2.33;branch=1234abcd", transport: "UDP", host: "192.0.2.33", sentBy: "192.0.2.33",
                branch: "1234abcd", parameterNames: ["branch"]),
        ViaCase(value: "SIP/2.0/UDP 192.0.2.33;branch=z9hG4bK", transport: "UDP", host: "192.0.2.33", sentBy: "192.0.2.33",
                branch: "z9hG4bK", parameterNames: ["branch"]),
        // LWS around the slashes and the colon, and upper-case parameter names.
        ViaCase(value: "SIP / 2.0 / UDP 192.0.2.33 : 5060 ;BRANCH=z9hG4bKspaced ; RPORT",
                transport: "UDP", host: "192.0.2.33", port: 5060, sentBy: "192.0.2.33 : 5060", branch: "z9hG4bKspaced",
                hasRPort: true, hasRFC3261Branch: true, parameterNames: ["BRANCH", "RPORT"]),
        ViaCase(value: "SIP/2.0/SCTP sbc.example.net:5060;branch=z9hG4bK-sbc-3a91;ttl=300;maddr=[2001:db8::1]",
                transport: "SCTP", host: "sbc.example.net", port: 5060, sentBy: "sbc.example.net:5060", branch: "z9hG4bK-sbc-3a91",
                maddr: "[2001:db8::1]", ttl: nil, hasRFC3261Branch: true, parameterNames: ["branch", "ttl", "maddr"]),
        ViaCase(value: "SIP/2.0/TCP 10.20.30.40:51034;received=198.51.100.7;rport=51034;branch=z9hG4bKjwvmxyb4;alias",
                transport: "TCP", host: "10.20.30.40", port: 51034, sentBy: "10.20.30.40:51034", branch: "z9hG4bKjwvmxyb4",
                received: "198.51.100.7", hasRPort: true, rport: 51034, hasRFC3261Branch: true,
                parameterNames: ["received", "rport", "branch", "alias"]),
        ViaCase(value: "SIP/2.0/UDP 192.168.1.50:5060;branch=\"z9hG4bKquoted\";x-note=\"a, b; c\"",
                transport: "UDP", host: "192.168.1.50", port: 5060, sentBy: "192.168.1.50:5060", branch: "\"z9hG4bKquoted\"",
                parameterNames: ["branch", "x-note"]),
    ]

    @Test("vias(): every field of one Via, and the pre-parsed top Via fields", arguments: viaCases)
    func via(_ test: ViaCase) throws {
        let message = try SIPMessage(parsing: Self.requestWithVia(test.value))
        let vias = try message.vias()
        #expect(vias.count == 1)
        let via = try #require(vias.first)
        #expect(via.protocolName.string == test.protocolName)
        #expect(via.protocolVersion.string == test.protocolVersion)
        #expect(via.transport.string == test.transport)
        #expect(via.host.string == test.host)
        #expect(via.port == test.port)
        #expect(via.branch?.string == test.branch)
        #expect(via.received?.string == test.received)
        #expect(via.hasRPort == test.hasRPort)
        #expect(via.rport == test.rport)
        #expect(via.maddr?.string == test.maddr)
        #expect(via.ttl == test.ttl)
        #expect(via.hasRFC3261Branch == test.hasRFC3261Branch)
        #expect(via.parameters.map(\.name.string) == test.parameterNames)
        #expect(try message.topVia() == via)

        #expect(message.hasVia)
        #expect(message.topViaTransport?.string == test.transport)
        #expect(message.topViaHost?.string == test.host)
        #expect(message.topViaPort == test.port)
        #expect(message.topViaSentBy?.string == test.sentBy)
        #expect(message.topViaBranch?.string == test.branch)
        #expect(message.viaCount == 1)
        try message.validate()
    }

    @Test("viaCount and vias() over several Via lines and comma lists")
    func viaCount() throws {
        let lines = [
            "v: SIP/2.0/UDP 192.168.1.1:5060;branch=z9hG4bK-sbc-3a91f0c2e47d;rport",
            "Via: SIP/2.0/UDP 10.0.0.1:5060;received=10.0.0.1;rport=5060;branch=z9hG4bK7a3f.5c2e.0, SIP/2.0/UDP 203.0.113.10:5060;branch=z9hG4bK7a3f.0f1e.0",
            "VIA: SIP/2.0/TCP 10.20.30.40:51034;received=198.51.100.7;rport=51034;branch=z9hG4bKjwvmxyb4;alias,",
            "\tSIP/2.0/TLS [2001:db8::7]:5061;branch=z9hG4bKtls99;x-note=\"hops, many\"",
        ]
        let text = SIPWire.request(without: ["Via:"]).replacingOccurrences(
            of: "SIP/2.0\r\n", with: "SIP/2.0\r\n" + lines.joined(separator: "\r\n") + "\r\n")
        let message = try SIPMessage(parsing: text)
        #expect(message.count(of: .via) == 3)
        #expect(message.viaCount == 5)
        let vias = try message.vias()
        #expect(vias.map(\.host.string) == ["192.168.1.1", "10.0.0.1", "203.0.113.10", "10.20.30.40", "[2001:db8::7]"])
        #expect(vias.map(\.transport.string) == ["UDP", "UDP", "UDP", "TCP", "TLS"])
        #expect(vias.map { $0.branch?.string } == [
            "z9hG4bK-sbc-3a91f0c2e47d", "z9hG4bK7a3f.5c2e.0", "z9hG4bK7a3f.0f1e.0", "z9hG4bKjwvmxyb4", "z9hG4bKtls99",
        ])
        #expect(vias.last?.parameters.first(named: "x-note")?.unquotedValue == "hops, many")
        #expect(message.topViaBranch?.string == "z9hG4bK-sbc-3a91f0c2e47d")
        #expect(message.topViaSentBy?.string == "192.168.1.1:5060")
        #expect(try message.topVia()?.host.string == "192.168.1.1")
        try message.validate()

        let none = try SIPMessage(parsing: SIPWire.request(without: ["Via:"]))
        #expect(none.viaCount == 0)
        #expect(try none.vias().isEmpty)
        #expect(try none.topVia() == nil)
        #expect(!none.hasVia)
        #expect(none.topViaBranch == nil && none.topViaHost == nil && none.topViaPort == nil)
        #expect(none.topViaTransport == nil && none.topViaSentBy == nil)
    }

    @Test("a malformed Via after the top one fails vias() and validate(), not parsing")
    func laterViaMalformed() throws {
        let text = SIPWire.request(extra: ["Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKok, SIP/2.0/UDP"])
        let message = try SIPMessage(parsing: text)
        #expect(message.topViaBranch?.string == "z9hG4bK1f0a6c2e")
        let viasCaught = SIPWire.error { try message.vias() }
        let error = try #require(viasCaught)
        #expect(error.code == .malformedHeaderValue)
        #expect(error.offset == SIPWire.offset(of: ", SIP/2.0/UDP\r\n", in: text) + 13)
        #expect(error.isRequest == true)
        #expect(error.rejectStatus == 400)
        #expect(SIPWire.error { try message.validate() }?.code == .malformedHeaderValue)
        #expect(SIPWire.error { try message.topVia() }?.code == .malformedHeaderValue)
        // viaCount still counts the values.
        #expect(message.viaCount == 3)
    }

    // MARK: - From, To

    struct AddressCase: Sendable, CustomTestStringConvertible {
        let value: String
        let displayName: String?
        var displayNameBytes: String? = nil
        let uri: String
        var bracketed = true
        var tag: String? = nil
        var parameterNames: [String] = []
        var testDescription: String { value }
    }

    static let addressCases: [AddressCase] = [
        AddressCase(value: "\"Front Door\" <sip:doorphone@pbx.example.com>;tag=4f7a2b9c", displayName: "Front Door",
                    displayNameBytes: "\"Front Door\"", uri: "sip:doorphone@pbx.example.com", tag: "4f7a2b9c", parameterNames: ["tag"]),
        AddressCase(value: "\"Alice \\\"Ali\\\" Liddell\" <sip:alice@example.com>;tag=x1", displayName: "Alice \"Ali\" Liddell",
                    displayNameBytes: "\"Alice \\\"Ali\\\" Liddell\"", uri: "sip:alice@example.com", tag: "x1", parameterNames: ["tag"]),
        AddressCase(value: "\"C:\\\\temp\\\\door\" <sip:c@example.com>", displayName: "C:\\temp\\door",
                    displayNameBytes: "\"C:\\\\temp\\\\door\"", uri: "sip:c@example.com"),
        AddressCase(value: "Front Door <sip:doorphone@pbx.example.com>;tag=1", displayName: "Front Door",
                    displayNameBytes: "Front Door", uri: "sip:doorphone@pbx.example.com", tag: "1", parameterNames: ["tag"]),
        AddressCase(value: "Dr.O'Neil-2 <sips:oneil@example.com>", displayName: "Dr.O'Neil-2", displayNameBytes: "Dr.O'Neil-2",
                    uri: "sips:oneil@example.com"),
        AddressCase(value: "<sip:1001@pbx.example.com>", displayName: nil, uri: "sip:1001@pbx.example.com"),
        AddressCase(value: "sip:1001@pbx.example.com;tag=887s", displayName: nil, uri: "sip:1001@pbx.example.com", bracketed: false,
                    tag: "887s", parameterNames: ["tag"]),
        AddressCase(value: "<sip:+4930123456@sip.example.com;user=phone>;tag=QH4m1Fy7Z0XgK", displayName: nil,
                    uri: "sip:+4930123456@sip.example.com;user=phone", tag: "QH4m1Fy7Z0XgK", parameterNames: ["tag"]),
        // An addr-spec's parameters are header parameters, not URI parameters.
        AddressCase(value: "sip:+4930123456@carrier.example.net;user=phone;tag=9a8b", displayName: nil,
                    uri: "sip:+4930123456@carrier.example.net", bracketed: false, tag: "9a8b", parameterNames: ["user", "tag"]),
        AddressCase(value: "\"\" <sip:anonymous@anonymous.invalid>;tag=hyh8", displayName: "", displayNameBytes: "\"\"",
                    uri: "sip:anonymous@anonymous.invalid", tag: "hyh8", parameterNames: ["tag"]),
        AddressCase(value: "\"Büro Süd\" <sip:buero@example.com>;tag=u1", displayName: "Büro Süd", displayNameBytes: "\"Büro Süd\"",
                    uri: "sip:buero@example.com", tag: "u1", parameterNames: ["tag"]),
        AddressCase(value: "\"Door\"<sip:door@example.com> ; TAG = abc ;x-flag", displayName: "Door", displayNameBytes: "\"Door\"",
                    uri: "sip:door@example.com", tag: "abc", parameterNames: ["TAG", "x-flag"]),
        AddressCase(value: "<tel:+4930123456;phone-context=example.com>;tag=t1", displayName: nil,
                    uri: "tel:+4930123456;phone-context=example.com", tag: "t1", parameterNames: ["tag"]),
    ]

    @Test("from() and to(): display names, URIs and parameters", arguments: addressCases)
    func fromAndTo(_ test: AddressCase) throws {
        let text = SIPWire.request()
            .replacingOccurrences(of: "From: \"Front Door\" <sip:doorphone@pbx.example.com>;tag=7c1e4a9d", with: "From: \(test.value)")
            .replacingOccurrences(of: "To: <sip:1001@pbx.example.com>", with: "To: \(test.value)")
        let message = try SIPMessage(parsing: text)
        for address in [try message.from(), try message.to()] {
            let address = try #require(address)
            #expect(address.displayName == test.displayName)
            #expect(address.displayNameBytes?.string == (test.displayNameBytes ?? test.displayName))
            #expect(address.uri.string == test.uri)
            #expect(address.isBracketed == test.bracketed)
            #expect(!address.isWildcard)
            #expect(address.tag?.string == test.tag)
            #expect(address.parameters.map(\.name.string) == test.parameterNames)
            _ = try address.parsedURI()
        }
        #expect(message.fromTag?.string == test.tag)
        #expect(message.toTag?.string == test.tag)
        try message.validate()
    }

    @Test("URI parameters inside '<' '>' stay in the URI")
    func bracketedURIParameters() throws {
        let text = SIPWire.request().replacingOccurrences(
            of: "To: <sip:1001@pbx.example.com>", with: "To: \"Parcel Service\" <sip:+4930123456@carrier.example.net;user=phone;transport=tcp>;tag=f00d")
        let parsed = try SIPMessage(parsing: text)
        let to = try #require(try parsed.to())
        let uri = try to.parsedURI()
        #expect(uri.user?.string == "+4930123456")
        #expect(uri.parameter("user")?.string == "phone")
        #expect(uri.transport == "tcp")
        #expect(to.parameters.map(\.name.string) == ["tag"])
        #expect(to.parameters.first(named: "user") == nil)
    }

    @Test("a message without From or To")
    func absentAddresses() throws {
        let message = try Self.request([], without: ["From:", "To:"])
        #expect(try message.from() == nil)
        #expect(try message.to() == nil)
        #expect(try message.replyTo() == nil)
        #expect(message.fromTag == nil)
        #expect(message.toTag == nil)
    }

    // MARK: - Contact

    @Test("contacts(): wildcard, expires, q, several values, addr-spec parameters")
    func contacts() throws {
        let wildcard = try Self.request(method: "REGISTER", ["Contact: *", "Expires: 0"])
        let star = try wildcard.contacts()
        #expect(star.count == 1)
        #expect(star.first?.isWildcard == true)
        #expect(star.first?.uri.string == "*")
        #expect(star.first?.displayName == nil)
        #expect(try wildcard.expires() == 0)
        try wildcard.validate()

        let message = try Self.request(method: "REGISTER", [
            "Contact: <sip:doorphone@192.168.1.50:5060;transport=udp;expires=10>;expires=3600;q=0.7",
            "Contact: \"Doe, John\" <sip:john@192.0.2.1>;q=0.1, <sip:john@mobile.example.com>;q=1;expires=60",
            "m: sip:door@198.51.100.23:5062;expires=120;q=0.500",
            "Contact: <sip:doorphone-0ab3c4d5@192.168.1.50:5060>;expires=3600;+sip.instance=\"<urn:uuid:0f9c2a61-7b3d-4e18-9a25-c84d6e1f3b70>\";reg-id=1",
            "Contact: <sip:odd@192.0.2.9>;q=1.5;expires=soon, <sip:odd2@192.0.2.9>;q=abc;expires=99999999999",
        ])
        let contacts = try message.contacts()
        #expect(contacts.count == 7)
        #expect(contacts.map(\.uri.string) == [
            "sip:doorphone@192.168.1.50:5060;transport=udp;expires=10", "sip:john@192.0.2.1", "sip:john@mobile.example.com",
            "sip:door@198.51.100.23:5062", "sip:doorphone-0ab3c4d5@192.168.1.50:5060", "sip:odd@192.0.2.9", "sip:odd2@192.0.2.9",
        ])
        #expect(contacts.map(\.expires) == [3600, nil, 60, 120, 3600, nil, UInt32.max])
        #expect(contacts.map(\.q) == [0.7, 0.1, 1.0, 0.5, nil, nil, nil])
        #expect(contacts.map(\.displayName) == [nil, "Doe, John", nil, nil, nil, nil, nil])
        #expect(contacts.map(\.isBracketed) == [true, true, true, false, true, true, true])
        #expect(contacts.allSatisfy { !$0.isWildcard })
        // Parameters after an addr-spec belong to the header.
        #expect(contacts[3].parameters.map(\.name.string) == ["expires", "q"])
        #expect(try contacts[3].parsedURI().port == 5062)
        #expect(try contacts[3].parsedURI().parameters.isEmpty)
        #expect(contacts[4].parameters.first(named: "+sip.instance")?.unquotedValue == "<urn:uuid:0f9c2a61-7b3d-4e18-9a25-c84d6e1f3b70>")
        #expect(contacts[4].parameters.first(named: "reg-id")?.value?.string == "1")
        try message.validate()

        #expect(try Self.request().contacts().isEmpty)
    }

    @Test("Contact '*' must be alone")
    func contactWildcardNotAlone() throws {
        for lines in [["Contact: *, <sip:door@192.168.1.50>"], ["Contact: *", "Contact: <sip:door@192.168.1.50>"]] {
            let text = SIPWire.request(method: "REGISTER", extra: lines)
            let message = try SIPMessage(parsing: text)
            #expect(try message.contacts().count == 2)
            let caught = SIPWire.error { try message.validate() }
            let error = try #require(caught)
            #expect(error.code == .malformedHeaderValue)
            #expect(error.offset == SIPWire.offset(of: "*", in: text, from: SIPWire.offset(of: "Contact:", in: text)))
        }
    }

    // MARK: - Route, Record-Route

    @Test("routes() and recordRoutes() across lines and comma lists")
    func routeSets() throws {
        let message = try Self.request(method: "INVITE", [
            "Route: <sip:sbc-fra1.carrier.example.net;lr;ftag=6e1f9a3c5b7d2084>",
            "Route: <sip:198.18.7.2:5060;transport=udp;lr>, <sip:198.18.7.1:5060;transport=tcp;lr>",
            "Record-Route: <sip:10.0.0.1;r2=on;lr=on;ftag=6e1f9a3c;nat=yes>",
            "Record-Route: \"edge\" <sip:[2001:db8::1]:5061;transport=tls;lr>;x-hint=1",
        ])
        let routes = try message.routes()
        #expect(routes.map(\.uri.string) == [
            "sip:sbc-fra1.carrier.example.net;lr;ftag=6e1f9a3c5b7d2084", "sip:198.18.7.2:5060;transport=udp;lr",
            "sip:198.18.7.1:5060;transport=tcp;lr",
        ])
        #expect(try routes.map { try $0.parsedURI().isLooseRouter } == [true, true, true])
        #expect(try routes.map { try $0.parsedURI().transport } == [nil, "udp", "tcp"])
        let recordRoutes = try message.recordRoutes()
        #expect(recordRoutes.count == 2)
        #expect(try recordRoutes[0].parsedURI().parameter("lr")?.string == "on")
        #expect(try recordRoutes[1].parsedURI().host.string == "[2001:db8::1]")
        #expect(recordRoutes[1].displayName == "edge")
        #expect(recordRoutes[1].parameters.first(named: "x-hint")?.value?.string == "1")
        try message.validate()
    }

    // MARK: - Content-Type, Accept

    struct MediaCase: Sendable, CustomTestStringConvertible {
        let value: String
        let type: String
        let subtype: String
        var parameters: [String: String] = [:]
        var testDescription: String { value }
    }

    static let mediaCases: [MediaCase] = [
        .init(value: "application/sdp", type: "application", subtype: "sdp"),
        .init(value: "text/plain;charset=UTF-8", type: "text", subtype: "plain", parameters: ["charset": "UTF-8"]),
        .init(value: "text/plain; charset=\"UTF-8\"", type: "text", subtype: "plain", parameters: ["charset": "UTF-8"]),
        .init(value: "multipart/mixed;boundary=unique-boundary-1", type: "multipart", subtype: "mixed", parameters: ["boundary": "unique-boundary-1"]),
        .init(value: "application/dialog-info+xml", type: "application", subtype: "dialog-info+xml"),
        .init(value: "Application/SDP", type: "Application", subtype: "SDP"),
        .init(value: "message/sipfrag;version=2.0", type: "message", subtype: "sipfrag", parameters: ["version": "2.0"]),
        .init(value: "application / sdp", type: "application", subtype: "sdp"),
    ]

    @Test("contentType() with parameters", arguments: mediaCases)
    func contentType(_ test: MediaCase) throws {
        let message = try Self.request(["c: \(test.value)"])
        let media = try #require(try message.contentType())
        #expect(media.type.string == test.type)
        #expect(media.subtype.string == test.subtype)
        #expect(media.description == "\(test.type)/\(test.subtype)")
        #expect(media.matches(type: test.type.lowercased(), subtype: test.subtype.uppercased()))
        #expect(!media.matches(type: "image", subtype: "png"))
        var parameters: [String: String] = [:]
        for parameter in media.parameters { parameters[parameter.name.string] = parameter.unquotedValue }
        #expect(parameters == test.parameters)
        try message.validate()
        #expect(try Self.request().contentType() == nil)
    }

    @Test("accept(): several entries, wildcards, empty Accept")
    func accept() throws {
        let message = try Self.request([
            "Accept: application/sdp, application/pidf+xml;q=0.8",
            "Accept: application/*;q=0.2, */*;q=0.1",
        ])
        let accepted = try message.accept()
        #expect(accepted.map(\.description) == ["application/sdp", "application/pidf+xml", "application/*", "*/*"])
        #expect(accepted[1].parameters.first(named: "q")?.value?.string == "0.8")
        #expect(accepted[2].matches(type: "application", subtype: "anything"))
        #expect(!accepted[2].matches(type: "text", subtype: "plain"))
        #expect(accepted[3].matches(type: "text", subtype: "plain"))
        #expect(message.hasAccept)
        try message.validate()

        let empty = try Self.request(["Accept:"])
        #expect(empty.hasAccept)
        #expect(try empty.accept().isEmpty)
        try empty.validate()

        let none = try Self.request()
        #expect(!none.hasAccept)
        #expect(try none.accept().isEmpty)
    }

    // MARK: - Numbers

    struct NumberCase: Sendable, CustomTestStringConvertible {
        let header: String
        let value: String
        let expected: UInt64?
        let code: SIPParseError.Code?
        var testDescription: String { "\(header): \(value)" }
    }

    static let numberCases: [NumberCase] = [
        .init(header: "Max-Forwards", value: "70", expected: 70, code: nil),
        .init(header: "Max-Forwards", value: "0", expected: 0, code: nil),
        .init(header: "Max-Forwards", value: "255", expected: 255, code: nil),
        .init(header: "Max-Forwards", value: "070", expected: 70, code: nil),
        .init(header: "Max-Forwards", value: "256", expected: nil, code: .valueOutOfRange),
        .init(header: "Max-Forwards", value: "4294967296", expected: nil, code: .valueOutOfRange),
        .init(header: "Max-Forwards", value: "seventy", expected: nil, code: .malformedHeaderValue),
        .init(header: "Max-Forwards", value: "-1", expected: nil, code: .malformedHeaderValue),
        .init(header: "Max-Forwards", value: "7 0", expected: nil, code: .malformedHeaderValue),
        .init(header: "Max-Forwards", value: "", expected: nil, code: .malformedHeaderValue),
        .init(header: "Expires", value: "3600", expected: 3600, code: nil),
        .init(header: "Expires", value: "0", expected: 0, code: nil),
        .init(header: "Expires", value: "4294967295", expected: 4_294_967_295, code: nil),
        .init(header: "Expires", value: "4294967296", expected: nil, code: .valueOutOfRange),
        .init(header: "Expires", value: "Thu, 01 Dec 1994 16:00:00 GMT", expected: nil, code: .malformedHeaderValue),
        .init(header: "Expires", value: "3600.5", expected: nil, code: .malformedHeaderValue),
        .init(header: "Min-Expires", value: "60", expected: 60, code: nil),
        .init(header: "Min-Expires", value: "1800", expected: 1800, code: nil),
        .init(header: "Min-Expires", value: "99999999999", expected: nil, code: .valueOutOfRange),
        .init(header: "Min-Expires", value: "+60", expected: nil, code: .malformedHeaderValue),
    ]

    static func number(_ message: SIPMessage, _ header: String) throws -> UInt64? {
        switch header {
        case "Max-Forwards": return try message.maxForwards().map(UInt64.init)
        case "Expires": return try message.expires().map(UInt64.init)
        default: return try message.minExpires().map(UInt64.init)
        }
    }

    @Test("maxForwards(), expires(), minExpires(): values and errors", arguments: numberCases)
    func numbers(_ test: NumberCase) throws {
        let text = SIPWire.request(method: "REGISTER", extra: ["\(test.header): \(test.value)"], without: ["Max-Forwards"])
        let message = try SIPMessage(parsing: text)
        if let code = test.code {
            let caught = SIPWire.error { try Self.number(message, test.header) }
            let error = try #require(caught)
            #expect(error.code == code)
            #expect(error.offset == SIPWire.offset(of: "\(test.header):", in: text) + test.header.utf8.count + 2)
            #expect(error.isRequest == true)
            #expect(error.rejectStatus == 400)
            #expect(SIPWire.error { try message.validate() }?.code == code)
        } else {
            #expect(try Self.number(message, test.header) == test.expected)
            try message.validate()
        }
    }

    @Test("number headers that are absent")
    func absentNumbers() throws {
        let message = try Self.request([], without: ["Max-Forwards"])
        #expect(try message.maxForwards() == nil)
        #expect(try message.expires() == nil)
        #expect(try message.minExpires() == nil)
        #expect(try message.retryAfter() == nil)
    }

    @Test("numbers with more digits than fit 64 bits are out of range, not malformed")
    func hugeNumbers() throws {
        for header in ["Max-Forwards", "Expires", "Min-Expires"] {
            let message = try SIPMessage(parsing: SIPWire.request(extra: ["\(header): 99999999999999999999999"], without: ["Max-Forwards"]))
            let error = SIPWire.error { try Self.number(message, header) }
            #expect(error?.code == .valueOutOfRange, "\(header)")
            #expect(SIPWire.error { try message.validate() }?.code == .valueOutOfRange, "\(header)")
        }
    }

    // MARK: - Authentication

    @Test("WWW-Authenticate with every digest challenge parameter")
    func digestChallenge() throws {
        let message = try SIPMessage(parsing: SIPWire.response("SIP/2.0 401 Unauthorized", extra: [
            "WWW-Authenticate: Digest realm=\"sip.example.com\", domain=\"sip:sip.example.com sip:pbx.example.com\", nonce=\"Zl9kTmZfYmM3NmU0ZDJhYTE5OGE3ZjA0YzZlNWQxYjI5\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\", stale=TRUE, algorithm=SHA-256, qop=\"auth,auth-int\", charset=UTF-8, userhash=true",
            "WWW-Authenticate: Digest realm=\"sip.example.com\", nonce=\"Zl9kTmZfYmM3\", qop=\"auth\", algorithm=MD5",
        ]))
        let challenges = try message.wwwAuthenticate()
        #expect(challenges.count == 2)
        let sha = challenges[0]
        #expect(sha.isDigest)
        #expect(sha.scheme.string == "Digest")
        #expect(sha.realm == "sip.example.com")
        #expect(sha.domain == "sip:sip.example.com sip:pbx.example.com")
        #expect(sha.nonce == "Zl9kTmZfYmM3NmU0ZDJhYTE5OGE3ZjA0YzZlNWQxYjI5")
        #expect(sha.opaque == "5ccc069c403ebaf9f0171e9517f40e41")
        #expect(sha.stale)
        #expect(sha.algorithm == "SHA-256")
        #expect(sha.qopOptions == ["auth", "auth-int"])
        #expect(sha.charset == "UTF-8")
        #expect(sha.userhash)
        #expect(sha.parameters.map(\.name.string) == ["realm", "domain", "nonce", "opaque", "stale", "algorithm", "qop", "charset", "userhash"])
        #expect(sha.parameters.first(named: "realm")?.value?.string == "\"sip.example.com\"")
        #expect(sha.username == nil && sha.response == nil && sha.cnonce == nil && sha.nonceCount == nil && sha.uri == nil)

        let md5 = challenges[1]
        #expect(md5.algorithm == "MD5")
        #expect(md5.qopOptions == ["auth"])
        #expect(!md5.stale)
        #expect(!md5.userhash)
        #expect(md5.opaque == nil)
        #expect(md5.domain == nil)
        #expect(md5.charset == nil)
        #expect(try message.proxyAuthenticate().isEmpty)
        try message.validate()
    }

    @Test("Proxy-Authenticate, folded over lines, scheme in lower case")
    func proxyChallenge() throws {
        let message = try SIPMessage(parsing: SIPWire.response("SIP/2.0 407 Proxy Authentication Required", extra: [
            "Proxy-Authenticate: digest realm=\"carrier.example.net\",",
            "   nonce=\"a1b2c3d4e5f6\" ,  qop=\"auth-int, auth\",",
            "\tstale=false",
        ]))
        let challenge = try #require(try message.proxyAuthenticate().first)
        #expect(challenge.isDigest)
        #expect(challenge.realm == "carrier.example.net")
        #expect(challenge.nonce == "a1b2c3d4e5f6")
        #expect(challenge.qopOptions == ["auth-int", "auth"])
        #expect(!challenge.stale)
        #expect(challenge.algorithm == nil)
        #expect(try message.wwwAuthenticate().isEmpty)
    }

    @Test("Authorization and Proxy-Authorization with every digest credential parameter")
    func digestCredentials() throws {
        let message = try Self.request(method: "REGISTER", [
            "Authorization: Digest username=\"doorphone\", realm=\"sip.example.com\", nonce=\"Zl9kTmZfYmM3\", uri=\"sip:sip.example.com\", response=\"6b1d3f0e9a47c2d58e1f0b3a7c6d9e2f\", algorithm=MD5, cnonce=\"e3a9d07b5c1f2846\", opaque=\"5ccc069c\", qop=auth, nc=00000001, userhash=false",
            "Proxy-Authorization: Digest username=\"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\",realm=\"carrier.example.net\",nonce=\"a1b2\",uri=\"sip:+4930123456@carrier.example.net;user=phone\",response=\"0a4f113b0a4f113b0a4f113b0a4f113b0a4f113b0a4f113b0a4f113b0a4f113b\",algorithm=SHA-256,cnonce=\"0a4f113b\",qop=auth-int,nc=0000000a,userhash=true",
        ])
        let credentials = try #require(try message.authorization().first)
        #expect(credentials.isDigest)
        #expect(credentials.username == "doorphone")
        #expect(credentials.realm == "sip.example.com")
        #expect(credentials.nonce == "Zl9kTmZfYmM3")
        #expect(credentials.uri == "sip:sip.example.com")
        #expect(credentials.response == "6b1d3f0e9a47c2d58e1f0b3a7c6d9e2f")
        #expect(credentials.algorithm == "MD5")
        #expect(credentials.cnonce == "e3a9d07b5c1f2846")
        #expect(credentials.opaque == "5ccc069c")
        #expect(credentials.qop == "auth")
        #expect(credentials.qopOptions == ["auth"])
        #expect(credentials.nonceCount == 1)
        #expect(!credentials.userhash)

        let proxy = try #require(try message.proxyAuthorization().first)
        #expect(proxy.algorithm == "SHA-256")
        #expect(proxy.qop == "auth-int")
        #expect(proxy.nonceCount == 10)
        #expect(proxy.userhash)
        #expect(proxy.uri == "sip:+4930123456@carrier.example.net;user=phone")
        #expect(proxy.username?.count == 64)
        try message.validate()
    }

    @Test("nonce counts", arguments: [("00000001", UInt32?(1)), ("0000000a", 10), ("0000000A", 10), ("ffffffff", UInt32.max), ("1", nil), ("000000001", nil), ("0000000g", nil), ("\"00000002\"", 2)])
    func nonceCount(value: String, expected: UInt32?) throws {
        let message = try Self.request(["Authorization: Digest username=\"door\", realm=\"x\", nonce=\"n\", uri=\"sip:x\", response=\"r\", nc=\(value)"])
        #expect(try message.authorization().first?.nonceCount == expected)
    }

    @Test("a scheme other than Digest")
    func otherScheme() throws {
        let message = try SIPMessage(parsing: SIPWire.response("SIP/2.0 401 Unauthorized", extra: [
            "WWW-Authenticate: Bearer realm=\"sip.example.com\", scope=\"sip:register\", authz_server=\"https://as.example.com/token\"",
        ]))
        let challenge = try #require(try message.wwwAuthenticate().first)
        #expect(!challenge.isDigest)
        #expect(challenge.scheme.string == "Bearer")
        #expect(challenge.realm == "sip.example.com")
        #expect(challenge.value("scope") == "sip:register")
        #expect(challenge.value("authz_server") == "https://as.example.com/token")
        #expect(challenge.value("missing") == nil)
        try message.validate()

        let bare = try Self.request(["Authorization: Digest"])
        #expect(try bare.authorization().first?.parameters.isEmpty == true)
    }

    @Test("malformed authentication headers", arguments: [
        ("Digest username", "username"),
        ("Digest realm=\"x\" nonce=\"y\"", "nonce"),
        ("Digest realm=\"x\",", ","),
        ("Digest realm=\"x\", ,nonce=\"y\"", ",nonce"),
        ("Digest,realm=\"x\"", ",realm"),
        ("=\"x\"", "=\"x\""),
        ("Digest realm=\"unterminated", "\"unterminated"),
        ("Digest realm=", "realm=\r\n"),
    ])
    func malformedAuth(value: String, marker: String) throws {
        let text = SIPWire.request(extra: ["Authorization: \(value)"])
        let message = try SIPMessage(parsing: text)
        let caught = SIPWire.error { try message.authorization() }
        let error = try #require(caught)
        #expect(error.code == .malformedHeaderValue)
        let start = SIPWire.offset(of: "Authorization: ", in: text) + 15
        var expected = SIPWire.offset(of: marker, in: text, from: start)
        if marker == "realm=\r\n" { expected += 6 }
        if marker == "," { expected = start + value.utf8.count }
        #expect(error.offset == expected)
        #expect(SIPWire.error { try message.validate() }?.code == .malformedHeaderValue)
    }

    // MARK: - Token lists

    @Test("allow(), supported(), require(), proxyRequire(), unsupported(), tokens()")
    func tokenLists() throws {
        let message = try Self.request(method: "INVITE", [
            "Allow: INVITE, ACK,CANCEL ,BYE",
            "Allow: OPTIONS,\tINFO",
            "Supported: replaces, 100rel, timer",
            "k: outbound",
            "Require: 100rel",
            "Proxy-Require: sec-agree",
            "Unsupported: foo, bar-baz",
            "Allow-Events: talk, hold, conference",
        ])
        #expect(try message.allow().map(\.string) == ["INVITE", "ACK", "CANCEL", "BYE", "OPTIONS", "INFO"])
        #expect(try message.supported().map(\.string) == ["replaces", "100rel", "timer", "outbound"])
        #expect(try message.require().map(\.string) == ["100rel"])
        #expect(try message.proxyRequire().map(\.string) == ["sec-agree"])
        #expect(try message.unsupported().map(\.string) == ["foo", "bar-baz"])
        #expect(try message.tokens(.allowEvents).map(\.string) == ["talk", "hold", "conference"])
        try message.validate()

        let empty = try Self.request(["Allow:", "Supported: "])
        #expect(try empty.allow().isEmpty)
        #expect(try empty.supported().isEmpty)
        #expect(try empty.require().isEmpty)
        try empty.validate()
    }

    @Test("malformed token lists", arguments: [
        ("Allow", "INVITE ACK", "INVITE ACK"),
        ("Supported", "100rel,,timer", ",timer"),
        ("Require", "100rel,", ","),
        ("Proxy-Require", ",sec-agree", ",sec-agree"),
        ("Unsupported", "foo;bar", "foo;bar"),
        ("Allow-Events", "presence dialog", "presence dialog"),
    ])
    func malformedTokens(header: String, value: String, marker: String) throws {
        let text = SIPWire.request(extra: ["\(header): \(value)"])
        let message = try SIPMessage(parsing: text)
        let caught = SIPWire.error { try message.tokens(SIPHeaderName(header)) }
        let error = try #require(caught)
        #expect(error.code == .malformedHeaderValue)
        let start = SIPWire.offset(of: "\(header): ", in: text) + header.utf8.count + 2
        #expect(error.offset == SIPWire.offset(of: marker, in: text, from: start))
        #expect(SIPWire.error { try message.validate() }?.code == .malformedHeaderValue)
    }

    // MARK: - User-Agent, Server

    @Test("userAgent and server")
    func productHeaders() throws {
        let request = try Self.request(["User-Agent: LinphoneAndroid/5.2.5 (Pixel 7) LinphoneSDK/5.3.47 (tags/5.3.47^0)"], without: ["User-Agent"])
        #expect(request.userAgent?.string == "LinphoneAndroid/5.2.5 (Pixel 7) LinphoneSDK/5.3.47 (tags/5.3.47^0)")
        #expect(request.server == nil)
        let response = try SIPMessage(parsing: SIPWire.response())
        #expect(response.server?.string == "Asterisk PBX 20.5.0")
        #expect(response.userAgent == nil)
    }

    // MARK: - Event, Subscription-State, Reason, Retry-After

    @Test("event() and subscriptionState()")
    func eventPackages() throws {
        let notify = try Self.request(method: "NOTIFY", [
            "Event: presence;id=sub-77",
            "Subscription-State: active;expires=600",
            "Content-Type: application/pidf+xml",
        ])
        let event = try #require(try notify.event())
        #expect(event.token.string == "presence")
        #expect(event.value("id") == "sub-77")
        #expect(event.value("ID") == "sub-77")
        let state = try #require(try notify.subscriptionState())
        #expect(state.token.string == "active")
        #expect(state.value("expires") == "600")
        #expect(state.value("reason") == nil)
        try notify.validate()

        let ended = try Self.request(method: "NOTIFY", [
            "o: message-summary",
            "Subscription-State: terminated;reason=timeout;retry-after=3600",
        ])
        #expect(try ended.event()?.token.string == "message-summary")
        #expect(try ended.event()?.parameters.isEmpty == true)
        #expect(try ended.subscriptionState()?.token.string == "terminated")
        #expect(try ended.subscriptionState()?.value("reason") == "timeout")
        #expect(try ended.subscriptionState()?.value("retry-after") == "3600")

        let none = try Self.request()
        #expect(try none.event() == nil)
        #expect(try none.subscriptionState() == nil)
    }

    @Test("reasons(): SIP and Q.850 causes, on one line or several")
    func reasons() throws {
        let message = try Self.request(method: "CANCEL", [
            "Reason: SIP;cause=200;text=\"Call completed elsewhere\", Q.850;cause=16;text=\"Normal call clearing\"",
            "Reason: Q.850 ; cause=31",
        ])
        let reasons = try message.reasons()
        #expect(reasons.map(\.token.string) == ["SIP", "Q.850", "Q.850"])
        #expect(reasons.map { $0.value("cause") } == ["200", "16", "31"])
        #expect(reasons.map { $0.value("text") } == ["Call completed elsewhere", "Normal call clearing", nil])
        #expect(reasons[0].parameters.first(named: "text")?.value?.string == "\"Call completed elsewhere\"")
        try message.validate()
        #expect(try Self.request().reasons().isEmpty)
    }

    struct RetryCase: Sendable, CustomTestStringConvertible {
        let value: String
        let seconds: UInt32
        let comment: String?
        let duration: UInt32?
        var testDescription: String { value }
    }

    @Test("retryAfter(): seconds, comment and duration", arguments: [
        RetryCase(value: "120 (I'm in a meeting);duration=3600", seconds: 120, comment: "I'm in a meeting", duration: 3600),
        RetryCase(value: "18000;duration=3600", seconds: 18000, comment: nil, duration: 3600),
        RetryCase(value: "300", seconds: 300, comment: nil, duration: nil),
        RetryCase(value: "60 (back (very) soon)", seconds: 60, comment: "back (very) soon", duration: nil),
        RetryCase(value: "30 (a \\) b) ; duration = 90", seconds: 30, comment: "a \\) b", duration: 90),
        RetryCase(value: "0", seconds: 0, comment: nil, duration: nil),
        RetryCase(value: "4294967295;duration=4294967296", seconds: UInt32.max, comment: nil, duration: nil),
    ])
    func retryAfter(_ test: RetryCase) throws {
        let message = try SIPMessage(parsing: SIPWire.response("SIP/2.0 503 Service Unavailable", extra: ["Retry-After: \(test.value)"]))
        let retry = try #require(try message.retryAfter())
        #expect(retry.seconds == test.seconds)
        #expect(retry.comment?.string == test.comment)
        #expect(retry.duration == test.duration)
        try message.validate()
    }

    @Test("malformed Retry-After", arguments: [
        ("later", SIPParseError.Code.malformedHeaderValue, "later"),
        ("30 (unclosed comment", .malformedHeaderValue, "(unclosed"),
        ("4294967296", .valueOutOfRange, "4294967296"),
        ("120 duration=60", .malformedHeaderValue, "duration"),
        ("(soon) 60", .malformedHeaderValue, "(soon)"),
    ])
    func malformedRetryAfter(value: String, code: SIPParseError.Code, marker: String) throws {
        let text = SIPWire.response("SIP/2.0 486 Busy Here", extra: ["Retry-After: \(value)"])
        let message = try SIPMessage(parsing: text)
        let caught = SIPWire.error { try message.retryAfter() }
        let error = try #require(caught)
        #expect(error.code == code)
        #expect(error.offset == SIPWire.offset(of: marker, in: text, from: SIPWire.offset(of: "Retry-After", in: text)))
        #expect(error.isRequest == false)
        #expect(error.rejectStatus == nil)
    }

    // MARK: - Session-Expires and Min-SE (RFC 4028)

    struct SessionExpiresCase: Sendable, CustomTestStringConvertible {
        let line: String
        let seconds: UInt32
        let refresher: SIPSessionExpires.Refresher?
        var testDescription: String { line }
    }

    @Test("sessionExpires(): seconds and refresher, long and compact forms", arguments: [
        SessionExpiresCase(line: "Session-Expires: 1800;refresher=uac", seconds: 1800, refresher: .uac),
        SessionExpiresCase(line: "Session-Expires: 90 ; refresher = UAS", seconds: 90, refresher: .uas),
        SessionExpiresCase(line: "x: 4294967295", seconds: UInt32.max, refresher: nil),
        SessionExpiresCase(line: "session-expires: 600;foo=bar;refresher=uac", seconds: 600, refresher: .uac),
        // A refresher naming neither side is a generic-param: kept, but no refresher.
        SessionExpiresCase(line: "Session-Expires: 600;refresher=proxy", seconds: 600, refresher: nil),
        SessionExpiresCase(line: "Session-Expires: 0", seconds: 0, refresher: nil),
    ])
    func sessionExpires(_ test: SessionExpiresCase) throws {
        let message = try Self.request(method: "INVITE", [test.line])
        let value = try #require(try message.sessionExpires())
        #expect(value.seconds == test.seconds)
        #expect(value.refresher == test.refresher)
        try message.validate()
    }

    @Test("minSE(): seconds, with parameters allowed")
    func minSE() throws {
        #expect(try Self.request(method: "INVITE", ["Min-SE: 90"]).minSE() == 90)
        #expect(try Self.request(method: "INVITE", ["Min-SE: 3600;x=1"]).minSE() == 3600)
        let absent = try Self.request(method: "INVITE")
        #expect(try absent.minSE() == nil)
        #expect(try absent.sessionExpires() == nil)
    }

    @Test("malformed Session-Expires and Min-SE: typed errors at the right byte, 400 in validate()", arguments: [
        ("Session-Expires: soon", SIPParseError.Code.malformedHeaderValue, "soon"),
        ("Session-Expires: -5", .malformedHeaderValue, "-5"),
        ("Session-Expires: 1800 refresher=uac", .malformedHeaderValue, "refresher"),
        ("Session-Expires: 1800;;refresher=uac", .malformedHeaderValue, ";refresher"),
        ("Session-Expires: 4294967296", .valueOutOfRange, "4294967296"),
        ("x: 99999999999999999999999", .valueOutOfRange, "99999999999999999999999"),
        ("Min-SE: ninety", .malformedHeaderValue, "ninety"),
        ("Min-SE: 90 seconds", .malformedHeaderValue, "seconds"),
        ("Min-SE: 4294967296", .valueOutOfRange, "4294967296"),
    ])
    func malformedSessionTimerHeaders(line: String, code: SIPParseError.Code, marker: String) throws {
        let text = SIPWire.request(method: "INVITE", extra: [line])
        let message = try SIPMessage(parsing: text)
        let caught = SIPWire.error { line.hasPrefix("Min-SE") ? try message.minSE().map(UInt64.init) : try message.sessionExpires().map { UInt64($0.seconds) } }
        let error = try #require(caught)
        #expect(error.code == code)
        let name = String(line.prefix { $0 != ":" })
        #expect(error.offset == SIPWire.offset(of: marker, in: text, from: SIPWire.offset(of: name + ":", in: text) + name.utf8.count))
        #expect(error.isRequest == true)
        #expect(SIPWire.error { try message.validate() }?.code == code)
    }

    // MARK: - validate()

    struct ValidateCase: Sendable, CustomTestStringConvertible {
        let line: String
        let code: SIPParseError.Code?
        /// Where the error is: the offset of this text in the header line's value.
        let marker: String?
        var testDescription: String { line }
        init(_ line: String, _ code: SIPParseError.Code? = nil, at marker: String? = nil) {
            self.line = line
            self.code = code
            self.marker = marker
        }
    }

    static let validateCases: [ValidateCase] = [
        // Good values of every header validate() knows.
        .init("Contact: <sip:doorphone@192.168.1.50:5060;transport=udp>;expires=3600"),
        .init("Contact: \"Door\" <sips:door@example.com>, sip:door@192.0.2.1;q=0.5"),
        .init("Reply-To: Bob <sip:bob@biloxi.example.com>"),
        .init("Route: <sip:edge.example.net;lr>, <sip:core.example.net;lr>"),
        .init("Record-Route: <sip:10.0.0.1;lr=on>"),
        .init("Path: <sip:pcscf.example.net;lr>"),
        .init("Service-Route: <sip:orig@scscf.example.net;lr>"),
        .init("Content-Type: application/sdp"),
        .init("Accept: application/sdp, text/plain;q=0.5"),
        .init("Max-Forwards: 69"),
        .init("Expires: 7200"),
        .init("Min-Expires: 60"),
        .init("Authorization: Digest username=\"door\", realm=\"x\", nonce=\"n\", uri=\"sip:x\", response=\"r\""),
        .init("Proxy-Authenticate: Digest realm=\"x\", nonce=\"n\""),
        .init("Allow: INVITE, ACK, BYE"),
        .init("Supported: replaces"),
        .init("Require:"),
        .init("Proxy-Require: sec-agree"),
        .init("Unsupported: 100rel"),
        .init("Allow-Events: presence, dialog"),
        .init("Event: dialog;id=7"),
        .init("Subscription-State: pending;expires=3600"),
        .init("Reason: SIP;cause=487;text=\"Request Terminated\""),
        .init("Retry-After: 120 (I'm in a meeting)"),
        .init("Date: Tue, 04 Jun 2024 08:15:22 GMT"),
        .init("Date: sat, 29 feb 2020 23:59:60 GMT"),
        .init("Warning: 307 pbx.example.com \"Session parameter 'foo' not understood\""),
        .init("Warning: 301 isi.edu \"Incompatible network address type 'E.164'\", 399 192.0.2.1 \"Noisy\""),
        .init("Subject: anything at all; even \"unbalanced"),
        .init("Contact: <mailto:door@example.com>"),
        // Bad values.
        .init("Contact: *, <sip:door@192.168.1.50>", .malformedHeaderValue, at: "*"),
        .init("Contact: <sip:door@192.168.1.50:70000>", .malformedHeaderValue, at: "70000"),
        .init("Contact: sip:door@192.0.2.1, <sip:door@[2001:db8::1>", .malformedHeaderValue, at: nil),
        .init("Reply-To: <sip:alice@>", .malformedHeaderValue, at: ">"),
        .init("Route: sip:edge.example.net;lr", .malformedHeaderValue, at: "sip:edge"),
        .init("Record-Route: <sip:edge.example.net;lr>, sip:core.example.net", .malformedHeaderValue, at: "sip:core"),
        .init("Path: <sip:pcscf.example.net;lr", .malformedHeaderValue, at: nil),
        .init("Content-Type: application", .malformedHeaderValue, at: ""),
        .init("Content-Type: application/", .malformedHeaderValue, at: ""),
        .init("Content-Type: application/sdp charset=x", .malformedHeaderValue, at: "charset"),
        .init("Accept: application/sdp,", .malformedHeaderValue, at: ","),
        .init("Accept: text", .malformedHeaderValue, at: ""),
        .init("Max-Forwards: 300", .valueOutOfRange, at: "300"),
        .init("Expires: soon", .malformedHeaderValue, at: "soon"),
        .init("Min-Expires: -5", .malformedHeaderValue, at: "-5"),
        .init("Authorization: Digest username", .malformedHeaderValue, at: "username"),
        .init("WWW-Authenticate: Digest realm=\"x\" nonce=\"y\"", .malformedHeaderValue, at: "nonce"),
        .init("Allow: INVITE ACK", .malformedHeaderValue, at: "INVITE ACK"),
        .init("Supported: 100rel,,timer", .malformedHeaderValue, at: ",timer"),
        .init("Event: ;id=3", .malformedHeaderValue, at: ";id"),
        .init("Subscription-State: active;expires=", .malformedHeaderValue, at: ""),
        .init("Reason: SIP;cause=200;text=\"unterminated", .malformedHeaderValue, at: "SIP"),
        .init("Retry-After: later", .malformedHeaderValue, at: "later"),
        .init("Date: 4 Jun 2024 08:15:22 GMT", .malformedHeaderValue, at: "4 Jun"),
        .init("Date: Tue, 04 Jun 2024 08:15:22 UTC", .malformedHeaderValue, at: "Tue"),
        .init("Date: Tue 04 Jun 2024 08:15:22 GMT", .malformedHeaderValue, at: "Tue"),
        .init("Warning: 3O1 pbx.example.com \"Incompatible\"", .malformedHeaderValue, at: "3O1"),
        .init("Warning: 399 pbx.example.com \"ok\", 99 x \"short\"", .malformedHeaderValue, at: "99 x"),
        .init("Allow-Events: presence dialog", .malformedHeaderValue, at: "presence dialog"),
        .init("Via: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKa, SIP/2.0/UDP", .malformedHeaderValue, at: nil),
    ]

    @Test("validate() on good and bad values of each header", arguments: validateCases)
    func validateHeader(_ test: ValidateCase) throws {
        let text = SIPWire.request(extra: [test.line], without: ["Max-Forwards"])
        let message = try SIPMessage(parsing: text)
        guard let code = test.code else {
            try message.validate()
            return
        }
        let caught = SIPWire.error { try message.validate() }
        let error = try #require(caught)
        #expect(error.code == code)
        #expect(error.isRequest == true)
        #expect(error.rejectStatus == 400)
        if let marker = test.marker {
            let lineStart = SIPWire.offset(of: test.line, in: text)
            let valueStart = lineStart + (test.line.utf8.firstIndex(of: UInt8(ascii: ":")).map { test.line.utf8.distance(from: test.line.utf8.startIndex, to: $0) } ?? 0) + 2
            let expected = marker.isEmpty ? lineStart + test.line.utf8.count : SIPWire.offset(of: marker, in: text, from: valueStart)
            #expect(error.offset == expected)
        }
        // check(profile:) refuses the request with 400 and names the problem.
        guard case .reject(let rejection) = message.check(profile: .userAgent) else {
            Issue.record("expected a rejection")
            return
        }
        #expect(rejection.status == 400)
        #expect(rejection.error?.code == code)
    }

    @Test("validate() checks the Request-URI", arguments: [
        ("OPTIONS sip:door@pbx.example.com?Subject=hi SIP/2.0", 8),
        ("OPTIONS sip:door@pbx.example.com:70000 SIP/2.0", 33),
        ("OPTIONS sip:do%2gor@pbx.example.com SIP/2.0", 14),
        ("OPTIONS sip:@pbx.example.com SIP/2.0", 12),
        ("OPTIONS sips:door@[2001:db8::1 SIP/2.0", 18),
    ])
    func validateRequestURI(startLine: String, offset: Int) throws {
        let message = try SIPMessage(parsing: SIPWire.request(startLine))
        let caught = SIPWire.error { try message.validate() }
        let error = try #require(caught)
        #expect(error.code == .malformedRequestURI)
        #expect(error.offset == offset)
        #expect(error.rejectStatus == 400)
    }

    @Test("validate() accepts Request-URIs of other schemes and good sip/sips/tel ones", arguments: [
        "OPTIONS sip:1001@pbx.example.com SIP/2.0",
        "OPTIONS sips:1001@pbx.example.com:5061;transport=tls SIP/2.0",
        "OPTIONS tel:+49-30-1234567 SIP/2.0",
        "OPTIONS sip:[2001:db8::10]:5070;lr SIP/2.0",
        "OPTIONS urn:service:sos SIP/2.0",
        "OPTIONS mailto:door@example.com?subject=hi SIP/2.0",
    ])
    func validRequestURI(startLine: String) throws {
        try SIPMessage(parsing: SIPWire.request(startLine)).validate()
    }

    @Test("a media type parameter needs a value (m-parameter = m-attribute EQUAL m-value)")
    func mediaTypeParameterWithoutValue() throws {
        let text = SIPWire.request(method: "INVITE", extra: ["Content-Type: application/sdp;charset"])
        let message = try SIPMessage(parsing: text)
        let caught = SIPWire.error { try message.validate() }
        let error = try #require(caught)
        #expect(error.code == .malformedHeaderValue)
        #expect(error.offset == SIPWire.offset(of: "charset", in: text))
        #expect(SIPWire.error { try message.contentType() }?.code == .malformedHeaderValue)
        #expect(message.check(profile: .userAgent).rejectStatus == 400)
    }

    @Test("validate() checks every instance of a single-number header, not only the first")
    func secondInstanceValidated() throws {
        for line in ["Expires: soon", "Max-Forwards: many", "Min-Expires: -1", "Retry-After: later"] {
            let name = String(line.prefix { $0 != ":" })
            let good = name == "Retry-After" ? "Retry-After: 60" : "\(name): 60"
            // A response: the "Multiple ... Headers" checks of requests do not apply.
            let text = SIPWire.response(extra: [good, line], without: ["Max-Forwards"])
            let message = try SIPMessage(parsing: text)
            #expect(message.count(of: SIPHeaderName(name)) == 2)
            let caught = SIPWire.error { try message.validate() }
            let error = try #require(caught, "\(line)")
            #expect(error.code == .malformedHeaderValue)
            #expect(error.offset == SIPWire.offset(of: line, in: text) + name.utf8.count + 2)
            guard case .discard = message.check(profile: .userAgent) else {
                Issue.record("the response with a malformed \(name) is not discarded")
                continue
            }
        }
    }

    // MARK: - check(profile:)

    struct CheckCase: Sendable, CustomTestStringConvertible {
        let name: String
        let text: String
        let profile: SIPEndpointProfile
        let expected: SIPDisposition
        var testDescription: String { name }
    }

    static let uaAllow = ["ACK", "BYE", "CANCEL", "INFO", "INVITE", "MESSAGE", "NOTIFY", "OPTIONS"]
    static let sdp = "v=0\r\no=- 3927401865 1 IN IP4 192.168.1.50\r\ns=-\r\nc=IN IP4 192.168.1.50\r\nt=0 0\r\nm=audio 10034 RTP/AVP 0\r\n"

    static let checkCases: [CheckCase] = [
        .init(name: "a good OPTIONS", text: SIPWire.request(), profile: .userAgent, expected: .accept),
        .init(name: "a good INVITE with SDP", text: SIPWire.request(method: "INVITE", extra: ["Content-Type: application/sdp"], body: sdp),
              profile: .userAgent, expected: .accept),
        .init(name: "two Vias in a request are fine", text: SIPWire.request(extra: ["Via: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKx"]),
              profile: .userAgent, expected: .accept),
        .init(name: "400 Missing To", text: SIPWire.request(without: ["To:"]), profile: .userAgent,
              expected: .reject(SIPRejection(status: 400, reasonPhrase: "Missing To Header"))),
        .init(name: "400 Missing From", text: SIPWire.request(without: ["From:"]), profile: .userAgent,
              expected: .reject(SIPRejection(status: 400, reasonPhrase: "Missing From Header"))),
        .init(name: "400 Missing CSeq", text: SIPWire.request(without: ["CSeq:"]), profile: .userAgent,
              expected: .reject(SIPRejection(status: 400, reasonPhrase: "Missing CSeq Header"))),
        .init(name: "400 Missing Call-ID", text: SIPWire.request(without: ["Call-ID:"]), profile: .userAgent,
              expected: .reject(SIPRejection(status: 400, reasonPhrase: "Missing Call-ID Header"))),
        .init(name: "400 Missing Via", text: SIPWire.request(without: ["Via:"]), profile: .userAgent,
              expected: .reject(SIPRejection(status: 400, reasonPhrase: "Missing Via Header"))),
        .init(name: "400 Multiple From", text: SIPWire.request(extra: ["f: <sip:other@pbx.example.com>;tag=2"]), profile: .userAgent,
              expected: .reject(SIPRejection(status: 400, reasonPhrase: "Multiple From Headers"))),
        .init(name: "400 Multiple To", text: SIPWire.request(extra: ["t: <sip:1002@pbx.example.com>"]), profile: .userAgent,
              expected: .reject(SIPRejection(status: 400, reasonPhrase: "Multiple To Headers"))),
        .init(name: "400 Multiple CSeq", text: SIPWire.request(extra: ["CSeq: 103 OPTIONS"]), profile: .userAgent,
              expected: .reject(SIPRejection(status: 400, reasonPhrase: "Multiple CSeq Headers"))),
        .init(name: "400 Multiple Call-ID", text: SIPWire.request(extra: ["i: 0ther@192.168.1.50"]), profile: .userAgent,
              expected: .reject(SIPRejection(status: 400, reasonPhrase: "Multiple Call-ID Headers"))),
        .init(name: "400 Multiple Max-Forwards", text: SIPWire.request(extra: ["Max-Forwards: 69"]), profile: .userAgent,
              expected: .reject(SIPRejection(status: 400, reasonPhrase: "Multiple Max-Forwards Headers"))),
        .init(name: "400 Conflicting Content-Length", text: SIPWire.request(extra: ["l: 2"], body: "hi!"), profile: .userAgent,
              expected: .reject(SIPRejection(status: 400, reasonPhrase: "Conflicting Content-Length Headers"))),
        .init(name: "400 Multiple Content-Length", text: SIPWire.request(extra: ["l: 0"]), profile: .userAgent,
              expected: .reject(SIPRejection(status: 400, reasonPhrase: "Multiple Content-Length Headers"))),
        .init(name: "400 branch is only the magic cookie",
              text: SIPWire.request().replacingOccurrences(of: "branch=z9hG4bK1f0a6c2e", with: "branch=z9hG4bK"), profile: .userAgent,
              expected: .reject(SIPRejection(status: 400, reasonPhrase: "Bad Request (Via branch is only the magic cookie)"))),
        .init(name: "400 REGISTER to a tel: address of record",
              text: SIPWire.request(method: "REGISTER").replacingOccurrences(of: "To: <sip:1001@pbx.example.com>", with: "To: <tel:+4930123456>"),
              profile: .registrar, expected: .reject(SIPRejection(status: 400, reasonPhrase: "Bad Request (To is not a SIP or SIPS address of record)"))),
        .init(name: "405 REGISTER at a user agent", text: SIPWire.request(method: "REGISTER"), profile: .userAgent,
              expected: .reject(SIPRejection(status: 405, reasonPhrase: "Method Not Allowed", allow: uaAllow))),
        .init(name: "405 SUBSCRIBE at a user agent", text: SIPWire.request(method: "SUBSCRIBE", extra: ["Event: dialog"]), profile: .userAgent,
              expected: .reject(SIPRejection(status: 405, reasonPhrase: "Method Not Allowed", allow: uaAllow))),
        .init(name: "REGISTER at a registrar", text: SIPWire.request(method: "REGISTER"), profile: .registrar, expected: .accept),
        .init(name: "415 INVITE with an HTML body",
              text: SIPWire.request(method: "INVITE", extra: ["Content-Type: text/html"], body: "<p>ring</p>"), profile: .userAgent,
              expected: .reject(SIPRejection(status: 415, reasonPhrase: "Unsupported Media Type", allow: ["application/sdp"]))),
        .init(name: "INVITE with SDP in upper case", text: SIPWire.request(method: "INVITE", extra: ["c: Application/SDP"], body: sdp),
              profile: .userAgent, expected: .accept),
        .init(name: "MESSAGE with a text body is not a session request",
              text: SIPWire.request(method: "MESSAGE", extra: ["Content-Type: text/plain;charset=UTF-8"], body: "Paket ist da"),
              profile: .userAgent, expected: .accept),
        .init(name: "416 mailto: Request-URI", text: SIPWire.request("OPTIONS mailto:door@example.com SIP/2.0"), profile: .userAgent,
              expected: .reject(SIPRejection(status: 416, reasonPhrase: "Unsupported URI Scheme"))),
        .init(name: "416 sips: at a sip-only element", text: SIPWire.request("OPTIONS sips:1001@pbx.example.com SIP/2.0"),
              profile: SIPEndpointProfile(allowedMethods: [.options], uriSchemes: ["sip"]),
              expected: .reject(SIPRejection(status: 416, reasonPhrase: "Unsupported URI Scheme"))),
        .init(name: "420 Require with unknown option tags",
              text: SIPWire.request(method: "INVITE", extra: ["Require: 100rel, replaces", "Require: precondition"]), profile: .userAgent,
              expected: .reject(SIPRejection(status: 420, reasonPhrase: "Bad Extension", unsupported: ["100rel", "precondition"]))),
        .init(name: "Require with supported tags in another case", text: SIPWire.request(method: "INVITE", extra: ["Require: Replaces, GRUU"]),
              profile: .userAgent, expected: .accept),
        .init(name: "Require is ignored in ACK", text: SIPWire.request(method: "ACK", extra: ["Require: 100rel"]), profile: .userAgent,
              expected: .accept),
        .init(name: "Require is ignored in CANCEL", text: SIPWire.request(method: "CANCEL", extra: ["Require: 100rel"]), profile: .userAgent,
              expected: .accept),
        .init(name: "406 OPTIONS accepting only text/plain", text: SIPWire.request(extra: ["Accept: text/plain"]), profile: .userAgent,
              expected: .reject(SIPRejection(status: 406, reasonPhrase: "Not Acceptable"))),
        .init(name: "406 INVITE accepting only HTML", text: SIPWire.request(method: "INVITE", extra: ["Accept: text/html, image/*"]),
              profile: .userAgent, expected: .reject(SIPRejection(status: 406, reasonPhrase: "Not Acceptable"))),
        .init(name: "OPTIONS accepting application/*", text: SIPWire.request(extra: ["Accept: application/*"]), profile: .userAgent,
              expected: .accept),
        .init(name: "OPTIONS with an empty Accept", text: SIPWire.request(extra: ["Accept:"]), profile: .userAgent, expected: .accept),
        .init(name: "Accept is not checked for MESSAGE", text: SIPWire.request(method: "MESSAGE", extra: ["Accept: text/html"]),
              profile: .userAgent, expected: .accept),
        .init(name: "501 extension method", text: SIPWire.request(method: "SERVICE"), profile: .userAgent,
              expected: .reject(SIPRejection(status: 501, reasonPhrase: "Not Implemented", allow: uaAllow))),
        .init(name: "501 lower-case invite", text: SIPWire.request(method: "invite"), profile: .userAgent,
              expected: .reject(SIPRejection(status: 501, reasonPhrase: "Not Implemented", allow: uaAllow))),
        .init(name: "an extension method the element implements",
              text: SIPWire.request(method: "X-DOORBELL"), profile: SIPEndpointProfile(allowedMethods: [.options, SIPMethod("X-DOORBELL")!]),
              expected: .accept),
        .init(name: "505 SIP/3.0", text: SIPWire.request("OPTIONS sip:1001@pbx.example.com SIP/3.0"), profile: .userAgent,
              expected: .reject(SIPRejection(status: 505, reasonPhrase: "Version Not Supported"))),
        .init(name: "505 SIP/1.0 before 501", text: SIPWire.request("FOO sip:1001@pbx.example.com SIP/1.0", method: "FOO"), profile: .userAgent,
              expected: .reject(SIPRejection(status: 505, reasonPhrase: "Version Not Supported"))),
        // Responses.
        .init(name: "a response with one Via", text: SIPWire.response(), profile: .userAgent, expected: .accept),
        .init(name: "a 180 with one Via", text: SIPWire.response("SIP/2.0 180 Ringing"), profile: .userAgent, expected: .accept),
    ]

    @Test("check(profile:) dispositions", arguments: checkCases)
    func check(_ test: CheckCase) throws {
        let message = try SIPMessage(parsing: test.text)
        #expect(message.check(profile: test.profile) == test.expected)
        #expect(message.check(profile: test.profile).rejectStatus == test.expected.rejectStatus)
    }

    @Test("a registrar refuses 'Contact: *' unless the expiration is zero (RFC 3261 §10.3 step 6)")
    func wildcardNeedsZeroExpires() throws {
        let good = try Self.request(method: "REGISTER", ["Contact: *", "Expires: 0"])
        #expect(good.check(profile: .registrar) == .accept)
        for lines in [["Contact: *", "Expires: 3600"], ["Contact: *"]] {
            let message = try Self.request(method: "REGISTER", lines)
            #expect(message.check(profile: .registrar).rejectStatus == 400, "\(lines)")
            // A user agent answers REGISTER with 405 before looking at it.
            #expect(message.check(profile: .userAgent).rejectStatus == 405)
        }
    }

    @Test("a session request with a body but no Content-Type is refused (RFC 3261 §20.15)")
    func bodyWithoutContentType() throws {
        let message = try Self.request(method: "INVITE", [], body: Self.sdp)
        #expect(message.body.count == Self.sdp.utf8.count)
        #expect(try message.contentType() == nil)
        let status = message.check(profile: .userAgent).rejectStatus
        #expect(status == 400 || status == 415)
    }

    @Test("the top Via's port agrees between topViaPort and vias()")
    func viaPortZero() throws {
        let message = try SIPMessage(parsing: Self.requestWithVia("SIP/2.0/UDP 192.0.2.33:0;branch=z9hG4bK0port"))
        #expect(try message.topVia()?.port == 0)
        #expect(message.topViaSentBy?.string == "192.0.2.33:0")
        #expect(message.topViaPort == 0)
        let noPort = try SIPMessage(parsing: Self.requestWithVia("SIP/2.0/UDP 192.0.2.33;branch=z9hG4bK0port"))
        #expect(noPort.topViaPort == nil)
        #expect(try noPort.topVia()?.port == nil)
    }

    @Test("check(profile:) rejects a malformed request with 400 and the error")
    func checkMalformed() throws {
        let text = SIPWire.request(extra: ["Expires: tomorrow"])
        let message = try SIPMessage(parsing: text)
        guard case .reject(let rejection) = message.check(profile: .userAgent) else {
            Issue.record("not rejected")
            return
        }
        #expect(rejection.status == 400)
        #expect(rejection.reasonPhrase == "Bad Request")
        #expect(rejection.error?.code == .malformedHeaderValue)
        #expect(rejection.error?.offset == SIPWire.offset(of: "tomorrow", in: text))
        #expect(rejection.unsupported.isEmpty)
        #expect(rejection.allow.isEmpty)
    }

    @Test("check(profile:) discards responses it cannot use", arguments: [
        ("two Vias", SIPWire.response(extra: ["Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKproxy"])),
        ("two Via values on one line", SIPWire.response().replacingOccurrences(of: "branch=z9hG4bK1f0a6c2e", with: "branch=z9hG4bK1f0a6c2e, SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKp")),
        ("no Via", SIPWire.response(without: ["Via:"])),
        ("SIP/1.0", SIPWire.response("SIP/1.0 200 OK")),
        ("a malformed header", SIPWire.response(extra: ["Min-Expires: soon"])),
        ("no Call-ID", SIPWire.response(without: ["Call-ID:"])),
        ("no CSeq", SIPWire.response(without: ["CSeq:"])),
        ("no From", SIPWire.response(without: ["From:"])),
        ("no To", SIPWire.response(without: ["To:"])),
    ])
    func discardedResponse(name: String, text: String) throws {
        let message = try SIPMessage(parsing: text)
        guard case .discard(let reason) = message.check(profile: .userAgent) else {
            Issue.record("\(name): not discarded")
            return
        }
        #expect(!reason.isEmpty)
        #expect(message.check(profile: .userAgent).rejectStatus == nil)
    }
}
