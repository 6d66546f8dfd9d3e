import Foundation
import NIOCore
import SIPMessage
import Testing

/// The 18 messages of `Fixtures/corpus`: one call, a registration with digest authentication,
/// OPTIONS, CANCEL, MESSAGE, NOTIFY, a compact multi-hop INVITE and a 200 OK through a carrier,
/// as Asterisk, Kamailio, FreeSWITCH, baresip and Linphone write them.
@Suite("Corpus messages")
struct CorpusTests {
    enum Kind: Sendable, Equatable {
        case request(SIPMethod, uri: String)
        case response(Int, reason: String)
    }

    struct Expected: Sendable, CustomTestStringConvertible {
        let file: String
        let kind: Kind
        let callID: String
        let cseq: UInt32
        let cseqMethod: SIPMethod
        let branch: String
        let sentBy: String
        var transport = "UDP"
        var viaCount = 1
        let fromTag: String
        let toTag: String?
        let contentLength: Int
        var headerCount: Int
        /// At a user agent (`.userAgent`) and at a registrar (`.registrar`).
        var atUserAgent: SIPDisposition = .accept
        var atRegistrar: SIPDisposition = .accept
        var testDescription: String { file }
    }

    static let ua405 = SIPDisposition.reject(SIPRejection(
        status: 405, reasonPhrase: "Method Not Allowed", allow: ["ACK", "BYE", "CANCEL", "INFO", "INVITE", "MESSAGE", "NOTIFY", "OPTIONS"]))

    static let callID = "9d1f6b3e27c84a05"
    static let doorTag = "4f7a2b9c1e3d5a60"
    static let pbxTag = "5f0b9d3c-7e2a-4c1f-8b6d-2a9e4f1c7d3b"
    static let registerCallID = "3c1b8e5f0a9d2746"
    static let registerFromTag = "b7c2e91f4a3d0586"
    static let registrarTag = "b27e1a1d33761e85846fc98f5f3a7e58.ad5d"

