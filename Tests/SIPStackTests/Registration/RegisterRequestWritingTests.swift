import NIOCore
import SIPMessage
import SIPStack
import Testing

@Suite("REGISTER writing (RFC 3261 §10.2, RFC 5626 §4.2)")
struct RegisterRequestWritingTests {
    typealias F = RegistrationFixtures

    @Test("The REGISTER parses back with every header §10.2 asks for")
    func basicRegister() throws {
        let request = RegisterRequest(cseq: 7, expires: 600, callID: "abc@host", fromTag: "ft1", branch: "z9hG4bK-x-7")
        let message = try request.message(for: F.configuration(credentials: false))
        #expect(message.method == .register)
        #expect(message.requestURI?.string == F.registrar)
        #expect(message.topViaBranch?.string == "z9hG4bK-x-7")
        #expect(try message.vias().first?.parameters.first(named: "rport") != nil)
        #expect(try message.maxForwards() == 70)
        #expect(try message.from()?.uri.string == F.aor)
        #expect(message.fromTag?.string == "ft1")
        #expect(try message.to()?.uri.string == F.aor)
        #expect(message.toTag == nil)
        #expect(message.callID?.string == "abc@host")
        #expect(message.cseqNumber == 7)
        #expect(message.cseqMethod == .register)
        let contacts = try message.contacts()
        #expect(contacts.count == 1)
        #expect(contacts.first?.uri.string == F.contact)
        #expect(contacts.first?.expires == 600)
        #expect(try message.expires() == 600)
        #expect(message.userAgent?.string == "SwiftSIP-test")
        #expect(message.count(of: .route) == 0)
        #expect(message.count(of: .authorization) == 0)
        #expect(message.contentLength == 0)
        try message.validate()
    }

    @Test("Outbound: +sip.instance, reg-id and a Route to the outbound proxy")
    func outbound() throws {
        let configuration = F.configuration(
            instanceID: "\"<urn:uuid:00000000-0000-1000-8000-000A95A0E128>\"", regID: 1,
            outboundProxy: "sip:proxy.example.com;lr")
        let request = RegisterRequest(cseq: 1, expires: 0, callID: "c", fromTag: "t", branch: "z9hG4bK1")
        let message = try request.message(for: configuration)
        let contact = try #require(try message.contacts().first)
        #expect(contact.expires == 0)
        #expect(contact.parameters.first(named: "+sip.instance")?.unquotedValue
            == "<urn:uuid:00000000-0000-1000-8000-000A95A0E128>")
        #expect(contact.parameters.first(named: "reg-id")?.value?.string == "1")
        #expect(try message.routes().first?.uri.string == "sip:proxy.example.com;lr")
        #expect(try message.expires() == 0)
    }

    @Test("Authorization headers from DigestClient are written and verify")
    func authorization() throws {
        var challenger = try F.challenger()
        var client = DigestClient(credentials: DigestCredentials(username: "door", password: F.password))
        let first = try RegisterRequest(cseq: 1, expires: 60, callID: "c", fromTag: "t", branch: "z9hG4bK1")
            .message(for: F.configuration())
        let challenge = try F.challenge(to: first, from: challenger)
        let authorizations = try client.authorizations(answering: challenge, to: first)
        let second = try RegisterRequest(
            cseq: 2, expires: 60, callID: "c", fromTag: "t", branch: "z9hG4bK2", authorizations: authorizations
        ).message(for: F.configuration())
        #expect(second.count(of: .authorization) == 1)
        #expect(challenger.verify(request: second, now: F.now) { $0 == "door" ? F.password : nil }
            == .accepted(username: "door"))
    }

    @Test("A configuration that cannot make a valid REGISTER throws instead of trapping")
    func invalidConfiguration() {
        let request = RegisterRequest(cseq: 1, expires: 60, callID: "c", fromTag: "t", branch: "z9hG4bK1")
        #expect(throws: SIPParseError.self) {
            try request.message(for: F.configuration(aor: "sip:door@pbx\r\nX: y"))
        }
        #expect(throws: SIPParseError.self) {
            try request.message(for: F.configuration(aor: "not a uri"))
        }
    }
}
