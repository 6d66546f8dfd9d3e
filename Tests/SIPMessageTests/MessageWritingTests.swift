import Foundation
import NIOCore
import SIPMessage
import Testing

@Suite("Writing messages into a ByteBuffer")
struct MessageWritingTests {
    /// The parts of a parsed message that writing must keep: start line, header names (ids,
    /// and the spelling of unknown ones), values and body.
    struct Shape: Equatable, CustomStringConvertible {
        let startLine: String
        let headers: [String]
        let body: [UInt8]
        init(_ message: SIPMessage) {
            startLine = message.startLine.string
            headers = message.headers.map { header in
                let name = header.name == .other ? "other(\(header.nameBytes.string.lowercased()))" : header.name.description
                return "\(name)=\(header.value.string)"
            }
            body = Array(message.body.bytes)
        }
        var description: String { ([startLine] + headers).joined(separator: "\n") + "\n[\(body.count) body bytes]" }
    }

    static let sdp = """
        v=0\r
        o=- 3927401865 2781954302 IN IP4 192.168.1.50\r
        s=-\r
        c=IN IP4 192.168.1.50\r
        t=0 0\r
        m=audio 10034 RTP/AVP 111 0 8 101\r
        a=rtpmap:111 opus/48000/2\r
        a=rtpmap:101 telephone-event/8000\r
        a=fmtp:101 0-15\r
        a=sendrecv\r

        """

    // MARK: - The writing API

    @Test("an OPTIONS written header by header, byte for byte")
    func writeOptions() throws {
        var buffer = ByteBufferAllocator().buffer(capacity: 512)
        buffer.writeSIPRequestLine(method: .options, uri: "sip:pbx.example.com")
        buffer.writeSIPHeader(.via, "SIP/2.0/UDP 192.168.1.50:5060;branch=z9hG4bK776asdhds;rport")
        buffer.writeSIPHeader(.maxForwards, decimal: 70)
        buffer.writeSIPHeader(.from, "<sip:doorphone@pbx.example.com>;tag=1928301774")
        buffer.writeSIPHeader(.to, "<sip:pbx.example.com>")
        buffer.writeSIPHeader(.callID, "a84b4c76e66710@192.168.1.50")
        buffer.writeSIPHeader(.cseq, "63104 OPTIONS")
        buffer.writeSIPHeader(.accept, SIPBytes("application/sdp"))
        buffer.writeSIPHeader(name: "X-Door-Id", "front")
        buffer.writeSIPHeader(.userAgent, "baresip v3.10.1 (x86_64/linux)")
        buffer.writeSIPEndOfHeaders()
        let expected = SIPWire.message([
            "OPTIONS sip:pbx.example.com SIP/2.0",
            "Via: SIP/2.0/UDP 192.168.1.50:5060;branch=z9hG4bK776asdhds;rport",
            "Max-Forwards: 70",
            "From: <sip:doorphone@pbx.example.com>;tag=1928301774",
            "To: <sip:pbx.example.com>",
            "Call-ID: a84b4c76e66710@192.168.1.50",
            "CSeq: 63104 OPTIONS",
            "Accept: application/sdp",
            "X-Door-Id: front",
            "User-Agent: baresip v3.10.1 (x86_64/linux)",
            "Content-Length: 0",
        ])
        #expect(String(buffer: buffer) == expected)

        let message = try SIPMessage(parsing: buffer)
        #expect(message.method == .options)
        #expect(message.requestURI?.string == "sip:pbx.example.com")
        #expect(message.topViaBranch?.string == "z9hG4bK776asdhds")
        #expect(try message.maxForwards() == 70)
        #expect(message.fromTag?.string == "1928301774")
        #expect(message.toTag == nil)
        #expect(message.callID?.string == "a84b4c76e66710@192.168.1.50")
        #expect(message.cseqNumber == 63104)
        #expect(message.cseqMethod == .options)
        #expect(message.headers(named: "x-door-id").map(\.string) == ["front"])
        #expect(message.contentLength == 0)
        #expect(message.body.isEmpty)
        #expect(message.check(profile: .userAgent) == .accept)
        // The same bytes frame as one message on a stream.
        var framer = SIPStreamFramer()
        #expect(try framer.nextFrame(in: buffer) == .message(byteCount: buffer.readableBytes))
    }

