import Foundation
import NIOCore
import SIPMessage
import Testing

/// Small helpers for the hand-written messages of these tests.
enum SIPWire {
    /// `lines` joined with CRLF, the empty line that ends the header section, then `body`.
    static func message(_ lines: [String], body: String = "") -> String {
        lines.joined(separator: "\r\n") + "\r\n\r\n" + body
    }

    /// The UTF-8 offset of the first `marker` in `text` at or after `from`; -1 when absent.
    static func offset(of marker: String, in text: String, from: Int = 0) -> Int {
        let haystack = Array(text.utf8)
        let needle = Array(marker.utf8)
        guard !needle.isEmpty, haystack.count >= needle.count, from <= haystack.count - needle.count else { return -1 }
        for start in from...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if Array(haystack[start..<(start + needle.count)]) == needle { return start }
        }
        return -1
    }

    /// The error of parsing `text` as a datagram, or nil when it parses.
    static func parseError(_ text: String, limits: SIPParserLimits = .default) -> SIPParseError? {
        do {
            _ = try SIPMessage(parsing: text, limits: limits)
            return nil
        } catch {
            return error
        }
    }

    /// The error of parsing `bytes` as one stream frame, or nil when it parses.
    static func frameError(_ text: String, limits: SIPParserLimits = .default) -> SIPParseError? {
        do {
            _ = try SIPMessage(parsingFrame: ByteBuffer(string: text), limits: limits)
            return nil
        } catch {
            return error
        }
    }

    /// The ``SIPParseError`` `body` throws, or nil (also when it throws something else).
    static func error<T>(_ body: () throws -> T) -> SIPParseError? {
        do {
            _ = try body()
            return nil
        } catch {
            return error as? SIPParseError
        }
    }

    /// An OPTIONS-style request from a door phone to a PBX (baresip style), with `method`,
    /// the headers in `extra` added before Content-Length, and the usual header lines (and
    /// Content-Length) starting with any prefix in `without` left out.
    static func request(
        _ startLine: String? = nil, method: String = "OPTIONS", extra: [String] = [], without: [String] = [],
        body: String = ""
    ) -> String {
        var lines = [
            startLine ?? "\(method) sip:1001@pbx.example.com SIP/2.0",
            "Via: SIP/2.0/UDP 192.168.1.50:5060;branch=z9hG4bK1f0a6c2e;rport",
            "Max-Forwards: 70",
            "From: \"Front Door\" <sip:doorphone@pbx.example.com>;tag=7c1e4a9d",
            "To: <sip:1001@pbx.example.com>",
            "Call-ID: 5b8e2f31c7d94a06@192.168.1.50",
            "CSeq: 102 \(method)",
            "User-Agent: baresip v3.10.1 (x86_64/linux)",
        ]
        lines.removeAll { line in without.contains { line.hasPrefix($0) } }
        lines += extra
        if !without.contains(where: { "Content-Length".hasPrefix($0) }) { lines.append("Content-Length: \(body.utf8.count)") }
        return message(lines, body: body)
    }

    /// A 200 OK from an Asterisk PBX to the request of ``request(_:method:extra:without:body:)``.
    static func response(
        _ statusLine: String = "SIP/2.0 200 OK", extra: [String] = [], without: [String] = [], body: String = ""
    ) -> String {
        var lines = [
            statusLine,
            "Via: SIP/2.0/UDP 192.168.1.50:5060;rport=5060;received=198.51.100.23;branch=z9hG4bK1f0a6c2e",
            "Call-ID: 5b8e2f31c7d94a06@192.168.1.50",
            "From: \"Front Door\" <sip:doorphone@pbx.example.com>;tag=7c1e4a9d",
            "To: <sip:1001@pbx.example.com>;tag=as5f0c3e21",
            "CSeq: 102 OPTIONS",
            "Server: Asterisk PBX 20.5.0",
        ]
        lines.removeAll { line in without.contains { line.hasPrefix($0) } }
        lines += extra
        if !without.contains(where: { "Content-Length".hasPrefix($0) }) { lines.append("Content-Length: \(body.utf8.count)") }
        return message(lines, body: body)
    }
}

@Suite("Start lines and header sections")
struct StartLineAndHeaderTests {
    // MARK: - Request lines

    static let knownMethods: [(String, SIPMethod)] = [
        ("INVITE", .invite), ("ACK", .ack), ("BYE", .bye), ("CANCEL", .cancel), ("OPTIONS", .options),
        ("REGISTER", .register), ("MESSAGE", .message), ("INFO", .info), ("PRACK", .prack), ("UPDATE", .update),
        ("SUBSCRIBE", .subscribe), ("NOTIFY", .notify), ("REFER", .refer), ("PUBLISH", .publish),
    ]

    @Test("every known method is recognized in the request line and CSeq", arguments: knownMethods)
    func knownMethod(token: String, method: SIPMethod) throws {
        let text = SIPWire.request(method: token)
        let message = try SIPMessage(parsing: text)
        #expect(message.isRequest)
        #expect(message.method == method)
        #expect(message.method?.isKnown == true)
        #expect(message.method?.name == token)
        #expect(message.methodToken?.string == token)
        #expect(message.requestURI?.string == "sip:1001@pbx.example.com")
        #expect(message.version.string == "SIP/2.0")
        #expect(message.isVersion2)
        #expect(message.statusCode == nil)
        #expect(message.reasonPhrase == nil)
        #expect(message.startLine.string == "\(token) sip:1001@pbx.example.com SIP/2.0")
        #expect(message.cseqNumber == 102)
        #expect(message.cseqMethod == method)
        #expect(message.cseqMethodToken?.string == token)
        #expect(SIPMethod(token) == method)
        #expect(method.description == token)
        try message.validate()
    }

    @Test(
        "extension methods and methods in the wrong case are extension methods",
        arguments: ["SERVICE", "X-DOORBELL", "NEWMETHOD", "invite", "Invite", "bye", "Register", "!interesting-Method0123456789_*+`.%'~"])
    func extensionMethod(token: String) throws {
        let message = try SIPMessage(parsing: SIPWire.request(method: token))
        let method = try #require(message.method)
        #expect(!method.isKnown)
        #expect(method.name == token)
        #expect(method.extensionName == token)
        #expect(message.methodToken?.string == token)
        #expect(message.cseqMethod == method)
        #expect(message.cseqMethodToken?.string == token)
        #expect(SIPMethod(token) == method)
        #expect(!Self.knownMethods.contains { $0.1 == method })
        // The CSeq method equals the request method byte for byte, so the message is valid.
        try message.validate()
    }

    @Test("SIPMethod(_:) refuses what is not a token", arguments: ["", "IN VITE", "INVITÉ", "INVITE\r", "A/B", "OPTIONS;x", "\"INVITE\""])
    func methodNotAToken(token: String) {
        #expect(SIPMethod(token) == nil)
    }

    @Test("a CSeq method in another case than the request method fails validation")
    func cseqMethodCaseMismatch() throws {
        let text = SIPWire.request(method: "OPTIONS").replacingOccurrences(of: "CSeq: 102 OPTIONS", with: "CSeq: 102 options")
        let message = try SIPMessage(parsing: text)
        #expect(message.cseqMethod?.isKnown == false)
        let errorCaught = SIPWire.error { try message.validate() }
        let error = try #require(errorCaught)
        #expect(error.code == .invalidCSeq)
        #expect(error.offset == SIPWire.offset(of: "options", in: text))
        #expect(error.rejectStatus == 400)
    }

    // MARK: - Versions

    struct VersionCase: Sendable, CustomTestStringConvertible {
        let version: String
        let isVersion2: Bool
        var testDescription: String { version }
    }

    static let versions: [VersionCase] = [
        .init(version: "SIP/2.0", isVersion2: true),
        .init(version: "sip/2.0", isVersion2: true),
        .init(version: "Sip/2.0", isVersion2: true),
        .init(version: "SIP/1.0", isVersion2: false),
        .init(version: "SIP/2.1", isVersion2: false),
        .init(version: "SIP/3.0", isVersion2: false),
        .init(version: "SIP/20.0", isVersion2: false),
        .init(version: "SIP/2.00", isVersion2: false),
        .init(version: "SIP/12.34", isVersion2: false),
    ]

    @Test("SIP versions in a request line", arguments: versions)
    func requestVersion(_ test: VersionCase) throws {
        let message = try SIPMessage(parsing: SIPWire.request("OPTIONS sip:1001@pbx.example.com \(test.version)"))
        #expect(message.version.string == test.version)
        #expect(message.isVersion2 == test.isVersion2)
        #expect(message.isRequest)
    }