    static let expectations: [Expected] = [
        Expected(file: "01-invite-sdp.sip", kind: .request(.invite, uri: "sip:1001@192.168.1.10"), callID: callID, cseq: 21455,
                 cseqMethod: .invite, branch: "z9hG4bK6b2e9f0a4c1d73e8", sentBy: "192.168.1.50:5060", fromTag: doorTag, toTag: nil,
                 contentLength: 613, headerCount: 12),
        Expected(file: "02-100-trying.sip", kind: .response(100, reason: "Trying"), callID: callID, cseq: 21455, cseqMethod: .invite,
                 branch: "z9hG4bK6b2e9f0a4c1d73e8", sentBy: "192.168.1.50:5060", fromTag: doorTag, toTag: nil, contentLength: 0,
                 headerCount: 7),
        Expected(file: "03-180-ringing.sip", kind: .response(180, reason: "Ringing"), callID: callID, cseq: 21455, cseqMethod: .invite,
                 branch: "z9hG4bK6b2e9f0a4c1d73e8", sentBy: "192.168.1.50:5060", fromTag: doorTag, toTag: pbxTag, contentLength: 0,
                 headerCount: 9),
        Expected(file: "04-200-ok-sdp.sip", kind: .response(200, reason: "OK"), callID: callID, cseq: 21455, cseqMethod: .invite,
                 branch: "z9hG4bK6b2e9f0a4c1d73e8", sentBy: "192.168.1.50:5060", fromTag: doorTag, toTag: pbxTag, contentLength: 355,
                 headerCount: 11),
        Expected(file: "05-ack.sip", kind: .request(.ack, uri: "sip:192.168.1.10:5060"), callID: callID, cseq: 21455, cseqMethod: .ack,
                 branch: "z9hG4bK1a7c3e9f5b2d8a40", sentBy: "192.168.1.50:5060", fromTag: doorTag, toTag: pbxTag, contentLength: 0,
                 headerCount: 7),
        Expected(file: "06-bye.sip", kind: .request(.bye, uri: "sip:doorphone-0ab3c4d5@192.168.1.50:5060;transport=udp"), callID: callID,
                 cseq: 12874, cseqMethod: .bye, branch: "z9hG4bKPj0c2d4e6f-8a1b-4c3d-9e5f-7a6b8c9d0e1f", sentBy: "192.168.1.10:5060",
                 fromTag: pbxTag, toTag: doorTag, contentLength: 0, headerCount: 9),
        Expected(file: "07-200-ok-bye.sip", kind: .response(200, reason: "OK"), callID: callID, cseq: 12874, cseqMethod: .bye,
                 branch: "z9hG4bKPj0c2d4e6f-8a1b-4c3d-9e5f-7a6b8c9d0e1f", sentBy: "192.168.1.10:5060", fromTag: pbxTag, toTag: doorTag,
                 contentLength: 0, headerCount: 7),
        Expected(file: "08-register.sip", kind: .request(.register, uri: "sip:sip.example.com"), callID: registerCallID, cseq: 42817,
                 cseqMethod: .register, branch: "z9hG4bK3f1c0a7e2b9d4c58", sentBy: "192.168.1.50:5060", fromTag: registerFromTag,
                 toTag: nil, contentLength: 0, headerCount: 11, atUserAgent: ua405),
        Expected(file: "09-401-unauthorized.sip", kind: .response(401, reason: "Unauthorized"), callID: registerCallID, cseq: 42817,
                 cseqMethod: .register, branch: "z9hG4bK3f1c0a7e2b9d4c58", sentBy: "192.168.1.50:5060", fromTag: registerFromTag,
                 toTag: registrarTag, contentLength: 0, headerCount: 9),
        Expected(file: "10-register-auth.sip", kind: .request(.register, uri: "sip:sip.example.com"), callID: registerCallID, cseq: 42818,
                 cseqMethod: .register, branch: "z9hG4bK8e4b1d6a0c7f2e93", sentBy: "192.168.1.50:5060", fromTag: registerFromTag,
                 toTag: nil, contentLength: 0, headerCount: 12, atUserAgent: ua405),
        Expected(file: "11-200-ok-register.sip", kind: .response(200, reason: "OK"), callID: registerCallID, cseq: 42818,
                 cseqMethod: .register, branch: "z9hG4bK8e4b1d6a0c7f2e93", sentBy: "192.168.1.50:5060", fromTag: registerFromTag,
                 toTag: registrarTag, contentLength: 0, headerCount: 11),
        Expected(file: "12-options.sip", kind: .request(.options, uri: "sip:doorphone-0ab3c4d5@192.168.1.50:5060"),
                 callID: "6a0f3d2c-8e1b-4a79-b5c4-3d2e1f0a9b8c", cseq: 27961, cseqMethod: .options,
                 branch: "z9hG4bKPj3e1a7c52-9b4d-4f08-a6e2-7d5c1b9f3a08", sentBy: "192.168.1.10:5060",
                 fromTag: "d2c84b1e-5a3f-4e97-b0c6-8f1e2d3a4b5c", toTag: nil, contentLength: 0, headerCount: 9),
        Expected(file: "13-cancel.sip", kind: .request(.cancel, uri: "sip:1002@192.168.1.10"), callID: "2e8a5c1f7b3d9046", cseq: 21456,
                 cseqMethod: .cancel, branch: "z9hG4bK5d0f2a8c6e1b4937", sentBy: "192.168.1.50:5060", fromTag: "c91e5d3a7f0b2648",
                 toTag: nil, contentLength: 0, headerCount: 9),
        Expected(file: "14-487-request-terminated.sip", kind: .response(487, reason: "Request Terminated"), callID: "2e8a5c1f7b3d9046",
                 cseq: 21456, cseqMethod: .invite, branch: "z9hG4bK5d0f2a8c6e1b4937", sentBy: "192.168.1.50:5060",
                 fromTag: "c91e5d3a7f0b2648", toTag: "8a3f6c1d-2e9b-4d70-b5a8-c3e1f7d90b24", contentLength: 0, headerCount: 8),
        Expected(file: "15-message.sip", kind: .request(.message, uri: "sip:doorphone-0ab3c4d5@198.51.100.23:5060"), callID: "m4dLqK2v3J",
                 cseq: 20, cseqMethod: .message, branch: "z9hG4bK4b8f.8a1c1e9a1f0e0f4f2ab5c3d2e1f0a9b8.0", sentBy: "203.0.113.10:5060",
                 viaCount: 2, fromTag: "Nq3z8xTr", toTag: nil, contentLength: 49, headerCount: 12),
        Expected(file: "16-notify.sip", kind: .request(.notify, uri: "sip:doorphone-0ab3c4d5@192.168.1.50:5060"), callID: "0c6e2a9f4b8d1357",
                 cseq: 40517, cseqMethod: .notify, branch: "z9hG4bKPj7f2b9d41-c6e3-4a08-8d1f-5b3e2c9a7d60", sentBy: "192.168.1.10:5060",
                 fromTag: "e4b1c7a2-9d3f-4e58-a0b6-1c2d3e4f5a6b", toTag: "7d3c1b9e5a2f0864", contentLength: 253, headerCount: 13),
        Expected(file: "17-compact-multivia.sip", kind: .request(.invite, uri: "sip:doorphone-0ab3c4d5@192.168.1.50:5060;transport=udp"),
                 callID: "1g8j2y4q0xkvr6n3@10.20.30.40", cseq: 102, cseqMethod: .invite, branch: "z9hG4bK-sbc-3a91f0c2e47d",
                 sentBy: "192.168.1.1:5060", viaCount: 4, fromTag: "a73kszlfl", toTag: nil, contentLength: 311, headerCount: 15),
        Expected(file: "18-200-ok-record-route.sip", kind: .response(200, reason: "OK"), callID: "71b3e9d5c2a04f86", cseq: 31007,
                 cseqMethod: .invite, branch: "z9hG4bK0e7d5c3b1a9f8e62", sentBy: "192.168.1.50:5060", fromTag: "6e1f9a3c5b7d2084",
                 toTag: "QH4m1Fy7Z0XgK", contentLength: 263, headerCount: 22),
    ]