    @Test("an INVITE with an SDP body from a String and from a ByteBuffer")
    func writeInviteWithBody() throws {
        for useBuffer in [false, true] {
            var buffer = ByteBufferAllocator().buffer(capacity: 1024)
            buffer.writeSIPRequestLine(method: .invite, uri: SIPBytes("sip:1001@192.168.1.10"))
            buffer.writeSIPHeader(.via, SIPBytes("SIP/2.0/UDP 192.168.1.50:5060;branch=z9hG4bK6b2e9f0a4c1d73e8;rport"))
            buffer.writeSIPHeader(.maxForwards, decimal: 70)
            buffer.writeSIPHeader(.from, "\"Front Door\" <sip:doorphone@192.168.1.10>;tag=4f7a2b9c1e3d5a60")
            buffer.writeSIPHeader(.to, "<sip:1001@192.168.1.10>")
            buffer.writeSIPHeader(.callID, "9d1f6b3e27c84a05")
            buffer.writeSIPHeader(.cseq, "21455 INVITE")
            buffer.writeSIPHeader(.contact, "<sip:doorphone-0ab3c4d5@192.168.1.50:5060;transport=udp>")
            buffer.writeSIPHeader(.allow, "INVITE,ACK,BYE,CANCEL,OPTIONS,NOTIFY,INFO,MESSAGE")
            if useBuffer {
                buffer.writeSIPBody(ByteBuffer(string: Self.sdp), contentType: "application/sdp")
            } else {
                buffer.writeSIPBody(Self.sdp, contentType: "application/sdp")
            }
            let text = String(buffer: buffer)
            #expect(text.hasSuffix("Content-Type: application/sdp\r\nContent-Length: \(Self.sdp.utf8.count)\r\n\r\n" + Self.sdp))
            let message = try SIPMessage(parsingFrame: buffer)
            #expect(message.body.string == Self.sdp)
            #expect(message.contentLength == Self.sdp.utf8.count)
            #expect(try message.contentType()?.matches(type: "application", subtype: "sdp") == true)
            #expect(message.check(profile: .userAgent) == .accept)
            #expect(message.bytes.readableBytes == buffer.readableBytes)
        }
    }

    @Test("a body without Content-Type; a UTF-8 body counts bytes, not characters")
    func writeBodyWithoutType() throws {
        let text = "Paket vor der Tür — danke! 📦"
        var buffer = ByteBufferAllocator().buffer(capacity: 256)
        buffer.writeSIPStatusLine(status: 200, reason: "OK")
        buffer.writeSIPHeader(.callID, "m4dLqK2v3J")
        buffer.writeSIPBody(text, contentType: nil)
        #expect(String(buffer: buffer) == "SIP/2.0 200 OK\r\nCall-ID: m4dLqK2v3J\r\nContent-Length: \(text.utf8.count)\r\n\r\n\(text)")
        let message = try SIPMessage(parsing: buffer)
        #expect(message.contentLength == text.utf8.count)
        #expect(message.contentLength != text.count)
        #expect(message.body.string == text)
        #expect(message.firstValue(.contentType) == nil)

        var empty = ByteBufferAllocator().buffer(capacity: 64)
        empty.writeSIPStatusLine(status: 200, reason: "OK")
        empty.writeSIPBody(ByteBuffer(), contentType: "application/sdp")
        #expect(String(buffer: empty) == "SIP/2.0 200 OK\r\nContent-Type: application/sdp\r\nContent-Length: 0\r\n\r\n")
    }

    @Test("status lines", arguments: [
        (100, "Trying"), (180, "Ringing"), (183, "Session Progress"), (200, "OK"), (202, "Accepted"), (401, "Unauthorized"),
        (486, "Busy Here"), (487, "Request Terminated"), (503, "Service Unavailable"), (603, "Decline"), (699, ""),
        (480, "Nicht erreichbar — später"),
    ])
    func statusLine(status: Int, reason: String) throws {
        var buffer = ByteBufferAllocator().buffer(capacity: 64)
        buffer.writeSIPStatusLine(status: status, reason: reason)
        #expect(String(buffer: buffer) == "SIP/2.0 \(status) \(reason)\r\n")
        buffer.writeSIPEndOfHeaders()
        let message = try SIPMessage(parsing: buffer)
        #expect(message.statusCode == status)
        #expect(message.reasonPhrase?.string == reason)
        #expect(message.isVersion2)
    }