    @Test("SIP versions in a status line", arguments: versions)
    func responseVersion(_ test: VersionCase) throws {
        let message = try SIPMessage(parsing: SIPWire.response("\(test.version) 200 OK"))
        #expect(message.version.string == test.version)
        #expect(message.isVersion2 == test.isVersion2)
        #expect(!message.isRequest)
        #expect(message.statusCode == 200)
    }

    // MARK: - Status lines

    struct StatusCase: Sendable, CustomTestStringConvertible {
        let line: String
        let code: Int
        let reason: String
        var testDescription: String { line }
    }

    static let statusLines: [StatusCase] = [
        .init(line: "SIP/2.0 100 Trying", code: 100, reason: "Trying"),
        .init(line: "SIP/2.0 180 Ringing", code: 180, reason: "Ringing"),
        .init(line: "SIP/2.0 183 Session Progress", code: 183, reason: "Session Progress"),
        .init(line: "SIP/2.0 200 OK", code: 200, reason: "OK"),
        .init(line: "SIP/2.0 202 Accepted", code: 202, reason: "Accepted"),
        .init(line: "SIP/2.0 302 Moved Temporarily", code: 302, reason: "Moved Temporarily"),
        .init(line: "SIP/2.0 401 Unauthorized", code: 401, reason: "Unauthorized"),
        .init(line: "SIP/2.0 407 Proxy Authentication Required", code: 407, reason: "Proxy Authentication Required"),
        .init(line: "SIP/2.0 486 Busy Here", code: 486, reason: "Busy Here"),
        .init(line: "SIP/2.0 487 Request Terminated", code: 487, reason: "Request Terminated"),
        .init(line: "SIP/2.0 503 Service Unavailable", code: 503, reason: "Service Unavailable"),
        .init(line: "SIP/2.0 603 Decline", code: 603, reason: "Decline"),
        .init(line: "SIP/2.0 699 Door Closed Forever", code: 699, reason: "Door Closed Forever"),
        .init(line: "SIP/2.0 299 Extension Success", code: 299, reason: "Extension Success"),
        // Empty reason phrases: with and without the SP after the code.
        .init(line: "SIP/2.0 200 ", code: 200, reason: ""),
        .init(line: "SIP/2.0 200", code: 200, reason: ""),
        // UTF-8, inner and trailing white space, and reserved characters are kept as received.
        .init(line: "SIP/2.0 200 Très bien — danke schön", code: 200, reason: "Très bien — danke schön"),
        .init(line: "SIP/2.0 480 Temporarily  Unavailable ", code: 480, reason: "Temporarily  Unavailable "),
        .init(line: "SIP/2.0 486 Busy;retry=later/soon?", code: 486, reason: "Busy;retry=later/soon?"),
        .init(line: "SIP/2.0 404 \u{8A2A}\u{554F}\u{8005}\u{306A}\u{3057}", code: 404, reason: "\u{8A2A}\u{554F}\u{8005}\u{306A}\u{3057}"),
        .init(line: "sip/2.0 180 Ringing", code: 180, reason: "Ringing"),
    ]

    @Test("status lines: code and reason phrase", arguments: statusLines)
    func statusLine(_ test: StatusCase) throws {
        let text = SIPWire.response(test.line)
        let message = try SIPMessage(parsing: text)
        #expect(!message.isRequest)
        #expect(message.method == nil)
        #expect(message.methodToken == nil)
        #expect(message.requestURI == nil)
        #expect(message.statusCode == test.code)
        #expect(message.reasonPhrase?.string == test.reason)
        #expect(message.startLine.string == test.line)
        #expect(message.callID?.string == "5b8e2f31c7d94a06@192.168.1.50")
    }

    @Test("every status code from 100 to 699 parses")
    func everyStatusCode() throws {
        for code in 100...699 {
            let message = try SIPMessage(parsing: SIPWire.response("SIP/2.0 \(code) Status \(code)"))
            #expect(message.statusCode == code)
            #expect(message.reasonPhrase?.string == "Status \(code)")
        }
    }

    @Test("status codes outside 100...699 or not three digits are malformed", arguments: ["000", "001", "099", "700", "999", "1000", "20", "2", "0200", "2x0", "-20"])
    func statusCodeOutOfRange(code: String) throws {
        let error = try #require(SIPWire.parseError(SIPWire.response("SIP/2.0 \(code) Whatever")))
        #expect(error.code == .malformedStatusLine)
        #expect(error.offset == 8)
        #expect(error.isRequest == false)
        #expect(error.rejectStatus == nil)
    }

    // MARK: - Leading CRLFs

    @Test("CRLFs and LFs before the start line are skipped", arguments: ["", "\r\n", "\r\n\r\n", "\n", "\n\n\r\n", "\r\n\r\n\r\n\r\n"])
    func leadingLineBreaks(prefix: String) throws {
        let request = SIPWire.request(method: "OPTIONS")
        let message = try SIPMessage(parsing: prefix + request)
        #expect(message.startLine.string == "OPTIONS sip:1001@pbx.example.com SIP/2.0")
        #expect(message.method == .options)
        #expect(message.callID?.string == "5b8e2f31c7d94a06@192.168.1.50")
        #expect(message.bytes.readableBytes == prefix.utf8.count + request.utf8.count)

        let response = try SIPMessage(parsing: prefix + SIPWire.response("SIP/2.0 180 Ringing"))
        #expect(response.statusCode == 180)

        // Error offsets count the skipped bytes.
        let error = try #require(SIPWire.parseError(prefix + SIPWire.request("OPTIONS  sip:1001@pbx.example.com SIP/2.0")))
        #expect(error.code == .malformedRequestLine)
        #expect(error.offset == prefix.utf8.count + 8)
    }

    @Test("bytes that hold only line breaks have no start line", arguments: ["", "\r\n", "\r\n\r\n", "\n\n\n", "\r"])
    func onlyLineBreaks(text: String) throws {
        let error = try #require(SIPWire.parseError(text))
        #expect(error.code == .empty)
        #expect(error.offset == text.utf8.count)
        #expect(error.isRequest == nil)
        #expect(error.rejectStatus == nil)
    }

    // MARK: - Header names

    @Test("header names are case-insensitive", arguments: [
        ("Via", SIPHeaderName.via), ("VIA", .via), ("vIa", .via), ("call-id", .callID), ("CALL-ID", .callID), ("Call-Id", .callID),
        ("cseq", .cseq), ("CSEQ", .cseq), ("content-LENGTH", .contentLength), ("mAx-FoRwArDs", .maxForwards),
        ("www-authenticate", .wwwAuthenticate), ("WWW-AUTHENTICATE", .wwwAuthenticate), ("p-asserted-identity", .pAssertedIdentity),
        ("SIP-ETAG", .sipETag), ("Rack", .rack), ("RSEQ", .rseq), ("min-se", .minSE), ("X-Door-Id", .other), ("Vias", .other), ("", .other),
        ("Via ", .other), ("Call_ID", .other),
    ])
    func headerNameLookup(spelling: String, expected: SIPHeaderName) {
        #expect(SIPHeaderName(spelling) == expected)
    }

    @Test("every known header name resolves from its canonical spelling in any case")
    func canonicalNamesRoundTrip() {
        for raw in UInt8(1)...UInt8(67) {
            let name = SIPHeaderName(rawValue: raw)
            let canonical = name.canonicalName.description
            #expect(!canonical.isEmpty, "id \(raw)")
            #expect(SIPHeaderName(canonical) == name, "\(canonical)")
            #expect(SIPHeaderName(canonical.lowercased()) == name, "\(canonical)")
            #expect(SIPHeaderName(canonical.uppercased()) == name, "\(canonical)")
            #expect(name.description == canonical)
        }
        #expect(SIPHeaderName.other.description == "(other)")
        #expect(SIPHeaderName.other.canonicalName.description == "")
        #expect(SIPHeaderName(rawValue: 200).canonicalName.description == "")
    }

    @Test("header names in a message are matched without regard to case")
    func headerNamesInMessageIgnoreCase() throws {
        let text = SIPWire.message([
            "OPTIONS sip:1001@pbx.example.com SIP/2.0",
            "VIA: SIP/2.0/UDP 192.168.1.50:5060;BRANCH=z9hG4bK1f0a6c2e;rport",
            "max-forwards: 70",
            "FROM: <sip:doorphone@pbx.example.com>;TAG=7c1e4a9d",
            "to: <sip:1001@pbx.example.com>",
            "CALL-ID: 5b8e2f31c7d94a06@192.168.1.50",
            "cSeQ: 102 OPTIONS",
            "x-door-id: front",
            "CONTENT-LENGTH: 0",
        ])
        let message = try SIPMessage(parsing: text)
        #expect(message.topViaBranch?.string == "z9hG4bK1f0a6c2e")
        #expect(message.fromTag?.string == "7c1e4a9d")
        #expect(message.callID?.string == "5b8e2f31c7d94a06@192.168.1.50")
        #expect(message.cseqNumber == 102)
        #expect(message.contentLength == 0)
        #expect(try message.maxForwards() == 70)
        #expect(message.header(at: 0)?.name == .via)
        #expect(message.header(at: 0)?.nameBytes.string == "VIA")
        #expect(message.header(at: 6)?.name == .other)
        #expect(message.header(at: 6)?.nameBytes.string == "x-door-id")
        #expect(message.headers(named: "X-DOOR-ID").map(\.string) == ["front"])
        #expect(message.headers(named: "Call-Id").map(\.string) == ["5b8e2f31c7d94a06@192.168.1.50"])
        try message.validate()
    }