    static func load(_ file: String) throws -> (bytes: [UInt8], message: SIPMessage) {
        let bytes = try Fixtures.bytes("corpus/\(file)")
        return (bytes, try SIPMessage(parsing: ByteBuffer(bytes: bytes)))
    }

    @Test("the corpus holds exactly the 18 files listed")
    func corpusIsComplete() throws {
        #expect(try Fixtures.files(in: "corpus") == Self.expectations.map(\.file))
    }

    @Test("parses and validates with the expected routing fields", arguments: expectations)
    func corpusMessage(_ test: Expected) throws {
        let (bytes, message) = try Self.load(test.file)
        switch test.kind {
        case .request(let method, let uri):
            #expect(message.isRequest)
            #expect(message.method == method)
            #expect(message.requestURI?.string == uri)
            #expect(message.statusCode == nil)
        case .response(let status, let reason):
            #expect(!message.isRequest)
            #expect(message.statusCode == status)
            #expect(message.reasonPhrase?.string == reason)
            #expect(message.method == nil)
        }
        #expect(message.isVersion2)
        #expect(message.callID?.string == test.callID)
        #expect(message.cseqNumber == test.cseq)
        #expect(message.cseqMethod == test.cseqMethod)
        #expect(message.topViaBranch?.string == test.branch)
        #expect(message.topViaSentBy?.string == test.sentBy)
        #expect(message.topViaTransport?.string == test.transport)
        #expect(message.viaCount == test.viaCount)
        #expect(try message.topVia()?.hasRFC3261Branch == true)
        #expect(message.fromTag?.string == test.fromTag)
        #expect(message.toTag?.string == test.toTag)
        #expect(try message.from()?.tag?.string == test.fromTag)
        #expect(try message.to()?.tag?.string == test.toTag)
        #expect(message.contentLength == test.contentLength)
        #expect(message.body.count == test.contentLength)
        #expect(message.headerCount == test.headerCount)
        #expect(message.bytes.readableBytes == bytes.count)
        #expect(!message.hasConflictingContentLength)
        #expect(!message.headerSectionIsUnterminated)
        #expect(!message.usesBareLineFeeds)
        try message.validate()
        #expect(message.check(profile: .userAgent) == test.atUserAgent)
        #expect(message.check(profile: .registrar) == test.atRegistrar)

        // The body is the tail of the file.
        #expect(Array(message.body.bytes) == Array(bytes.suffix(test.contentLength)))
        // The same bytes as a stream frame.
        var framer = SIPStreamFramer()
        #expect(try framer.nextFrame(in: ByteBuffer(bytes: bytes)) == .message(byteCount: bytes.count))
        let frame = try SIPMessage(parsingFrame: ByteBuffer(bytes: bytes))
        #expect(frame.callID == message.callID)
        #expect(frame.body == message.body)
    }