    @Test("request lines for every known method and an extension method")
    func requestLines() throws {
        let methods: [SIPMethod] = [
            .invite, .ack, .bye, .cancel, .options, .register, .message, .info, .prack, .update, .subscribe, .notify, .refer, .publish,
            try #require(SIPMethod("X-DOORBELL")),
        ]
        for method in methods {
            var buffer = ByteBufferAllocator().buffer(capacity: 64)
            buffer.writeSIPRequestLine(method: method, uri: "sips:door@pbx.example.com:5061;transport=tls")
            #expect(String(buffer: buffer) == "\(method.name) sips:door@pbx.example.com:5061;transport=tls SIP/2.0\r\n")
            buffer.writeSIPHeader(.cseq, "1 \(method.name)")
            buffer.writeSIPEndOfHeaders()
            let message = try SIPMessage(parsing: buffer)
            #expect(message.method == method)
            #expect(message.cseqMethod == method)
        }
    }

    @Test("decimal header values", arguments: [
        (0, "0"), (7, "7"), (10, "10"), (70, "70"), (255, "255"), (3600, "3600"), (65535, "65535"), (4_294_967_295, "4294967295"),
        (Int.max, "9223372036854775807"),
    ])
    func decimalValues(value: Int, text: String) throws {
        var buffer = ByteBufferAllocator().buffer(capacity: 64)
        buffer.writeSIPHeader(.expires, decimal: value)
        #expect(String(buffer: buffer) == "Expires: \(text)\r\n")
    }

    @Test("every known header name is written in its canonical spelling and parses back to its id")
    func canonicalNames() throws {
        // Values that the headers decoded at parse time accept.
        let decoded: [SIPHeaderName: String] = [
            .via: "SIP/2.0/UDP 192.168.1.50:5060;branch=z9hG4bK9c1", .from: "<sip:doorphone@pbx.example.com>;tag=1",
            .to: "<sip:1001@pbx.example.com>", .callID: "value-10", .cseq: "1 OPTIONS", .contentLength: "0",
        ]
        var buffer = ByteBufferAllocator().buffer(capacity: 4096)
        buffer.writeSIPRequestLine(method: .options, uri: "sip:pbx.example.com")
        var names: [SIPHeaderName] = []
        for raw in UInt8(1)...UInt8(67) {
            let name = SIPHeaderName(rawValue: raw)
            names.append(name)
            buffer.writeSIPHeader(name: "X-Before-\(raw)", "x")
            buffer.writeSIPHeader(name, decoded[name] ?? "value-\(raw)")
        }
        buffer.writeString("\r\n")
        let text = String(buffer: buffer)
        let message = try SIPMessage(parsing: buffer)
        #expect(message.headerCount == 2 * 67)
        #expect(message.count(of: .other) == 67)
        for name in names {
            let value = decoded[name] ?? "value-\(name.rawValue)"
            #expect(text.contains("\r\n\(name.canonicalName): \(value)\r\n"), "\(name)")
            #expect(message.values(name).map(\.string) == [value], "\(name)")
            #expect(message.header(at: 2 * Int(name.rawValue) - 1)?.nameBytes.string == name.canonicalName.description)
        }
    }

    // MARK: - Responses to a request

    /// A request routed through two proxies and an SBC, using compact forms and a comma list.
    static let routedInvite = SIPWire.message([
        "INVITE sip:doorphone-0ab3c4d5@192.168.1.50:5060;transport=udp SIP/2.0",
        "v: SIP/2.0/UDP 192.168.1.1:5060;branch=z9hG4bK-sbc-3a91f0c2e47d;rport",
        "Via: SIP/2.0/UDP 10.0.0.1:5060;received=10.0.0.1;rport=5060;branch=z9hG4bK7a3f.5c2e1d0b.0, SIP/2.0/UDP 203.0.113.10:5060;branch=z9hG4bK7a3f.0f1e2d3c.0",
        "Max-Forwards: 67",
        "f: \"Indoor Monitor 2\" <sip:monitor2@sip.example.com>;tag=a73kszlfl",
        "t: <sip:doorphone@sip.example.com>",
        "Record-Route: <sip:10.0.0.1;lr>",
        "i: 1g8j2y4q0xkvr6n3@10.20.30.40",
        "CSeq:   102   INVITE",
        "VIA: SIP/2.0/TCP 10.20.30.40:51034;received=198.51.100.7;rport=51034;branch=z9hG4bKjwvmxyb4;alias",
        "m: <sip:monitor2@198.51.100.7:51034;transport=tcp;ob>",
        "Content-Length: 0",
    ])