    static let compactForms: [(String, SIPHeaderName)] = [
        ("i", .callID), ("m", .contact), ("e", .contentEncoding), ("l", .contentLength), ("s", .subject), ("f", .from),
        ("t", .to), ("v", .via), ("c", .contentType), ("k", .supported), ("u", .allowEvents), ("o", .event),
        ("r", .referTo), ("b", .referredBy), ("x", .sessionExpires), ("y", .identity), ("a", .acceptContact),
        ("j", .rejectContact), ("d", .requestDisposition),
    ]

    @Test("compact forms resolve to their long form, in either case", arguments: compactForms)
    func compactForm(letter: String, name: SIPHeaderName) {
        #expect(SIPHeaderName(letter) == name)
        #expect(SIPHeaderName(letter.uppercased()) == name)
    }

    @Test("single letters that are not compact forms are other headers", arguments: ["g", "h", "n", "p", "q", "w", "z", "1", "-"])
    func notACompactForm(letter: String) {
        #expect(SIPHeaderName(letter) == .other)
    }

    /// A REFER on TCP written with every compact form (as a constrained UA sends it).
    static let compactRefer = SIPWire.message([
        "REFER sip:1001@192.168.1.10:5060;transport=tcp SIP/2.0",
        "v: SIP/2.0/TCP 192.168.1.50:5060;branch=z9hG4bK2c8d1e7f;alias",
        "f: \"Front Door\" <sip:doorphone@pbx.example.com>;tag=8e1c3b7a",
        "t: <sip:1001@pbx.example.com>;tag=as1f2e3d4c",
        "i: 7d2a9f4e1b6c3850@192.168.1.50",
        "CSeq: 3 REFER",
        "Max-Forwards: 70",
        "m: <sip:doorphone@192.168.1.50:5060;transport=tcp>",
        "r: <sip:1002@pbx.example.com>",
        "b: <sip:doorphone@pbx.example.com>",
        "k: replaces, norefersub",
        "u: refer, dialog",
        "o: refer;id=3",
        "s: Transfer to the lobby",
        "x: 1800;refresher=uac",
        "y: eyJhbGciOiJFUzI1NiJ9.eyJvcmlnIjp7fX0.c2lnbmF0dXJl;info=<https://cert.example.com/door.pem>",
        "a: *;+sip.automata",
        "j: *;actor=\"msg-taker\"",
        "d: proxy, recurse",
        "e: identity",
        "c: text/plain;charset=UTF-8",
        "l: 13",
    ], body: "Lobby, please")

    @Test("a message written with every compact form")
    func everyCompactFormInAMessage() throws {
        let message = try SIPMessage(parsing: Self.compactRefer)
        let expected: [(SIPHeaderName, String, String)] = [
            (.via, "v", "SIP/2.0/TCP 192.168.1.50:5060;branch=z9hG4bK2c8d1e7f;alias"),
            (.from, "f", "\"Front Door\" <sip:doorphone@pbx.example.com>;tag=8e1c3b7a"),
            (.to, "t", "<sip:1001@pbx.example.com>;tag=as1f2e3d4c"),
            (.callID, "i", "7d2a9f4e1b6c3850@192.168.1.50"),
            (.cseq, "CSeq", "3 REFER"),
            (.maxForwards, "Max-Forwards", "70"),
            (.contact, "m", "<sip:doorphone@192.168.1.50:5060;transport=tcp>"),
            (.referTo, "r", "<sip:1002@pbx.example.com>"),
            (.referredBy, "b", "<sip:doorphone@pbx.example.com>"),
            (.supported, "k", "replaces, norefersub"),
            (.allowEvents, "u", "refer, dialog"),
            (.event, "o", "refer;id=3"),
            (.subject, "s", "Transfer to the lobby"),
            (.sessionExpires, "x", "1800;refresher=uac"),
            (.identity, "y", "eyJhbGciOiJFUzI1NiJ9.eyJvcmlnIjp7fX0.c2lnbmF0dXJl;info=<https://cert.example.com/door.pem>"),
            (.acceptContact, "a", "*;+sip.automata"),
            (.rejectContact, "j", "*;actor=\"msg-taker\""),
            (.requestDisposition, "d", "proxy, recurse"),
            (.contentEncoding, "e", "identity"),
            (.contentType, "c", "text/plain;charset=UTF-8"),
            (.contentLength, "l", "13"),
        ]
        #expect(message.headerCount == expected.count)
        for (index, (name, spelling, value)) in expected.enumerated() {
            let header = try #require(message.header(at: index))
            #expect(header.name == name, "header \(index)")
            #expect(header.nameBytes.string == spelling, "header \(index)")
            #expect(header.value.string == value, "header \(index)")
            #expect(message.firstValue(name)?.string == value, "\(name)")
        }
        #expect(message.headers.count == expected.count)
        #expect(message.header(at: expected.count) == nil)
        #expect(message.header(at: -1) == nil)

        #expect(message.method == .refer)
        #expect(message.topViaTransport?.string == "TCP")
        #expect(message.fromTag?.string == "8e1c3b7a")
        #expect(message.toTag?.string == "as1f2e3d4c")
        #expect(message.callID?.string == "7d2a9f4e1b6c3850@192.168.1.50")
        #expect(message.contentLength == 13)
        #expect(message.body.string == "Lobby, please")
        #expect(try message.supported().map(\.string) == ["replaces", "norefersub"])
        #expect(try message.event()?.token.string == "refer")
        #expect(try message.event()?.value("id") == "3")
        #expect(try message.contentType()?.matches(type: "text", subtype: "plain") == true)
        #expect(try message.contacts().first?.uri.string == "sip:doorphone@192.168.1.50:5060;transport=tcp")
        // A spelling finds the compact and long forms alike.
        #expect(message.headers(named: "Refer-To").map(\.string) == ["<sip:1002@pbx.example.com>"])
        #expect(message.headers(named: "K").map(\.string) == ["replaces, norefersub"])
        #expect(message.headers(named: "session-expires").map(\.string) == ["1800;refresher=uac"])
        try message.validate()
    }

    // MARK: - Folded lines

    struct FoldCase: Sendable, CustomTestStringConvertible {
        let name: String
        let lines: [String]
        let expected: String
        var testDescription: String { name }
    }

    static let folds: [FoldCase] = [
        .init(name: "SP continuation", lines: ["Subject: I know you're there,", "  pick up the phone"],
              expected: "I know you're there,\r\n  pick up the phone"),
        .init(name: "HTAB continuation", lines: ["Subject: Door", "\tbell"], expected: "Door\r\n\tbell"),
        .init(name: "several continuation lines", lines: ["Subject: Someone", " is at", "\t the front", "     door"],
              expected: "Someone\r\n is at\r\n\t the front\r\n     door"),
        .init(name: "value starts on the continuation line", lines: ["Subject:", " Lunch today"], expected: "Lunch today"),
        .init(name: "value starts on a tab continuation", lines: ["Subject:\t", "\t\tParcel"], expected: "Parcel"),
        .init(name: "trailing white space of a continuation is trimmed", lines: ["Subject: a", "  b   "], expected: "a\r\n  b"),
        .init(name: "a blank continuation line", lines: ["Subject: a", "   ", " b"], expected: "a\r\n   \r\n b"),
    ]

    @Test("folded header values keep their inner line breaks", arguments: folds)
    func foldedValue(_ test: FoldCase) throws {
        let text = SIPWire.request(extra: test.lines + ["Priority: urgent"])
        let message = try SIPMessage(parsing: text)
        #expect(message.firstValue(.subject)?.string == test.expected)
        #expect(message.count(of: .subject) == 1)
        // The header after the folded one is intact.
        #expect(message.firstValue(.priority)?.string == "urgent")
        #expect(message.headerCount == 10)
        try message.validate()
    }

