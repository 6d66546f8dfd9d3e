import Foundation
import Intercom
import NIOCore
import SIPMessage
import Testing

@Suite("check-message report")
struct MessageReportTests {
    static let invite = """
        INVITE sip:door@192.0.2.10 SIP/2.0\r
        Via: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bKa1b2c3;rport\r
        Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKproxy1\r
        Max-Forwards: 69\r
        From: "Flat 3" <sip:flat3@192.0.2.1>;tag=9fxced76sl\r
        To: <sip:door@192.0.2.10>\r
        Call-ID: 3848276298220188511@192.0.2.20\r
        CSeq: 314159 INVITE\r
        Contact: <sip:flat3@192.0.2.20>\r
        Content-Type: application/sdp\r
        Content-Length: 4\r
        \r
        v=0\n
        """

    @Test("a valid request reports every field, keys in order")
    func validRequest() {
        let report = MessageReport(file: "a.sip", bytes: ByteBuffer(string: Self.invite))
        #expect(report.jsonLine == """
            {"file":"a.sip","valid":true,"error":null,"offset":null,"kind":"request","method":"INVITE","status":null,\
            "request_uri":"sip:door@192.0.2.10","call_id":"3848276298220188511@192.0.2.20","cseq":314159,\
            "cseq_method":"INVITE","via_branch":"z9hG4bKa1b2c3","via_count":2,"from_tag":"9fxced76sl","to_tag":null,\
            "content_length":4,"reject_status":null}
            """)
    }

    @Test("a response has a status and no reject status")
    func response() {
        let text = "SIP/2.0 180 Ringing\r\nVia: SIP/2.0/UDP 192.0.2.20;branch=z9hG4bKx\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>;tag=2\r\nCall-ID: c1\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n"
        let report = MessageReport(file: "r", bytes: ByteBuffer(string: text))
        #expect(report.valid)
        #expect(report.kind == "response")
        #expect(report.status == 180)
        #expect(report.method == nil)
        #expect(report.rejectStatus == nil)
        #expect(report.toTag == "2")
    }

    @Test("a parse error names the problem and its offset; a request gets 400")
    func parseError() {
        let text = "INVITE  sip:door@192.0.2.10 SIP/2.0\r\n\r\n"
        let report = MessageReport(file: "bad", bytes: ByteBuffer(string: text))
        #expect(!report.valid)
        #expect(report.offset == 7)
        #expect(report.kind == "request")
        #expect(report.rejectStatus == 400)
        #expect(report.error?.contains("request line") == true)
    }

    @Test("a grammar error found by validation keeps the routing fields")
    func validationError() {
        let text = Self.invite.replacingOccurrences(of: "Max-Forwards: 69", with: "Max-Forwards: 300")
        let report = MessageReport(file: "mf", bytes: ByteBuffer(string: text))
        #expect(!report.valid)
        #expect(report.rejectStatus == 400)
        #expect(report.callID == "3848276298220188511@192.0.2.20")
        #expect(report.offset == text.utf8.distance(from: text.utf8.startIndex, to: text.range(of: "300")!.lowerBound.samePosition(in: text.utf8)!))
    }

    @Test("a semantic refusal is valid with a reject status")
    func semanticRefusal() {
        let text = Self.invite.replacingOccurrences(of: "Contact: <sip:flat3@192.0.2.20>", with: "Require: 100rel, foo")
        let report = MessageReport(file: "req", bytes: ByteBuffer(string: text))
        #expect(report.valid)
        #expect(report.rejectStatus == 420)
    }

    @Test("JSON strings escape quotes, backslashes and control characters")
    func escaping() {
        #expect(JSONLine.quoted("a\"b\\c\nd\u{1}é") == "\"a\\\"b\\\\c\\nd\\u0001é\"")
        var line = JSONLine()
        line.add("s", "x")
        line.add("n", nil as Int?)
        line.add("b", false)
        #expect(line.line == "{\"s\":\"x\",\"n\":null,\"b\":false}")
    }
}