    struct HeadCase: Sendable, CustomTestStringConvertible {
        let status: Int
        let reason: String
        let toTag: String?
        let requestTo: String
        let responseTo: String
        var testDescription: String { "\(status) \(reason), tag \(toTag ?? "nil"), To \(requestTo)" }
    }

    static let headCases: [HeadCase] = [
        .init(status: 100, reason: "Trying", toTag: "as83kd9bs", requestTo: "<sip:doorphone@sip.example.com>",
              responseTo: "<sip:doorphone@sip.example.com>"),
        .init(status: 180, reason: "Ringing", toTag: "as83kd9bs", requestTo: "<sip:doorphone@sip.example.com>",
              responseTo: "<sip:doorphone@sip.example.com>;tag=as83kd9bs"),
        .init(status: 200, reason: "OK", toTag: "4f7a2b9c1e3d5a60", requestTo: "\"Door\" <sip:doorphone@sip.example.com>;user=x",
              responseTo: "\"Door\" <sip:doorphone@sip.example.com>;user=x;tag=4f7a2b9c1e3d5a60"),
        .init(status: 200, reason: "OK", toTag: "new", requestTo: "<sip:doorphone@sip.example.com>;tag=existing",
              responseTo: "<sip:doorphone@sip.example.com>;tag=existing"),
        .init(status: 486, reason: "Busy Here", toTag: nil, requestTo: "<sip:doorphone@sip.example.com>",
              responseTo: "<sip:doorphone@sip.example.com>"),
        .init(status: 603, reason: "Decline", toTag: "x9", requestTo: "sip:doorphone@sip.example.com",
              responseTo: "sip:doorphone@sip.example.com;tag=x9"),
        .init(status: 101, reason: "Dialog Establishment", toTag: "t101", requestTo: "<sip:doorphone@sip.example.com>",
              responseTo: "<sip:doorphone@sip.example.com>;tag=t101"),
    ]