    @Test("folded headers that the parser decodes")
    func foldedDecodedHeaders() throws {
        let text = SIPWire.message([
            "INVITE sip:1001@pbx.example.com SIP/2.0",
            "Via: SIP/2.0/UDP 192.168.1.50:5060;branch=z9hG4bK7e21ac94;rport,",
            "\tSIP/2.0/UDP 10.0.0.7:5060;branch=z9hG4bK0d9c3b",
            "Max-Forwards:",
            "  70",
            "From: \"Front Door\"",
            "  <sip:doorphone@pbx.example.com>",
            "  ;tag=7c1e4a9d",
            "To:",
            " <sip:1001@pbx.example.com>",
            "Call-ID:",
            " 9a3c7e10f2d84b56@192.168.1.50",
            "CSeq: 4711",
            "\tINVITE",
            "Content-Length:",
            "   4",
        ], body: "v=0\n")
        let message = try SIPMessage(parsing: text)
        #expect(message.viaCount == 2)
        #expect(try message.vias().map(\.host.string) == ["192.168.1.50", "10.0.0.7"])
        #expect(message.topViaBranch?.string == "z9hG4bK7e21ac94")
        #expect(try message.maxForwards() == 70)
        #expect(message.fromTag?.string == "7c1e4a9d")
        #expect(try message.from()?.displayName == "Front Door")
        #expect(try message.to()?.uri.string == "sip:1001@pbx.example.com")
        #expect(message.callID?.string == "9a3c7e10f2d84b56@192.168.1.50")
        #expect(message.cseqNumber == 4711)
        #expect(message.cseqMethod == .invite)
        #expect(message.contentLength == 4)
        #expect(message.body.string == "v=0\n")
        try message.validate()
    }

    @Test("a folded line before any header is refused")
    func foldBeforeFirstHeader() throws {
        let text = "OPTIONS sip:1001@pbx.example.com SIP/2.0\r\n Via: SIP/2.0/UDP 192.168.1.50;branch=z9hG4bK1\r\n\r\n"
        let error = try #require(SIPWire.parseError(text))
        #expect(error.offset == 42)
        #expect(error.isRequest == true)
        #expect(error.rejectStatus == 400)
        // SIPParseError.Code.malformedLineEnding: "A line ends in a bare CR, or a header line is
        // folded before the first header".
        #expect(error.code == .malformedLineEnding)
    }

    // MARK: - Several headers of one name, comma-separated values

    @Test("values(), count(of:), firstValue() and headers(named:) over repeated headers")
    func repeatedHeaders() throws {
        let text = SIPWire.request(method: "INVITE", extra: [
            "Route: <sip:edge1.example.net;lr>, <sip:core.example.net;lr>",
            "X-Door-Event: ring",
            "Route: <sip:as.example.net;lr>",
            "Supported: replaces",
            "x-door-event: open;duration=5",
            "Supported: 100rel, timer",
            "X-DOOR-EVENT: close",
        ])
        let message = try SIPMessage(parsing: text)
        #expect(message.values(.route).map(\.string) == ["<sip:edge1.example.net;lr>, <sip:core.example.net;lr>", "<sip:as.example.net;lr>"])
        #expect(message.count(of: .route) == 2)
        #expect(try message.routes().map(\.uri.string) == ["sip:edge1.example.net;lr", "sip:core.example.net;lr", "sip:as.example.net;lr"])
        #expect(message.firstValue(.route)?.string == "<sip:edge1.example.net;lr>, <sip:core.example.net;lr>")
        #expect(message.count(of: .supported) == 2)
        #expect(try message.supported().map(\.string) == ["replaces", "100rel", "timer"])
        #expect(message.headers(named: "Supported").map(\.string) == ["replaces", "100rel, timer"])
        // Unknown names: every spelling, in order; other unknown names are not mixed in.
        #expect(message.headers(named: "X-Door-Event").map(\.string) == ["ring", "open;duration=5", "close"])
        #expect(message.headers(named: "x-door-EVENT").count == 3)
        #expect(message.headers(named: "X-Door").isEmpty)
        #expect(message.headers(named: "X-Missing").isEmpty)
        #expect(message.count(of: .other) == 3)
        #expect(message.values(.other).map(\.string) == ["ring", "open;duration=5", "close"])
        #expect(message.values(.recordRoute).isEmpty)
        #expect(message.count(of: .recordRoute) == 0)
        #expect(message.firstValue(.recordRoute) == nil)
        #expect(message.count(of: .via) == 1)
        try message.validate()
    }

    @Test("more headers than fit inline (the overflow storage)")
    func manyHeaders() throws {
        var extra: [String] = []
        for index in 0..<40 { extra.append("X-Hop-\(index): hop\(index).example.net") }
        extra.append("Record-Route: <sip:rr1.example.net;lr>")
        extra.append("Subject: late")
        extra.append(" folded")
        extra.append("Record-Route: <sip:rr2.example.net;lr>")
        let message = try SIPMessage(parsing: SIPWire.response(extra: extra))
        #expect(message.headerCount == 6 + 40 + 3 + 1)
        #expect(message.headers(named: "X-Hop-39").map(\.string) == ["hop39.example.net"])
        #expect(message.header(at: 6)?.nameBytes.string == "X-Hop-0")
        #expect(message.header(at: 45)?.value.string == "hop39.example.net")
        #expect(message.firstValue(.subject)?.string == "late\r\n folded")
        #expect(message.count(of: .recordRoute) == 2)
        #expect(try message.recordRoutes().map(\.uri.string) == ["sip:rr1.example.net;lr", "sip:rr2.example.net;lr"])
        #expect(message.count(of: .other) == 40)
        #expect(message.contentLength == 0)
        #expect(message.headers.count == message.headerCount)
    }

    @Test("header value white space: around the colon, trailing, empty values")
    func headerWhiteSpace() throws {
        let text = SIPWire.request(extra: [
            "Subject   :   Parcel at the door   ",
            "Organization:\tACME\tDoors\t",
            "Priority:",
            "X-Empty:   ",
            "Accept-Language:da, en-gb;q=0.8",
        ])
        let message = try SIPMessage(parsing: text)
        #expect(message.firstValue(.subject)?.string == "Parcel at the door")
        #expect(message.header(at: 7)?.nameBytes.string == "Subject")
        #expect(message.firstValue(.organization)?.string == "ACME\tDoors")
        #expect(message.firstValue(.priority)?.string == "")
        #expect(message.firstValue(.priority)?.isEmpty == true)
        #expect(message.headers(named: "X-Empty").map(\.string) == [""])
        #expect(message.firstValue(.acceptLanguage)?.string == "da, en-gb;q=0.8")
    }

    // MARK: - Quoted strings

    @Test("quoted strings with escaped quotes, backslashes and commas")
    func quotedStrings() throws {
        let text = SIPWire.request(method: "INVITE", extra: [
            "Contact: \"Doe, \\\"JD\\\" John\" <sip:john@192.0.2.10>;q=0.7, \"C:\\\\Doors\\\\Front\" <sip:front@192.0.2.11>",
            "Reason: SIP;cause=480;text=\"Door says \\\"not now\\\", sorry\"",
        ]).replacingOccurrences(of: "From: \"Front Door\"", with: "From: \"The \\\"Front\\\" Door\"")
        let message = try SIPMessage(parsing: text)
        #expect(message.fromTag?.string == "7c1e4a9d")
        let from = try #require(try message.from())
        #expect(from.displayNameBytes?.string == "\"The \\\"Front\\\" Door\"")
        #expect(from.displayName == "The \"Front\" Door")
        let contacts = try message.contacts()
        #expect(contacts.count == 2)
        #expect(contacts.map(\.displayName) == ["Doe, \"JD\" John", "C:\\Doors\\Front"])
        #expect(contacts.map(\.uri.string) == ["sip:john@192.0.2.10", "sip:front@192.0.2.11"])
        let reasons = try message.reasons()
        #expect(reasons.count == 1)
        #expect(reasons.first?.value("text") == "Door says \"not now\", sorry")
        #expect(reasons.first?.value("cause") == "480")
        try message.validate()
    }

    // MARK: - Content-Length and the body of a datagram

    struct BodyCase: Sendable, CustomTestStringConvertible {
        let name: String
        let contentLength: String?
        let received: String
        let expectedBody: String?
        let expectedLength: Int?
        var testDescription: String { name }
    }

