import Foundation
import Intercom
import NIOCore
import SIPMessage
import Testing

@Suite("Stateless responder")
struct StatelessResponderTests {
    static func request(_ method: String, extra: String = "", cseqMethod: String? = nil) -> String {
        "\(method) sip:door@192.0.2.10 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.20:5062;branch=z9hG4bK77ef;rport\r\n"
            + "From: <sip:flat3@192.0.2.1>;tag=abc\r\nTo: <sip:door@192.0.2.10>\r\nCall-ID: resp-1@192.0.2.20\r\n"
            + "CSeq: 7 \(cseqMethod ?? method)\r\nMax-Forwards: 70\r\n\(extra)Content-Length: 0\r\n\r\n"
    }

    static func respond(_ text: String) throws -> (StatelessResponder.Outcome, SIPMessage?) {
        var out = ByteBuffer()
        let outcome = StatelessResponder().respond(to: ByteBuffer(string: text), into: &out)
        if out.readableBytes == 0 { return (outcome, nil) }
        return (outcome, try SIPMessage(parsing: out))
    }

    @Test("OPTIONS gets 200 with Allow, Accept and Supported, and the request's headers copied")
    func options() throws {
        let (outcome, response) = try Self.respond(Self.request("OPTIONS"))
        #expect(outcome == .responded(status: 200))
        let message = try #require(response)
        #expect(message.statusCode == 200)
        #expect(message.topViaBranch?.string == "z9hG4bK77ef")
        #expect(message.callID?.string == "resp-1@192.0.2.20")
        #expect(message.cseqNumber == 7)
        #expect(message.fromTag?.string == "abc")
        #expect(message.toTag != nil)
        #expect(try message.allow().map(\.string).contains("INVITE"))
        #expect(try message.accept().first?.subtype.string == "sdp")
        #expect(message.firstValue(.supported) != nil)
        try message.validate()
    }

    @Test("each refusal carries its status and the header that goes with it", arguments: [
        ("REGISTER", "", 405, SIPHeaderName.allow),
        ("FOO", "", 501, SIPHeaderName.allow),
        ("OPTIONS", "Require: timer-x\r\n", 420, SIPHeaderName.unsupported),
    ])
    func refusals(method: String, extra: String, status: Int, header: SIPHeaderName) throws {
        let (outcome, response) = try Self.respond(Self.request(method, extra: extra))
        #expect(outcome == .responded(status: status))
        #expect(response?.statusCode == status)
        #expect(response?.firstValue(header) != nil)
    }

    @Test("INVITE gets 480 until calls exist; BYE without a dialog gets 481")
    func callsAndDialogs() throws {
        #expect(try Self.respond(Self.request("INVITE")).0 == .responded(status: 480))
        #expect(try Self.respond(Self.request("BYE")).0 == .responded(status: 481))
    }

    @Test("a malformed request gets 400; ACK, responses and garbage get nothing")
    func malformedAndIgnored() throws {
        let bad = Self.request("OPTIONS", extra: "Max-Forwards: x\r\n")
        #expect(try Self.respond(bad).0 == .responded(status: 400))
        if case .responded = try Self.respond(Self.request("ACK")).0 { Issue.record("ACK was answered") }
        if case .responded = try Self.respond("SIP/2.0 200 OK\r\n\r\n").0 { Issue.record("a response was answered") }
        if case .responded = try Self.respond("\u{0}\u{1}garbage").0 { Issue.record("garbage was answered") }
        // A version this stack does not speak.
        #expect(try Self.respond(Self.request("OPTIONS").replacingOccurrences(of: " SIP/2.0\r\nVia", with: " SIP/3.0\r\nVia")).0 == .responded(status: 505))
    }
}
