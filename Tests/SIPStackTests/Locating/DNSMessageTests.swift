import NIOCore
@testable import SIPStack
import Testing

/// Decoding answers with libresolv's parser: records out of well-formed messages, and a clear
/// error (never a crash or a read past the end) for hostile ones.
@Suite("DNSResolver.records: SRV, A and AAAA out of DNS messages, malformed ones refused")
struct DNSMessageTests {
    /// A DNS message: header, one question, then the given answer and additional records.
    static func message(answers: [[UInt8]], additional: [[UInt8]] = [], question: String = "_sip._udp.pbx.test") -> [UInt8] {
        var bytes: [UInt8] = [0x12, 0x34, 0x85, 0x80, 0, 1]
        bytes += [0, UInt8(answers.count), 0, 0, 0, UInt8(additional.count)]
        bytes += name(question) + [0, 33, 0, 1]
        for record in answers + additional { bytes += record }
        return bytes
    }

    static func name(_ dotted: String) -> [UInt8] {
        dotted.split(separator: ".").flatMap { [UInt8($0.utf8.count)] + Array($0.utf8) } + [0]
    }

    static func record(owner: [UInt8], type: UInt16, ttl: UInt32 = 60, data: [UInt8]) -> [UInt8] {
        owner + [UInt8(type >> 8), UInt8(type & 0xFF), 0, 1]
            + [UInt8(ttl >> 24), UInt8(ttl >> 16 & 0xFF), UInt8(ttl >> 8 & 0xFF), UInt8(ttl & 0xFF)]
            + [UInt8(data.count >> 8), UInt8(data.count & 0xFF)] + data
    }

    /// SRV data: priority, weight, port, then the target.
    static func srv(_ priority: UInt16, _ weight: UInt16, _ port: UInt16, target: [UInt8]) -> [UInt8] {
        [UInt8(priority >> 8), UInt8(priority & 0xFF), UInt8(weight >> 8), UInt8(weight & 0xFF),
         UInt8(port >> 8), UInt8(port & 0xFF)] + target
    }

    /// A pointer to offset 12, the question's name.
    static let questionName: [UInt8] = [0xC0, 12]

    @Test("an SRV answer with a compressed owner and target, and the target's A and AAAA")
    func wellFormed() throws {
        let target = Self.name("kam.pbx.test")
        let answer = Self.record(owner: Self.questionName, type: 33, ttl: 300, data: Self.srv(10, 5, 5080, target: target))
        // The additional records point at the target inside the SRV data: offset 12 + question
        // (20 + 4) + owner (2) + type..rdlength (10) + 6.
        let targetOffset = UInt8(12 + 24 + 2 + 10 + 6)
        let a = Self.record(owner: [0xC0, targetOffset], type: 1, data: [127, 0, 0, 1])
        let aaaa = Self.record(owner: [0xC0, targetOffset], type: 28, data: Array(repeating: 0, count: 15) + [1])
        let message = Self.message(answers: [answer], additional: [a, aaaa])
        let answers = try DNSResolver.records(of: message, section: 1, name: "q")
        #expect(answers == [DNSRecord(name: "_sip._udp.pbx.test", ttl: 300, data: .service(SRVRecord(priority: 10, weight: 5, port: 5080, target: "kam.pbx.test")))])
        let additional = try DNSResolver.records(of: message, section: 3, name: "q")
        #expect(additional.map(\.name) == ["kam.pbx.test", "kam.pbx.test"])
        #expect(additional[0].socketAddress(port: 5080)?.ipAddress == "127.0.0.1")
        #expect(additional[1].socketAddress(port: 5080)?.ipAddress == "::1")
    }

    @Test("a root target (\".\") reads as no service")
    func rootTarget() throws {
        let message = Self.message(answers: [Self.record(owner: Self.questionName, type: 33, data: Self.srv(0, 0, 0, target: [0]))])
        let records = try DNSResolver.records(of: message, section: 1, name: "q")
        #expect(records.first?.data == .service(SRVRecord(priority: 0, weight: 0, port: 0, target: "")))
    }

    @Test("malformed messages and records are refused with an error", arguments: [
        ("truncated header", [0x12, 0x34, 0x85]),
        ("answer count beyond the data", message(answers: []) .enumerated().map { $0.offset == 7 ? 3 : $0.element }),
        ("compression loop in the target", message(answers: [record(owner: questionName, type: 33, data: srv(1, 1, 1, target: [0xC0, 54]))])),
        ("pointer past the end", message(answers: [record(owner: questionName, type: 33, data: srv(1, 1, 1, target: [0xC0, 0xFF]))])),
        ("SRV data too short", message(answers: [record(owner: questionName, type: 33, data: [0, 1, 0, 1])])),
        ("A of 5 bytes", message(answers: [record(owner: questionName, type: 1, data: [1, 2, 3, 4, 5])])),
        ("data length past the end", Array(message(answers: [record(owner: questionName, type: 1, data: [1, 2, 3, 4])]).dropLast(2))),
    ] as [(String, [UInt8])])
    func malformed(_ label: String, _ message: [UInt8]) {
        #expect(throws: DNSError.self, "\(label)") { _ = try DNSResolver.records(of: message, section: 1, name: "q") }
    }

    @Test("random bytes never crash the parser")
    func randomBytes() {
        var generator = RegistrationRandom(seed: 11)
        let base = Self.message(answers: [Self.record(owner: Self.questionName, type: 33, data: Self.srv(1, 2, 3, target: Self.name("a.b")))])
        for _ in 0..<5_000 {
            var bytes = base
            for _ in 0..<3 { bytes[Int(generator.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: generator.next()) }
            if generator.next() % 4 == 0 { bytes.removeLast(Int(generator.next() % 10)) }
            _ = try? DNSResolver.records(of: bytes, section: 1, name: "q")
            _ = try? DNSResolver.records(of: bytes, section: 3, name: "q")
        }
    }
}