    static let bodies: [BodyCase] = [
        .init(name: "exact", contentLength: "Content-Length: 10", received: "v=0\r\ns=-\r\n", expectedBody: "v=0\r\ns=-\r\n", expectedLength: 10),
        .init(name: "compact l", contentLength: "l: 5", received: "hello", expectedBody: "hello", expectedLength: 5),
        .init(name: "leading zeros", contentLength: "Content-Length: 0005", received: "hello", expectedBody: "hello", expectedLength: 5),
        .init(name: "white space around the number", contentLength: "Content-Length:   5  ", received: "hello", expectedBody: "hello", expectedLength: 5),
        .init(name: "extra bytes after the body are ignored", contentLength: "Content-Length: 5", received: "hello world", expectedBody: "hello", expectedLength: 5),
        .init(name: "zero with trailing garbage", contentLength: "Content-Length: 0", received: "\r\n\r\ngarbage", expectedBody: "", expectedLength: 0),
        .init(name: "no Content-Length: the rest of the datagram", contentLength: nil, received: "hello world\r\n", expectedBody: "hello world\r\n", expectedLength: nil),
        .init(name: "no Content-Length and no body", contentLength: nil, received: "", expectedBody: "", expectedLength: nil),
        .init(name: "shorter body", contentLength: "Content-Length: 20", received: "hello", expectedBody: nil, expectedLength: 20),
        .init(name: "body missing", contentLength: "Content-Length: 1", received: "", expectedBody: nil, expectedLength: 1),
    ]

    @Test("Content-Length against the bytes of a datagram", arguments: bodies)
    func datagramBody(_ test: BodyCase) throws {
        var lines = [
            "MESSAGE sip:doorphone@192.168.1.50:5060 SIP/2.0",
            "Via: SIP/2.0/UDP 203.0.113.10:5060;branch=z9hG4bK4b8f.8a1c1e9a.0",
            "Max-Forwards: 69",
            "From: \"Alice\" <sip:alice@sip.example.com>;tag=Nq3z8xTr",
            "To: <sip:doorphone@sip.example.com>",
            "Call-ID: m4dLqK2v3J",
            "CSeq: 20 MESSAGE",
            "Content-Type: text/plain",
        ]
        if let contentLength = test.contentLength { lines.append(contentLength) }
        let head = SIPWire.message(lines)
        let text = head + test.received
        if let expectedBody = test.expectedBody {
            let message = try SIPMessage(parsing: text)
            #expect(message.body.string == expectedBody)
            #expect(message.contentLength == test.expectedLength)
            #expect(message.bytes.readableBytes == head.utf8.count + expectedBody.utf8.count)
            #expect(!message.headerSectionIsUnterminated)
        } else {
            let error = try #require(SIPWire.parseError(text))
            #expect(error.code == .truncatedBody)
            #expect(error.offset == head.utf8.count)
            #expect(error.isRequest == true)
            #expect(error.rejectStatus == 400)
        }
    }

    @Test("two Content-Length headers that disagree are flagged; the first one frames the datagram")
    func conflictingContentLength() throws {
        let text = SIPWire.request(method: "MESSAGE", extra: ["Content-Type: text/plain", "l: 4"], body: "Door open")
        let message = try SIPMessage(parsing: text)
        #expect(message.hasConflictingContentLength)
        #expect(message.contentLength == 4)
        #expect(message.body.string == "Door")
        #expect(message.count(of: .contentLength) == 2)
        #expect(message.values(.contentLength).map(\.string) == ["4", "9"])
        // 12 bytes declared first, 9 received: the first value is the one that counts.
        let longer = try #require(SIPWire.parseError(text.replacingOccurrences(of: "l: 4", with: "l: 12")))
        #expect(longer.code == .truncatedBody)

        let agreeing = try SIPMessage(parsing: SIPWire.request(extra: ["l: 0"]))
        #expect(!agreeing.hasConflictingContentLength)
        #expect(agreeing.count(of: .contentLength) == 2)
        #expect(!(try SIPMessage(parsing: SIPWire.request())).hasConflictingContentLength)
    }

    // MARK: - Line endings

    @Test("bare LF line endings are accepted and flagged")
    func bareLineFeeds() throws {
        let crlf = SIPWire.request(method: "MESSAGE", extra: ["Content-Type: text/plain", "Subject: two", "\tlines"], body: "Ring!")
        let lf = crlf.replacingOccurrences(of: "\r\n", with: "\n")
        let message = try SIPMessage(parsing: lf)
        #expect(message.usesBareLineFeeds)
        #expect(message.startLine.string == "MESSAGE sip:1001@pbx.example.com SIP/2.0")
        #expect(message.callID?.string == "5b8e2f31c7d94a06@192.168.1.50")
        #expect(message.fromTag?.string == "7c1e4a9d")
        #expect(message.topViaBranch?.string == "z9hG4bK1f0a6c2e")
        #expect(message.cseqMethod == .message)
        #expect(message.firstValue(.subject)?.string == "two\n\tlines")
        #expect(message.body.string == "Ring!")
        #expect(message.headerCount == 10)
        #expect(!(message.headers.contains { $0.value.string.hasSuffix("\r") }))
        try message.validate()

        let original = try SIPMessage(parsing: crlf)
        #expect(!original.usesBareLineFeeds)

        // Mixed: one bare LF among CRLFs, in the start line, in a header, or as the empty line.
        for (from, to) in [("SIP/2.0\r\n", "SIP/2.0\n"), ("Max-Forwards: 70\r\n", "Max-Forwards: 70\n"), ("\r\n\r\nRing!", "\r\n\nRing!")] {
            let mixed = try SIPMessage(parsing: crlf.replacingOccurrences(of: from, with: to))
            #expect(mixed.usesBareLineFeeds, "\(from.debugDescription)")
            #expect(mixed.body.string == "Ring!")
            #expect(try mixed.maxForwards() == 70)
        }
    }

    @Test("a bare CR is not a line ending")
    func bareCarriageReturn() throws {
        // A PBX that ends one header line with CR alone: "Subject: Lunch<CR>Max-Forwards: 70".
        let text = SIPWire.request(extra: ["Subject: Lunch\rPriority: urgent"])
        let crOffset = SIPWire.offset(of: "\rPriority", in: text)
        // Refused when parsing or, for a parser that locates lines by LF only, by validate().
        let error: SIPParseError
        if let parseError = SIPWire.parseError(text) {
            error = parseError
        } else {
            let message = try SIPMessage(parsing: text)
            let caught = SIPWire.error { try message.validate() }
            error = try #require(caught, "a bare CR inside a header line is accepted")
            #expect(message.check(profile: .userAgent).rejectStatus == 400)
        }
        #expect(error.code == .malformedLineEnding)
        #expect(error.offset == crOffset)
        #expect(error.rejectStatus == 400)
        // The same in the start line of a response, and a CR right before the empty line.
        for bad in [SIPWire.response("SIP/2.0 200 OK\r"), SIPWire.request().replacingOccurrences(of: "Content-Length: 0\r\n", with: "Content-Length: 0\r\r\n")] {
            let refused = SIPWire.parseError(bad) ?? SIPWire.error { try SIPMessage(parsing: bad).validate() }
            #expect(refused?.code == .malformedLineEnding || refused?.code == .malformedStatusLine)
        }
    }

    @Test("a datagram without the final empty line", arguments: ["\r\n", "", "\n"])
    func unterminatedHeaderSection(ending: String) throws {
        let head = SIPWire.request().replacingOccurrences(of: "Content-Length: 0\r\n\r\n", with: "Content-Length: 0" + ending)
        let message = try SIPMessage(parsing: head)
        #expect(message.headerSectionIsUnterminated)
        #expect(message.body.isEmpty)
        #expect(message.contentLength == 0)
        #expect(message.firstValue(.contentLength)?.string == "0")
        #expect(message.callID?.string == "5b8e2f31c7d94a06@192.168.1.50")

        // Without Content-Length too.
        let bare = SIPWire.request(without: ["Content-Length"]).dropLast(2) + ending  // "\r\n" is one Character
        let noLength = try SIPMessage(parsing: String(bare))
        #expect(noLength.headerSectionIsUnterminated)
        #expect(noLength.contentLength == nil)
        #expect(noLength.body.isEmpty)

        // A Content-Length that promises a body cannot be met.
        let promise = head.replacingOccurrences(of: "Content-Length: 0", with: "Content-Length: 5")
        #expect(SIPWire.parseError(promise)?.code == .truncatedBody)

        // From a stream, the header section must end with the empty line.
        let frameError = try #require(SIPWire.frameError(head))
        #expect(frameError.code == .malformedLineEnding)
        #expect(frameError.offset == head.utf8.count)
        #expect(frameError.isRequest == true)
        #expect(frameError.rejectStatus == 400)

        #expect(!(try SIPMessage(parsing: SIPWire.request())).headerSectionIsUnterminated)
    }

    @Test("a request made of the request line alone")
    func requestLineAlone() throws {
        let message = try SIPMessage(parsing: "OPTIONS sip:pbx.example.com SIP/2.0")
        #expect(message.method == .options)
        #expect(message.headerCount == 0)
        #expect(message.headerSectionIsUnterminated)
        #expect(message.callID == nil)
        #expect(message.cseqNumber == nil)
        #expect(message.cseqMethod == nil)
        #expect(message.topViaBranch == nil)
        #expect(!message.hasVia)
        #expect(message.fromTag == nil)
        #expect(message.contentLength == nil)
        #expect(message.body.isEmpty)
    }