    @Test("writeResponseHead copies Via, From, To, Call-ID and CSeq and tags To", arguments: headCases)
    func responseHead(_ test: HeadCase) throws {
        let requestText = Self.routedInvite.replacingOccurrences(of: "t: <sip:doorphone@sip.example.com>", with: "t: \(test.requestTo)")
        let request = try SIPMessage(parsing: requestText)
        var buffer = ByteBufferAllocator().buffer(capacity: 1024)
        request.writeResponseHead(status: test.status, reason: test.reason, toTag: test.toTag, into: &buffer)
        buffer.writeSIPHeader(.server, "baresip v3.10.1 (x86_64/linux)")
        buffer.writeSIPEndOfHeaders()
        let response = try SIPMessage(parsing: buffer)

        #expect(response.statusCode == test.status)
        #expect(response.reasonPhrase?.string == test.reason)
        // Every Via line, in order, value for value.
        #expect(response.values(.via) == request.values(.via))
        #expect(response.values(.via).map(\.string) == [
            "SIP/2.0/UDP 192.168.1.1:5060;branch=z9hG4bK-sbc-3a91f0c2e47d;rport",
            "SIP/2.0/UDP 10.0.0.1:5060;received=10.0.0.1;rport=5060;branch=z9hG4bK7a3f.5c2e1d0b.0, SIP/2.0/UDP 203.0.113.10:5060;branch=z9hG4bK7a3f.0f1e2d3c.0",
            "SIP/2.0/TCP 10.20.30.40:51034;received=198.51.100.7;rport=51034;branch=z9hG4bKjwvmxyb4;alias",
        ])
        #expect(try response.vias().map(\.branch) == request.vias().map(\.branch))
        #expect(response.viaCount == 4)
        #expect(response.topViaBranch == request.topViaBranch)
        #expect(response.values(.from) == request.values(.from))
        #expect(response.fromTag?.string == "a73kszlfl")
        #expect(response.values(.callID) == request.values(.callID))
        #expect(response.values(.cseq).map(\.string) == ["102   INVITE"])
        #expect(response.cseqNumber == 102)
        #expect(response.cseqMethod == .invite)
        #expect(response.values(.to).map(\.string) == [test.responseTo])
        // Nothing else of the request is copied.
        #expect(response.count(of: .maxForwards) == 0)
        #expect(response.count(of: .contact) == 0)
        #expect(response.count(of: .recordRoute) == 0)
        #expect(response.server?.string == "baresip v3.10.1 (x86_64/linux)")
        #expect(response.headerCount == 3 + 4 + 2)
        try response.validate()
    }

    @Test("the head of a response, byte for byte")
    func responseHeadBytes() throws {
        let request = try SIPMessage(parsing: Self.routedInvite)
        var buffer = ByteBufferAllocator().buffer(capacity: 1024)
        request.writeResponseHead(status: 180, reason: "Ringing", toTag: "5f0b9d3c", into: &buffer)
        #expect(String(buffer: buffer) == [
            "SIP/2.0 180 Ringing",
            "Via: SIP/2.0/UDP 192.168.1.1:5060;branch=z9hG4bK-sbc-3a91f0c2e47d;rport",
            "Via: SIP/2.0/UDP 10.0.0.1:5060;received=10.0.0.1;rport=5060;branch=z9hG4bK7a3f.5c2e1d0b.0, SIP/2.0/UDP 203.0.113.10:5060;branch=z9hG4bK7a3f.0f1e2d3c.0",
            "From: \"Indoor Monitor 2\" <sip:monitor2@sip.example.com>;tag=a73kszlfl",
            "To: <sip:doorphone@sip.example.com>;tag=5f0b9d3c",
            "Call-ID: 1g8j2y4q0xkvr6n3@10.20.30.40",
            "CSeq: 102   INVITE",
            "Via: SIP/2.0/TCP 10.20.30.40:51034;received=198.51.100.7;rport=51034;branch=z9hG4bKjwvmxyb4;alias",
            "",
        ].joined(separator: "\r\n"))
    }

    @Test("a response to each corpus request matches it for the transaction layer")
    func responsesToCorpusRequests() throws {
        for file in try Fixtures.files(in: "corpus") {
            let request = try SIPMessage(parsing: ByteBuffer(bytes: try Fixtures.bytes("corpus/\(file)")))
            guard request.isRequest, request.method != .ack else { continue }
            var buffer = ByteBufferAllocator().buffer(capacity: 1024)
            request.writeResponseHead(status: 200, reason: "OK", toTag: "rsp-\(file.prefix(2))", into: &buffer)
            buffer.writeSIPEndOfHeaders()
            let response = try SIPMessage(parsing: buffer)
            #expect(response.callID == request.callID, "\(file)")
            #expect(response.cseqNumber == request.cseqNumber, "\(file)")
            #expect(response.cseqMethod == request.method, "\(file)")
            #expect(response.topViaBranch == request.topViaBranch, "\(file)")
            #expect(response.topViaSentBy == request.topViaSentBy, "\(file)")
            #expect(response.fromTag == request.fromTag, "\(file)")
            #expect(response.toTag?.string == (request.toTag?.string ?? "rsp-\(file.prefix(2))"), "\(file)")
            #expect(response.viaCount == request.viaCount, "\(file)")
            try response.validate()
        }
    }

    // MARK: - write(into:)

    static let roundTripMessages: [(String, String)] = [
        ("compact forms, folding, unknown headers and a body", SIPWire.message([
            "MESSAGE sip:doorphone@192.168.1.50:5060 SIP/2.0",
            "v: SIP/2.0/UDP 203.0.113.10:5060;branch=z9hG4bK4b8f.8a1c.0",
            "VIA: SIP/2.0/TLS 10.20.30.40:39872;received=198.51.100.7;rport=39872;branch=z9hG4bK.kT4h2pQ9z",
            "f: \"Alice \\\"A\\\" Liddell\" <sip:alice@sip.example.com>;tag=Nq3z8xTr",
            "t: <sip:doorphone@sip.example.com>",
            "CSeq: 20 MESSAGE",
            "i: m4dLqK2v3J",
            "Subject: Parcel",
            "\tat the door",
            "x-linphone-im-encryption: none",
            "P-Asserted-Identity: \"Alice\" <sip:alice@sip.example.com>",
            "Max-Forwards: 69",
            "c: text/plain;charset=UTF-8",
            "l: \("Bitte vor die Tür — danke".utf8.count)",
        ], body: "Bitte vor die Tür — danke")),
        ("a response with two challenges", SIPWire.message([
            "SIP/2.0 401 Unauthorized",
            "Via: SIP/2.0/UDP 192.168.1.50:5060;branch=z9hG4bK3f1c0a7e2b9d4c58;rport=5060;received=198.51.100.23",
            "From: <sip:doorphone@sip.example.com>;tag=b7c2e91f4a3d0586",
            "To: <sip:doorphone@sip.example.com>;tag=b27e1a1d33761e85846fc98f5f3a7e58.ad5d",
            "Call-ID: 3c1b8e5f0a9d2746",
            "CSeq: 42817 REGISTER",
            "WWW-Authenticate: Digest realm=\"sip.example.com\", nonce=\"Zl9kTmZf\", qop=\"auth\", algorithm=SHA-256",
            "WWW-Authenticate: Digest realm=\"sip.example.com\", nonce=\"Zl9kTmZf\", qop=\"auth\", algorithm=MD5",
            "Server: kamailio (5.7.4 (x86_64/linux))",
            "Content-Length: 0",
        ])),
        ("leading CRLF, empty values, bare LF", "\r\n" + SIPWire.message([
            "OPTIONS sip:doorphone@192.168.1.50 SIP/2.0",
            "Via: SIP/2.0/UDP 192.168.1.10:5060;rport;branch=z9hG4bKPj3e1a7c52",
            "From: <sip:doorphone@192.168.1.10>;tag=d2c84b1e",
            "To: <sip:doorphone@192.168.1.50>",
            "Call-ID: 6a0f3d2c-8e1b-4a79",
            "CSeq: 27961 OPTIONS",
            "Accept:",
            "Subject: ",
            "Content-Length: 0",
        ]).replacingOccurrences(of: "Accept:\r\n", with: "Accept:\n")),
        ("a datagram without Content-Length", SIPWire.message([
            "NOTIFY sip:doorphone@192.168.1.50:5060 SIP/2.0",
            "Via: SIP/2.0/UDP 192.168.1.10:5060;rport;branch=z9hG4bKPj7f2b9d41",
            "From: <sip:1001@192.168.1.10>;tag=e4b1c7a2",
            "To: <sip:doorphone@192.168.1.10>;tag=7d3c1b9e",
            "Call-ID: 0c6e2a9f4b8d1357",
            "CSeq: 40517 NOTIFY",
            "Event: dialog",
            "Subscription-State: active;expires=600",
            "Content-Type: application/dialog-info+xml",
        ], body: "<?xml version=\"1.0\"?>\r\n<dialog-info/>\r\n")),
    ]

    @Test("write(into:) then parse gives the same start line, headers and body", arguments: roundTripMessages)
    func roundTrip(name: String, text: String) throws {
        let original = try SIPMessage(parsing: text)
        var buffer = ByteBufferAllocator().buffer(capacity: 0)
        original.write(into: &buffer)
        let copy = try SIPMessage(parsing: buffer)
        #expect(Shape(copy) == Shape(original))
        #expect(copy.callID == original.callID)
        #expect(copy.cseqNumber == original.cseqNumber)
        #expect(copy.fromTag == original.fromTag)
        #expect(copy.toTag == original.toTag)
        #expect(copy.topViaBranch == original.topViaBranch)
        #expect(copy.contentLength == original.contentLength)
        // Known names are written in their canonical spelling, unknown ones as received.
        for (header, written) in zip(original.headers, copy.headers) where header.name != .other {
            #expect(written.nameBytes.string == header.name.canonicalName.description)
        }
        for (header, written) in zip(original.headers, copy.headers) where header.name == .other {
            #expect(written.nameBytes == header.nameBytes)
        }
        // Writing the copy again gives the same bytes.
        var again = ByteBufferAllocator().buffer(capacity: 0)
        copy.write(into: &again)
        #expect(again == buffer)
    }

    @Test("write(into:) of the corpus round-trips")
    func corpusRoundTrip() throws {
        for file in try Fixtures.files(in: "corpus") {
            let original = try SIPMessage(parsing: ByteBuffer(bytes: try Fixtures.bytes("corpus/\(file)")))
            var buffer = ByteBufferAllocator().buffer(capacity: 0)
            original.write(into: &buffer)
            let copy = try SIPMessage(parsingFrame: buffer)
            #expect(Shape(copy) == Shape(original), "\(file)")
            try copy.validate()
        }
    }

    @Test("write(into:) appends after what the buffer holds")
    func writeAppends() throws {
        let original = try SIPMessage(parsing: SIPWire.request())
        var buffer = ByteBuffer(string: "\r\n\r\n")
        original.write(into: &buffer)
        original.write(into: &buffer)
        var framer = SIPStreamFramer()
        #expect(try framer.nextFrame(in: buffer) == .keepAlive(byteCount: 4))
        buffer.moveReaderIndex(forwardBy: 4)
        guard case .message(let count) = try framer.nextFrame(in: buffer) else {
            Issue.record("no message")
            return
        }
        #expect(count * 2 == buffer.readableBytes)
        #expect(Shape(try SIPMessage(parsingFrame: buffer.getSlice(at: buffer.readerIndex, length: count)!)) == Shape(original))
    }

    // MARK: - Reuse

    @Test("a buffer reused with clear() builds message after message")
    func reusedBuffer() throws {
        var buffer = ByteBufferAllocator().buffer(capacity: 1024)
        var capacities: Set<Int> = []
        for index in 0..<50 {
            buffer.clear()
            let callID = "c\(index)-5b8e2f31c7d94a06@192.168.1.50"
            if index % 2 == 0 {
                buffer.writeSIPRequestLine(method: index % 4 == 0 ? .options : .message, uri: "sip:1001@pbx.example.com")
                buffer.writeSIPHeader(.via, "SIP/2.0/UDP 192.168.1.50:5060;branch=z9hG4bK\(index)x;rport")
                buffer.writeSIPHeader(.maxForwards, decimal: 70)
                buffer.writeSIPHeader(.from, "<sip:doorphone@pbx.example.com>;tag=f\(index)")
                buffer.writeSIPHeader(.to, "<sip:1001@pbx.example.com>")
                buffer.writeSIPHeader(.callID, callID)
                buffer.writeSIPHeader(.cseq, "\(index + 1) \(index % 4 == 0 ? "OPTIONS" : "MESSAGE")")
                if index % 4 == 0 {
                    buffer.writeSIPEndOfHeaders()
                } else {
                    buffer.writeSIPBody("Ring \(index)", contentType: "text/plain")
                }
            } else {
                buffer.writeSIPStatusLine(status: 200, reason: "OK")
                buffer.writeSIPHeader(.via, "SIP/2.0/UDP 192.168.1.50:5060;branch=z9hG4bK\(index)x;rport=5060")
                buffer.writeSIPHeader(.from, "<sip:doorphone@pbx.example.com>;tag=f\(index)")
                buffer.writeSIPHeader(.to, "<sip:1001@pbx.example.com>;tag=t\(index)")
                buffer.writeSIPHeader(.callID, callID)
                buffer.writeSIPHeader(.cseq, "\(index) OPTIONS")
                buffer.writeSIPEndOfHeaders()
            }
            let message = try SIPMessage(parsing: buffer)
            #expect(message.callID?.string == callID)
            #expect(message.topViaBranch?.string == "z9hG4bK\(index)x")
            #expect(message.isRequest == (index % 2 == 0))
            #expect(message.body.string == (index % 4 == 2 ? "Ring \(index)" : ""))
            #expect(message.bytes.readableBytes == buffer.readableBytes)
            #expect(message.check(profile: .userAgent) == .accept)
            capacities.insert(buffer.capacity)
        }
        #expect(capacities.count == 1)
    }
}