    @Test("01: the INVITE's SDP offer and the door phone's headers")
    func invite() throws {
        let (_, message) = try Self.load("01-invite-sdp.sip")
        #expect(message.body.string.hasPrefix("v=0\r\no=- 3927401865 2781954302 IN IP4 192.168.1.50\r\n"))
        #expect(message.body.string.hasSuffix("a=label:2\r\na=rtcp-rsize\r\n"))
        #expect(try message.from()?.displayName == "Front Door")
        #expect(try message.contacts().first?.parsedURI().transport == "udp")
        #expect(try message.maxForwards() == 70)
        #expect(message.userAgent?.string == "baresip v3.10.1 (x86_64/linux)")
        #expect(try message.allow().count == 11)
        #expect(try message.supported().map(\.string) == ["replaces", "norefersub", "100rel"])
        #expect(try message.contentType()?.description == "application/sdp")
        let via = try #require(try message.topVia())
        #expect(via.hasRPort && via.rport == nil)
        #expect(via.port == 5060)
    }

    @Test("02-04: the PBX's provisional and final responses")
    func callResponses() throws {
        let (_, trying) = try Self.load("02-100-trying.sip")
        let via = try #require(try trying.topVia())
        #expect(via.rport == 5060)
        #expect(via.received?.string == "192.168.1.50")
        #expect(trying.server?.string == "Asterisk PBX 20.5.0")
        #expect(trying.firstValue(.contentLength)?.string == "0")
        let (_, ringing) = try Self.load("03-180-ringing.sip")
        #expect(try ringing.allow().map(\.string) == [
            "OPTIONS", "REGISTER", "SUBSCRIBE", "NOTIFY", "PUBLISH", "INVITE", "ACK", "BYE", "CANCEL", "UPDATE", "PRACK", "MESSAGE", "REFER",
        ])
        #expect(try ringing.contacts().first?.uri.string == "sip:192.168.1.10:5060")
        let (_, ok) = try Self.load("04-200-ok-sdp.sip")
        #expect(ok.firstValue(.contentLength)?.string == "355")
        #expect(try ok.supported().map(\.string) == ["100rel", "timer", "replaces", "norefersub"])
        #expect(ok.body.string.contains("s=Asterisk\r\n"))
    }

    @Test("06: BYE with a Q.850 Reason")
    func bye() throws {
        let (_, message) = try Self.load("06-bye.sip")
        let reason = try #require(try message.reasons().first)
        #expect(reason.token.string == "Q.850")
        #expect(reason.value("cause") == "16")
        #expect(reason.value("text") == "Normal Clearing")
        #expect(try message.to()?.displayName == "Front Door")
    }

    @Test("08-11: registration with digest authentication")
    func registration() throws {
        let (_, register) = try Self.load("08-register.sip")
        let contact = try #require(try register.contacts().first)
        #expect(contact.expires == 3600)
        #expect(contact.parameters.first(named: "+sip.instance")?.unquotedValue == "<urn:uuid:0f9c2a61-7b3d-4e18-9a25-c84d6e1f3b70>")
        #expect(contact.parameters.first(named: "reg-id")?.value?.string == "1")
        #expect(try register.supported().map(\.string) == ["outbound", "path", "gruu", "replaces"])

        let (_, challenge) = try Self.load("09-401-unauthorized.sip")
        let challenges = try challenge.wwwAuthenticate()
        #expect(challenges.count == 2)
        #expect(challenges.map(\.algorithm) == ["SHA-256", "MD5"])
        #expect(challenges.allSatisfy { $0.isDigest && $0.realm == "sip.example.com" && $0.qopOptions == ["auth"] })
        #expect(challenges.allSatisfy { $0.nonce == "Zl9kTmZfYmM3NmU0ZDJhYTE5OGE3ZjA0YzZlNWQxYjI5" })
        #expect(challenge.server?.string == "kamailio (5.7.4 (x86_64/linux))")

        let (_, credentials) = try Self.load("10-register-auth.sip")
        let authorization = try #require(try credentials.authorization().first)
        #expect(authorization.username == "doorphone")
        #expect(authorization.realm == "sip.example.com")
        #expect(authorization.nonce == "Zl9kTmZfYmM3NmU0ZDJhYTE5OGE3ZjA0YzZlNWQxYjI5")
        #expect(authorization.uri == "sip:sip.example.com")
        #expect(authorization.response == "6b1d3f0e9a47c2d58e1f0b3a7c6d9e2f4a8b1c0d3e5f7a9b2c4d6e8f0a1b3c5d")
        #expect(authorization.algorithm == "SHA-256")
        #expect(authorization.cnonce == "e3a9d07b5c1f2846")
        #expect(authorization.qop == "auth")
        #expect(authorization.nonceCount == 1)

        let (_, ok) = try Self.load("11-200-ok-register.sip")
        let binding = try #require(try ok.contacts().first)
        #expect(binding.expires == 3600)
        #expect(binding.parameters.first(named: "received")?.unquotedValue == "sip:198.51.100.23:5060")
        #expect(try ok.require().map(\.string) == ["outbound"])
        #expect(try ok.topVia()?.received?.string == "198.51.100.23")
        #expect(ok.firstValue(.date)?.string == "Tue, 04 Jun 2024 08:15:22 GMT")
    }

    @Test("13-14: CANCEL with a SIP Reason, and the 487 for the INVITE")
    func cancel() throws {
        let (_, cancel) = try Self.load("13-cancel.sip")
        let reason = try #require(try cancel.reasons().first)
        #expect(reason.token.string == "SIP")
        #expect(reason.value("cause") == "487")
        #expect(reason.value("text") == "Request Terminated")
        let (_, terminated) = try Self.load("14-487-request-terminated.sip")
        // The CANCEL and the 487 share the INVITE's branch and Call-ID, not its CSeq method.
        #expect(terminated.topViaBranch == cancel.topViaBranch)
        #expect(terminated.callID == cancel.callID)
        #expect(terminated.cseqNumber == cancel.cseqNumber)
        #expect(terminated.cseqMethod == .invite)
        #expect(cancel.cseqMethod == .cancel)
    }

    @Test("15: MESSAGE through a proxy, UTF-8 body")
    func message() throws {
        let (_, message) = try Self.load("15-message.sip")
        #expect(message.body.string == "Bitte das Paket vor der Tür abstellen – danke!")
        #expect(message.body.count == 49)
        #expect(try message.contentType()?.parameters.first(named: "charset")?.value?.string == "UTF-8")
        let vias = try message.vias()
        #expect(vias.map(\.transport.string) == ["UDP", "TLS"])
        #expect(vias[1].received?.string == "198.51.100.7")
        #expect(vias[1].rport == 39872)
        #expect(try message.maxForwards() == 69)
        #expect(message.userAgent?.string == "LinphoneAndroid/5.2.5 (Pixel 7) LinphoneSDK/5.3.47 (tags/5.3.47^0)")
        #expect(try message.from()?.displayName == "Alice")
    }

    @Test("16: NOTIFY for the dialog package")
    func notify() throws {
        let (_, message) = try Self.load("16-notify.sip")
        #expect(try message.event()?.token.string == "dialog")
        #expect(try message.subscriptionState()?.token.string == "active")
        #expect(try message.subscriptionState()?.value("expires") == "600")
        #expect(try message.tokens(.allowEvents).map(\.string) == ["presence", "dialog", "message-summary", "refer"])
        #expect(try message.contentType()?.subtype.string == "dialog-info+xml")
        #expect(message.body.string.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<dialog-info"))
        #expect(message.body.string.hasSuffix("</dialog-info>\r\n"))
    }

    @Test("17: compact forms and four Vias")
    func compactMultiVia() throws {
        let (_, message) = try Self.load("17-compact-multivia.sip")
        let vias = try message.vias()
        #expect(vias.map(\.host.string) == ["192.168.1.1", "10.0.0.1", "203.0.113.10", "10.20.30.40"])
        #expect(vias.map(\.transport.string) == ["UDP", "UDP", "UDP", "TCP"])
        #expect(vias.map(\.rport) == [nil, 5060, 5060, 51034])
        #expect(vias.map { $0.received?.string } == [nil, "10.0.0.1", "203.0.113.10", "198.51.100.7"])
        #expect(vias[3].parameters.last?.name.string == "alias")
        #expect(message.header(at: 0)?.nameBytes.string == "v")
        #expect(message.count(of: .via) == 4)
        #expect(try message.maxForwards() == 67)
        #expect(try message.from()?.displayName == "Indoor Monitor 2")
        #expect(try message.supported().map(\.string) == ["replaces", "outbound", "timer"])
        #expect(try message.tokens(.allowEvents).map(\.string) == ["talk", "hold", "refer"])
        #expect(try message.contacts().first?.parsedURI().parameter("ob") != nil)
        #expect(try message.contentType()?.description == "application/sdp")
        #expect(message.firstValue(.contentLength)?.string == "311")
    }

    @Test("18: a 200 OK through a carrier: six Record-Route entries")
    func recordRoute() throws {
        let (_, message) = try Self.load("18-200-ok-record-route.sip")
        let routes = try message.recordRoutes()
        #expect(routes.count == 6)
        #expect(message.count(of: .recordRoute) == 5)
        let uris = try routes.map { try $0.parsedURI() }
        #expect(uris.map(\.host.string) == ["sbc-fra1.carrier.example.net", "198.18.7.2", "198.18.7.1", "10.0.0.1", "203.0.113.10", "203.0.113.10"])
        #expect(uris.allSatisfy { $0.isLooseRouter })
        #expect(uris.map(\.transport) == [nil, "udp", "tcp", nil, "tcp", nil])
        #expect(uris[0].parameter("did")?.string == "29c.5e1a")
        #expect(uris[3].parameter("lr")?.string == "on")
        let to = try #require(try message.to())
        #expect(try to.parsedURI().parameter("user")?.string == "phone")
        #expect(try message.require().map(\.string) == ["timer"])
        #expect(message.firstValue(.sessionExpires)?.string == "1800;refresher=uac")
        #expect(message.firstValue(.pAssertedIdentity)?.string == "\"Parcel Service\" <sip:+4930123456@carrier.example.net;user=phone>")
        #expect(message.firstValue(.contentDisposition)?.string == "session")
        #expect(try message.accept().map(\.description) == ["application/sdp"])
        #expect(message.userAgent?.string == "FreeSWITCH-mod_sofia/1.10.11-release~64bit")
    }
}