    // MARK: - Every parse error

    struct ErrorCase: Sendable, CustomTestStringConvertible {
        let name: String
        let text: String
        let code: SIPParseError.Code
        /// The offset, found as `marker`'s offset plus `delta` (or `delta` alone without a marker).
        let marker: String?
        let delta: Int
        /// Whether the offset is well defined (an unclosed bracket could be blamed on either end).
        var checksOffset = true
        let isRequest: Bool?
        let rejectStatus: Int?
        var testDescription: String { name }

        init(_ name: String, _ text: String, _ code: SIPParseError.Code, at marker: String?, _ delta: Int = 0, request: Bool? = true) {
            self.name = name
            self.text = text
            self.code = code
            self.marker = marker
            self.delta = delta
            self.isRequest = request
            self.rejectStatus = request == true ? 400 : nil
        }

        var withoutOffset: ErrorCase {
            var copy = self
            copy.checksOffset = false
            return copy
        }

        var expectedOffset: Int {
            guard let marker else { return delta }
            return SIPWire.offset(of: marker, in: text) + delta
        }
    }

    static let uri = "sip:1001@pbx.example.com"

    static let errorCases: [ErrorCase] = [
        // empty
        .init("no bytes", "", .empty, at: nil, 0, request: nil),
        .init("only CRLFs", "\r\n\r\n\r\n", .empty, at: nil, 6, request: nil),
        // malformedRequestLine
        .init("two spaces after the method", SIPWire.request("OPTIONS  \(uri) SIP/2.0"), .malformedRequestLine, at: nil, 8),
        .init("HTAB after the method", SIPWire.request("OPTIONS\t\(uri) SIP/2.0"), .malformedRequestLine, at: nil, 7),
        .init("white space before the method", SIPWire.request(" OPTIONS \(uri) SIP/2.0"), .malformedRequestLine, at: nil, 0),
        .init("method that is not a token", SIPWire.request("OPT{IONS \(uri) SIP/2.0"), .malformedRequestLine, at: nil, 3),
        .init("no SIP version", SIPWire.request("OPTIONS \(uri)"), .malformedRequestLine, at: nil, 32),
        .init("method alone", SIPWire.request("OPTIONS"), .malformedRequestLine, at: nil, 7),
        .init("HTTP version", SIPWire.request("OPTIONS \(uri) HTTP/1.1"), .malformedRequestLine, at: nil, 33),
        .init("version without minor", SIPWire.request("OPTIONS \(uri) SIP/2"), .malformedRequestLine, at: nil, 33),
        .init("version with letters", SIPWire.request("OPTIONS \(uri) SIP/two.zero"), .malformedRequestLine, at: nil, 33),
        .init("SP after the version", SIPWire.request("OPTIONS \(uri) SIP/2.0 "), .malformedRequestLine, at: nil, 40),
        .init("two spaces before the version", SIPWire.request("OPTIONS \(uri)  SIP/2.0"), .malformedRequestLine, at: nil, 33),
        .init("white space inside the Request-URI", SIPWire.request("OPTIONS sip:10 01@pbx.example.com SIP/2.0"), .malformedRequestLine, at: nil, 15),
        // malformedRequestURI
        .init("Request-URI without a scheme", SIPWire.request("OPTIONS 1001@pbx.example.com SIP/2.0"), .malformedRequestURI, at: nil, 8),
        .init("Request-URI in angle brackets", SIPWire.request("INVITE <\(uri)> SIP/2.0", method: "INVITE"), .malformedRequestURI, at: nil, 7),
        .init("scheme with nothing after the colon", SIPWire.request("OPTIONS sip: SIP/2.0"), .malformedRequestURI, at: nil, 8),
        // malformedStatusLine
        .init("status code of two digits", SIPWire.response("SIP/2.0 20 OK"), .malformedStatusLine, at: nil, 8, request: false),
        .init("status code 700", SIPWire.response("SIP/2.0 700 Nope"), .malformedStatusLine, at: nil, 8, request: false),
        .init("no SP before the reason", SIPWire.response("SIP/2.0 200OK"), .malformedStatusLine, at: nil, 11, request: false),
        .init("two spaces before the code", SIPWire.response("SIP/2.0  200 OK"), .malformedStatusLine, at: nil, 8, request: false),
        .init("version alone", SIPWire.response("SIP/2.0"), .malformedStatusLine, at: nil, 7, request: false),
        .init("HTAB after the version", SIPWire.response("SIP/2.0\t200 OK"), .malformedStatusLine, at: nil, 7, request: false),
        // malformedVersion
        .init("status line version without minor", SIPWire.response("SIP/2 200 OK"), .malformedVersion, at: nil, 0, request: false),
        .init("status line version with letters", SIPWire.response("SIP/two 200 OK"), .malformedVersion, at: nil, 0, request: false),
        .init("status line version ending in a dot", SIPWire.response("SIP/2. 200 OK"), .malformedVersion, at: nil, 0, request: false),
        .init("status line SIP/ alone", SIPWire.response("SIP/"), .malformedVersion, at: nil, 0, request: false),
        // malformedHeaderLine
        .init("header without a colon", SIPWire.request(extra: ["Subject Lunch"]), .malformedHeaderLine, at: "Subject Lunch", 8),
        .init("header name with a space", SIPWire.request(extra: ["Door Bell: ring"]), .malformedHeaderLine, at: "Door Bell", 5),
        .init("header line of a colon and value", SIPWire.request(extra: [": ring"]), .malformedHeaderLine, at: ": ring"),
        .init("header name alone", SIPWire.request(extra: ["Subject"]), .malformedHeaderLine, at: "Subject", 7),
        .init("header name with a non-token byte", SIPWire.request(extra: ["Sub{ject}: Lunch"]), .malformedHeaderLine, at: "{ject", 0),
        .init("header name in UTF-8", SIPWire.request(extra: ["Türklingel: an"]), .malformedHeaderLine, at: "ürklingel", 0),
        .init("malformed header in a response", SIPWire.response(extra: ["Server Asterisk"]), .malformedHeaderLine, at: "Server Asterisk", 7, request: false),
        // malformedHeaderValue (headers decoded at parse time)
        .init("empty Call-ID", SIPWire.request().replacingOccurrences(of: "Call-ID: 5b8e2f31c7d94a06@192.168.1.50", with: "Call-ID: "),
              .malformedHeaderValue, at: "Call-ID: ", 9),
        .init("Call-ID with white space", SIPWire.request().replacingOccurrences(of: "5b8e2f31c7d94a06@", with: "5b8e2f31 c7d94a06@"),
              .malformedHeaderValue, at: " c7d94a06"),
        .init("Call-ID with a control character", SIPWire.request().replacingOccurrences(of: "5b8e2f31c7d94a06@", with: "5b8e2f31\u{7F}c7d94a06@"),
              .malformedHeaderValue, at: "\u{7F}"),
        .init("From display name not closed", SIPWire.request().replacingOccurrences(of: "\"Front Door\"", with: "\"Front Door"),
              .malformedHeaderValue, at: "\"Front Door"),
        .init("To with '<' not closed", SIPWire.request().replacingOccurrences(of: "To: <sip:1001@pbx.example.com>", with: "To: <sip:1001@pbx.example.com"),
              .malformedHeaderValue, at: "<sip:1001@pbx.example.com\r", 0).withoutOffset,
        .init("From without '<' after a quoted name", SIPWire.request().replacingOccurrences(of: "\"Front Door\" <sip:doorphone@pbx.example.com>", with: "\"Front Door\" sip:doorphone@pbx.example.com"),
              .malformedHeaderValue, at: "sip:doorphone@pbx"),
        .init("From tag with '=' and no value", SIPWire.request().replacingOccurrences(of: ";tag=7c1e4a9d", with: ";tag="),
              .malformedHeaderValue, at: ";tag=\r", 5),
        .init("From parameter without ';'", SIPWire.request().replacingOccurrences(of: ";tag=7c1e4a9d", with: " tag=7c1e4a9d"),
              .malformedHeaderValue, at: "tag=7c1e4a9d"),
        .init("To that is not a URI", SIPWire.request().replacingOccurrences(of: "To: <sip:1001@pbx.example.com>", with: "To: <1001>"),
              .malformedHeaderValue, at: "1001>"),
        .init("Via without sent-by", SIPWire.request().replacingOccurrences(of: "SIP/2.0/UDP 192.168.1.50:5060;branch=z9hG4bK1f0a6c2e;rport", with: "SIP/2.0/UDP"),
              .malformedHeaderValue, at: "Via: SIP/2.0/UDP", 16),
        .init("Via without the second slash", SIPWire.request().replacingOccurrences(of: "SIP/2.0/UDP 192", with: "SIP/2.0 UDP 192"),
              .malformedHeaderValue, at: "UDP 192"),
        .init("Via port above 65535", SIPWire.request().replacingOccurrences(of: "192.168.1.50:5060;branch", with: "192.168.1.50:65536;branch"),
              .malformedHeaderValue, at: "65536"),
        .init("Via host with IPv6 and no brackets", SIPWire.request().replacingOccurrences(of: "192.168.1.50:5060;branch", with: "2001:db8::5;branch"),
              .malformedHeaderValue, at: "db8::5"),
        .init("empty Via", SIPWire.request().replacingOccurrences(of: "Via: SIP/2.0/UDP 192.168.1.50:5060;branch=z9hG4bK1f0a6c2e;rport", with: "Via:"),
              .malformedHeaderValue, at: "Via:", 4),
        .init("Via branch with '=' and no value", SIPWire.request().replacingOccurrences(of: "branch=z9hG4bK1f0a6c2e", with: "branch="),
              .malformedHeaderValue, at: "branch=", 7),
        .init("malformed Via in a response", SIPWire.response().replacingOccurrences(of: "SIP/2.0/UDP 192.168.1.50:5060", with: "SIP/2.0/UDP :5060"),
              .malformedHeaderValue, at: ":5060", request: false),
        // invalidContentLength
        .init("Content-Length not a number", SIPWire.request().replacingOccurrences(of: "Content-Length: 0", with: "Content-Length: zero"),
              .invalidContentLength, at: "zero"),
        .init("negative Content-Length", SIPWire.request().replacingOccurrences(of: "Content-Length: 0", with: "Content-Length: -1"),
              .invalidContentLength, at: "-1"),
        .init("Content-Length of 2^31", SIPWire.request().replacingOccurrences(of: "Content-Length: 0", with: "Content-Length: 2147483648"),
              .invalidContentLength, at: "2147483648"),
        .init("Content-Length with 25 digits", SIPWire.request().replacingOccurrences(of: "Content-Length: 0", with: "Content-Length: 9999999999999999999999999"),
              .invalidContentLength, at: "9999999999999999999999999"),
        .init("empty Content-Length", SIPWire.request().replacingOccurrences(of: "Content-Length: 0", with: "Content-Length:"),
              .invalidContentLength, at: "Content-Length:", 15),
        .init("compact l with two numbers", SIPWire.request(extra: ["l: 1 0"]), .invalidContentLength, at: "1 0"),
        .init("Content-Length with a sign", SIPWire.request().replacingOccurrences(of: "Content-Length: 0", with: "Content-Length: +0"),
              .invalidContentLength, at: "+0"),
        .init("invalid Content-Length in a response", SIPWire.response().replacingOccurrences(of: "Content-Length: 0", with: "Content-Length: 0x10"),
              .invalidContentLength, at: "0x10", request: false),
        // truncatedBody
        .init("body shorter than Content-Length",
              SIPWire.request(method: "MESSAGE", extra: ["Content-Type: text/plain"], body: "Door").replacingOccurrences(of: "Content-Length: 4", with: "Content-Length: 40"),
              .truncatedBody, at: "\r\n\r\nDoor", 4),
        .init("response body shorter than Content-Length",
              SIPWire.response().replacingOccurrences(of: "Content-Length: 0", with: "Content-Length: 1"),
              .truncatedBody, at: "\r\n\r\n", 4, request: false),
        // invalidCSeq
        .init("CSeq without a number", SIPWire.request().replacingOccurrences(of: "CSeq: 102 OPTIONS", with: "CSeq: OPTIONS"),
              .invalidCSeq, at: "CSeq: ", 6),
        .init("CSeq without white space", SIPWire.request().replacingOccurrences(of: "CSeq: 102 OPTIONS", with: "CSeq: 102OPTIONS"),
              .invalidCSeq, at: "OPTIONS\r"),
        .init("CSeq of 2^32", SIPWire.request().replacingOccurrences(of: "CSeq: 102 OPTIONS", with: "CSeq: 4294967296 OPTIONS"),
              .invalidCSeq, at: "4294967296"),
        .init("CSeq with two methods", SIPWire.request().replacingOccurrences(of: "CSeq: 102 OPTIONS", with: "CSeq: 102 OPTIONS INVITE"),
              .invalidCSeq, at: " INVITE"),
        .init("CSeq number alone", SIPWire.request().replacingOccurrences(of: "CSeq: 102 OPTIONS", with: "CSeq: 102"),
              .invalidCSeq, at: "CSeq: 102", 9),
        .init("negative CSeq", SIPWire.request().replacingOccurrences(of: "CSeq: 102 OPTIONS", with: "CSeq: -102 OPTIONS"),
              .invalidCSeq, at: "-102"),
        .init("CSeq method that is not a token", SIPWire.request().replacingOccurrences(of: "CSeq: 102 OPTIONS", with: "CSeq: 102 OPT/IONS"),
              .invalidCSeq, at: "/IONS"),
        .init("invalid CSeq in a response", SIPWire.response().replacingOccurrences(of: "CSeq: 102 OPTIONS", with: "CSeq: x OPTIONS"),
              .invalidCSeq, at: "x OPTIONS", request: false),
    ]

