import NIOCore
import SIPMessage
import Testing

/// `writeResponseHead(source:)` fills in `received` and `rport` on the top Via only
/// (RFC 3261 §18.2.1, RFC 3581 §4).
@Suite("Response Via: received and rport")
struct ResponseViaTests {
    static func request(via: String) -> String {
        "OPTIONS sip:door@192.0.2.10 SIP/2.0\r\nVia: \(via)\r\nVia: SIP/2.0/UDP 198.51.100.1;branch=z9hG4bKproxy\r\n"
            + "From: <sip:a@192.0.2.1>;tag=f1\r\nTo: <sip:door@192.0.2.10>\r\nCall-ID: v1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"
    }

    static func topVia(of via: String, source: (host: String, port: Int)?) throws -> String {
        let request = try SIPMessage(parsing: Self.request(via: via))
        var buffer = ByteBuffer()
        request.writeResponseHead(status: 200, reason: "OK", toTag: "t", source: source, into: &buffer)
        buffer.writeSIPEndOfHeaders()
        let response = try SIPMessage(parsing: buffer)
        #expect(response.viaCount == 2)
        #expect(try response.vias()[1].branch?.string == "z9hG4bKproxy")
        return try #require(response.values(.via).first).string
    }

    @Test("a bare rport gets the source port, and received the source address")
    func rport() throws {
        let via = try Self.topVia(of: "SIP/2.0/UDP 10.0.0.7:5060;branch=z9hG4bKnat;rport", source: ("203.0.113.9", 40123))
        #expect(via == "SIP/2.0/UDP 10.0.0.7:5060;branch=z9hG4bKnat;received=203.0.113.9;rport=40123")
    }

    @Test("without rport, received is added only when the sent-by host differs")
    func receivedOnly() throws {
        #expect(try Self.topVia(of: "SIP/2.0/UDP 10.0.0.7;branch=z9hG4bKa", source: ("203.0.113.9", 5060))
            == "SIP/2.0/UDP 10.0.0.7;branch=z9hG4bKa;received=203.0.113.9")
        #expect(try Self.topVia(of: "SIP/2.0/UDP 203.0.113.9:5060;branch=z9hG4bKa", source: ("203.0.113.9", 5060))
            == "SIP/2.0/UDP 203.0.113.9:5060;branch=z9hG4bKa")
        #expect(try Self.topVia(of: "SIP/2.0/UDP [2001:db8::9];branch=z9hG4bKa", source: ("2001:db8::9", 5060))
            == "SIP/2.0/UDP [2001:db8::9];branch=z9hG4bKa")
    }

    @Test("a stale received is replaced, an rport with a value is kept, other Via values on the line stay")
    func replaceAndKeep() throws {
        let via = try Self.topVia(of: "SIP/2.0/UDP 10.0.0.7;received=1.2.3.4;branch=z9hG4bKb;rport=99", source: ("203.0.113.9", 40123))
        #expect(via == "SIP/2.0/UDP 10.0.0.7;branch=z9hG4bKb;rport=99;received=203.0.113.9")
        let request = try SIPMessage(parsing: Self.request(via: "SIP/2.0/UDP 10.0.0.7;branch=z9hG4bKc;rport , SIP/2.0/TCP 198.51.100.2;branch=z9hG4bKd"))
        var buffer = ByteBuffer()
        request.writeResponseHead(status: 200, reason: "OK", source: ("203.0.113.9", 1), into: &buffer)
        buffer.writeSIPEndOfHeaders()
        let response = try SIPMessage(parsing: buffer)
        let vias = try response.vias()
        #expect(vias.count == 3)
        #expect(vias[0].received?.string == "203.0.113.9")
        #expect(vias[0].rport == 1)
        #expect(vias[1].branch?.string == "z9hG4bKd")
        #expect(vias[1].received == nil)
    }

    @Test("without a source the Via lines are copied byte for byte")
    func copied() throws {
        let via = "SIP/2.0/UDP 10.0.0.7:5060;branch=z9hG4bKnat;rport"
        #expect(try Self.topVia(of: via, source: nil) == via)
    }
}

@Suite("Writing numbers")
struct DecimalWritingTests {
    @Test("numbers are written as they are, negative ones too", arguments: [0, 7, 70, 3600, 65535, Int.max, -1, Int.min])
    func decimal(value: Int) throws {
        var buffer = ByteBuffer()
        buffer.writeSIPHeader(.expires, decimal: value)
        #expect(String(buffer: buffer) == "Expires: \(value)\r\n")
    }
}