    @Test("every parse error: code, offset, isRequest and rejectStatus", arguments: errorCases)
    func parseError(_ test: ErrorCase) throws {
        let error = try #require(SIPWire.parseError(test.text), "\(test.name) parsed")
        #expect(error.code == test.code)
        if test.checksOffset { #expect(error.offset == test.expectedOffset) }
        #expect(error.isRequest == test.isRequest)
        #expect(error.rejectStatus == test.rejectStatus)
        #expect(error.description.hasPrefix("\(test.code) at byte \(error.offset): "))
        #expect(!error.detail.description.isEmpty)
    }

    @Test("characters a URI may not hold make the Request-URI malformed (at parse time or in validate())", arguments: [
        ("OPTIONS sip:\"door\"@pbx.example.com SIP/2.0", 12),
        ("OPTIONS sip:door@pbx.example.com;x=<y> SIP/2.0", 35),
        ("OPTIONS sip:door\u{7F}@pbx.example.com SIP/2.0", 16),
        ("OPTIONS sip:door\t@pbx.example.com SIP/2.0", 16),
    ])
    func badRequestURICharacters(startLine: String, offset: Int) throws {
        let text = SIPWire.request(startLine)
        let error: SIPParseError
        if let parseError = SIPWire.parseError(text) {
            error = parseError
        } else {
            let message = try SIPMessage(parsing: text)
            let caught = SIPWire.error { try message.validate() }
            error = try #require(caught)
        }
        #expect(error.code == .malformedRequestURI)
        #expect(error.offset == offset)
        #expect(error.rejectStatus == 400)
    }

    @Test("offsets count from the first readable byte of the buffer handed to the parser")
    func offsetsFromReaderIndex() throws {
        var buffer = ByteBuffer(string: "garbage before the datagram|")
        let prefix = buffer.readableBytes
        let text = SIPWire.request().replacingOccurrences(of: "CSeq: 102 OPTIONS", with: "CSeq: 102OPTIONS")
        buffer.writeString(text)
        buffer.moveReaderIndex(forwardBy: prefix)
        let errorCaught = SIPWire.error { try SIPMessage(parsing: buffer) }
        let error = try #require(errorCaught)
        #expect(error.code == .invalidCSeq)
        #expect(error.offset == SIPWire.offset(of: "OPTIONS\r", in: text))

        var good = ByteBuffer(string: "xxxx")
        good.writeString(SIPWire.request())
        good.moveReaderIndex(forwardBy: 4)
        let message = try SIPMessage(parsing: good)
        #expect(message.callID?.string == "5b8e2f31c7d94a06@192.168.1.50")
        #expect(message.bytes.readableBytes == SIPWire.request().utf8.count)
    }

    @Test("codes that only typed views, validation or the stream framer report")
    func otherCodes() throws {
        // valueOutOfRange: a number beyond its header's range.
        let text = SIPWire.request().replacingOccurrences(of: "Max-Forwards: 70", with: "Max-Forwards: 256")
        let message = try SIPMessage(parsing: text)
        let rangeCaught = SIPWire.error { try message.maxForwards() }
        let range = try #require(rangeCaught)
        #expect(range.code == .valueOutOfRange)
        #expect(range.offset == SIPWire.offset(of: "256", in: text))
        #expect(range.rejectStatus == 400)
        // unsupportedVersion: never thrown by parsing (SIP/3.0 parses; check(profile:) answers
        // 505), but its status is 505.
        let version = SIPParseError(.unsupportedVersion, at: 33, "not SIP/2.0", isRequest: true)
        #expect(version.rejectStatus == 505)
        #expect(SIPParseError(.unsupportedVersion, at: 0, "not SIP/2.0", isRequest: false).rejectStatus == nil)
        let sip3 = try SIPMessage(parsing: SIPWire.request("OPTIONS sip:1001@pbx.example.com SIP/3.0"))
        #expect(sip3.check(profile: .userAgent).rejectStatus == 505)
        // conflictingContentLength: only a stream cannot be framed.
        var framer = SIPStreamFramer()
        let conflicting = SIPWire.request(extra: ["l: 3"])
        let conflictCaught = SIPWire.error { try framer.nextFrame(in: ByteBuffer(string: conflicting)) }
        let conflict = try #require(conflictCaught)
        #expect(conflict.code == .conflictingContentLength)
        #expect(conflict.rejectStatus == 400)
    }

    @Test("rejectStatus by code and by request or response")
    func rejectStatusTable() {
        let codes: [SIPParseError.Code] = [
            .empty, .malformedRequestLine, .malformedStatusLine, .malformedVersion, .malformedRequestURI, .malformedHeaderLine,
            .malformedHeaderValue, .invalidContentLength, .truncatedBody, .headersTooLarge, .bodyTooLarge, .invalidCSeq,
            .conflictingContentLength, .unsupportedVersion, .malformedLineEnding, .valueOutOfRange,
        ]
        #expect(Set(codes).count == 16)
        for code in codes {
            let expected: Int
            switch code {
            case .headersTooLarge, .bodyTooLarge: expected = 513
            case .unsupportedVersion: expected = 505
            default: expected = 400
            }
            #expect(SIPParseError(code, at: 0, "test", isRequest: true).rejectStatus == expected, "\(code)")
            #expect(SIPParseError(code, at: 0, "test", isRequest: false).rejectStatus == nil, "\(code)")
            #expect(SIPParseError(code, at: 0, "test").rejectStatus == nil, "\(code)")
            #expect(!code.description.isEmpty)
        }
        // The request flag of a wrapped error wins over the one given.
        let wrapped = SIPParseError(SIPParseError(.invalidCSeq, at: 3, "x", isRequest: false), isRequest: true)
        #expect(wrapped.isRequest == false)
        #expect(SIPParseError(SIPParseError(.invalidCSeq, at: 3, "x"), isRequest: true).isRequest == true)
        #expect(SIPParseError(.invalidCSeq, at: 3, "x") == SIPParseError(.invalidCSeq, at: 3, "other words"))
        #expect(SIPParseError(.invalidCSeq, at: 3, "x") != SIPParseError(.invalidCSeq, at: 4, "x"))
    }

    // MARK: - Limits

    @Test("header section size limit: exactly at the limit and one byte over")
    func headerBytesLimit() throws {
        for text in [SIPWire.request(), SIPWire.response()] {
            let isRequest = !text.hasPrefix("SIP/")
            let size = SIPWire.offset(of: "\r\n\r\n", in: text) + 4
            let atLimit = try SIPMessage(parsing: text, limits: SIPParserLimits(maxHeaderBytes: size))
            #expect(atLimit.contentLength == 0)
            let error = try #require(SIPWire.parseError(text, limits: SIPParserLimits(maxHeaderBytes: size - 1)))
            #expect(error.code == .headersTooLarge)
            #expect(error.offset == size - 2)
            #expect(error.isRequest == isRequest)
            #expect(error.rejectStatus == (isRequest ? 513 : nil))
            // Leading CRLFs do not count.
            _ = try SIPMessage(parsing: "\r\n\r\n" + text, limits: SIPParserLimits(maxHeaderBytes: size))
        }
    }

    @Test("a header section far over the limit fails at the first line past it")
    func headerBytesLimitEarly() throws {
        var extra: [String] = []
        for index in 0..<20 { extra.append("X-Padding-\(index): \(String(repeating: "p", count: 60))") }
        let text = SIPWire.request(extra: extra)
        let error = try #require(SIPWire.parseError(text, limits: SIPParserLimits(maxHeaderBytes: 512)))
        #expect(error.code == .headersTooLarge)
        #expect(error.rejectStatus == 513)
        // The failing line is the first one whose line feed lies at or beyond byte 512.
        let lineStart = text.utf8.prefix(512).lastIndex(of: 0x0A).map { text.utf8.distance(from: text.utf8.startIndex, to: $0) + 1 }
        #expect(error.offset == lineStart)
        #expect(SIPWire.parseError(text) == nil)
    }

    @Test("a start line longer than the header limit")
    func startLineTooLong() throws {
        let longURI = "sip:" + String(repeating: "a", count: 200) + "@pbx.example.com"
        let text = SIPWire.request("OPTIONS \(longURI) SIP/2.0")
        let error = try #require(SIPWire.parseError(text, limits: SIPParserLimits(maxHeaderBytes: 128)))
        #expect(error.code == .headersTooLarge)
        #expect(error.offset == 0)
        #expect(error.isRequest == true)
        #expect(error.rejectStatus == 513)
        let response = try #require(SIPWire.parseError(SIPWire.response("SIP/2.0 200 " + String(repeating: "O", count: 200)), limits: SIPParserLimits(maxHeaderBytes: 128)))
        #expect(response.code == .headersTooLarge)
        #expect(response.rejectStatus == nil)
    }

    @Test("header count limit", arguments: [true, false])
    func headerCountLimit(request: Bool) throws {
        let text = request ? SIPWire.request() : SIPWire.response()
        let count = try SIPMessage(parsing: text).headerCount
        _ = try SIPMessage(parsing: text, limits: SIPParserLimits(maxHeaderCount: count))
        let error = try #require(SIPWire.parseError(text, limits: SIPParserLimits(maxHeaderCount: count - 1)))
        #expect(error.code == .headersTooLarge)
        #expect(error.offset == SIPWire.offset(of: "Content-Length: 0", in: text))
        #expect(error.isRequest == request)
        #expect(error.rejectStatus == (request ? 513 : nil))
        // Continuation lines are not header lines.
        let folded = text.replacingOccurrences(of: "Content-Length: 0", with: "Content-Length:\r\n 0")
        _ = try SIPMessage(parsing: folded, limits: SIPParserLimits(maxHeaderCount: count))
    }

    @Test("the default limits: 256 header lines pass, 257 do not")
    func defaultHeaderCount() throws {
        #expect(SIPParserLimits.default == SIPParserLimits(maxHeaderBytes: 16_384, maxHeaderCount: 256, maxBodyBytes: 65_536))
        var extra: [String] = []
        for index in 0..<(256 - 8) { extra.append("X-\(index): v") }
        let text = SIPWire.request(extra: extra)
        #expect(try SIPMessage(parsing: text).headerCount == 256)
        let error = try #require(SIPWire.parseError(SIPWire.request(extra: extra + ["X-One-Too-Many: v"])))
        #expect(error.code == .headersTooLarge)
        #expect(error.rejectStatus == 513)
    }

    @Test("body size limit", arguments: [true, false])
    func bodyLimit(request: Bool) throws {
        let body = "v=0\r\no=- 1 1 IN IP4 192.168.1.50\r\ns=-\r\n"
        let text = request
            ? SIPWire.request(method: "INVITE", extra: ["Content-Type: application/sdp"], body: body)
            : SIPWire.response(extra: ["Content-Type: application/sdp"], body: body)
        let bodyStart = SIPWire.offset(of: "\r\n\r\n", in: text) + 4
        _ = try SIPMessage(parsing: text, limits: SIPParserLimits(maxBodyBytes: body.utf8.count))
        let error = try #require(SIPWire.parseError(text, limits: SIPParserLimits(maxBodyBytes: body.utf8.count - 1)))
        #expect(error.code == .bodyTooLarge)
        #expect(error.offset == bodyStart)
        #expect(error.isRequest == request)
        #expect(error.rejectStatus == (request ? 513 : nil))
        // Without Content-Length the rest of the datagram is the body, and the limit holds too.
        let noLength = text.replacingOccurrences(of: "Content-Length: \(body.utf8.count)\r\n", with: "")
        let error2 = try #require(SIPWire.parseError(noLength, limits: SIPParserLimits(maxBodyBytes: 10)))
        #expect(error2.code == .bodyTooLarge)
        #expect(error2.rejectStatus == (request ? 513 : nil))
        // A truncated body is reported as truncated, even above the limit.
        let huge = text.replacingOccurrences(of: "Content-Length: \(body.utf8.count)", with: "Content-Length: 100000")
        #expect(SIPWire.parseError(huge)?.code == .truncatedBody)
    }
}
