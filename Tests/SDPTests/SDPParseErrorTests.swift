import NIOCore
import SDP
import Testing

/// One malformed description: the lines, and the error code and line number expected.
struct SDPErrorCase: CustomTestStringConvertible, Sendable {
    let name: String
    let lines: [String]
    let code: SDPParseError.Code
    let line: Int

    var testDescription: String { name }

    static let head = ["v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=-", "c=IN IP4 192.0.2.1", "t=0 0"]

    /// A case whose lines follow a valid session head (so `line` counts from 6).
    static func afterHead(_ name: String, _ lines: [String], _ code: SDPParseError.Code, line: Int) -> SDPErrorCase {
        SDPErrorCase(name: name, lines: head + lines, code: code, line: line)
    }
}

@Suite("SDP: malformed descriptions give typed errors with the line")
struct SDPParseErrorTests {
    static let cases: [SDPErrorCase] = [
        SDPErrorCase(name: "empty", lines: [], code: .empty, line: 0),
        SDPErrorCase(name: "first line not v=", lines: ["o=- 1 1 IN IP4 192.0.2.1", "v=0"], code: .missingLine, line: 1),
        SDPErrorCase(name: "version 1", lines: ["v=1"], code: .unsupportedVersion, line: 1),
        SDPErrorCase(name: "no equals sign", lines: ["v=0", "o - 1 1 IN IP4 192.0.2.1"], code: .malformedLine, line: 2),
        SDPErrorCase(name: "uppercase type", lines: ["v=0", "O=- 1 1 IN IP4 192.0.2.1"], code: .malformedLine, line: 2),
        SDPErrorCase(name: "origin with five fields", lines: ["v=0", "o=- 1 1 IN IP4"], code: .malformedOrigin, line: 2),
        SDPErrorCase(name: "origin version not a number", lines: ["v=0", "o=- 1 x IN IP4 192.0.2.1"], code: .malformedOrigin, line: 2),
        SDPErrorCase(name: "origin id overflows", lines: ["v=0", "o=- 99999999999999999999999 1 IN IP4 192.0.2.1"], code: .malformedOrigin, line: 2),
        SDPErrorCase(name: "s= before o=", lines: ["v=0", "s=-", "c=IN IP4 192.0.2.1"], code: .misplacedLine, line: 3),
        SDPErrorCase(name: "no s=", lines: ["v=0", "o=- 1 1 IN IP4 192.0.2.1", "t=0 0"], code: .misplacedLine, line: 3),
        SDPErrorCase(name: "empty session name", lines: ["v=0", "o=- 1 1 IN IP4 192.0.2.1", "s="], code: .malformedLine, line: 3),
        SDPErrorCase(name: "no t=", lines: ["v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=-", "c=IN IP4 192.0.2.1"], code: .missingLine, line: 0),
        .afterHead("second v=", ["v=0"], .misplacedLine, line: 6),
        .afterHead("second o=", ["o=- 1 1 IN IP4 192.0.2.1"], .misplacedLine, line: 6),
        .afterHead("second session c=", ["c=IN IP4 192.0.2.2"], .misplacedLine, line: 6),
        .afterHead("unknown type letter", ["x=1"], .unknownLineType, line: 6),
        .afterHead("bad IPv4 in c=", ["m=audio 4000 RTP/AVP 0", "c=IN IP4 192.0.2.256"], .malformedConnection, line: 7),
        .afterHead("bad IPv6 in c=", ["m=audio 4000 RTP/AVP 0", "c=IN IP6 2001:db8:::1"], .malformedConnection, line: 7),
        .afterHead("c= with two fields", ["m=audio 4000 RTP/AVP 0", "c=IN IP4"], .malformedConnection, line: 7),
        .afterHead("bandwidth not a number", ["b=AS:x"], .malformedBandwidth, line: 6),
        .afterHead("bandwidth without colon", ["b=AS64"], .malformedBandwidth, line: 6),
        .afterHead("t= with one field", ["t=0"], .malformedTiming, line: 6),
        .afterHead("r= after m=", ["m=audio 4000 RTP/AVP 0", "r=7d 1h 0 25h"], .misplacedLine, line: 7),
        .afterHead("t= after m=", ["m=audio 4000 RTP/AVP 0", "t=0 0"], .misplacedLine, line: 7),
        .afterHead("m= without format", ["m=audio 4000 RTP/AVP"], .malformedMedia, line: 6),
        .afterHead("m= port too big", ["m=audio 70000 RTP/AVP 0"], .malformedMedia, line: 6),
        .afterHead("m= port count zero", ["m=audio 4000/0 RTP/AVP 0"], .malformedMedia, line: 6),
        .afterHead("m= RTP format not a payload type", ["m=audio 4000 RTP/AVP 200"], .malformedMedia, line: 6),
        .afterHead("rtpmap without rate", ["m=audio 4000 RTP/AVP 96", "a=rtpmap:96 opus"], .malformedAttribute, line: 7),
        .afterHead("rtpmap rate zero", ["m=audio 4000 RTP/AVP 96", "a=rtpmap:96 opus/0/2"], .malformedAttribute, line: 7),
        .afterHead("rtpmap type 128", ["m=audio 4000 RTP/AVP 96", "a=rtpmap:128 opus/48000/2"], .malformedAttribute, line: 7),
        .afterHead("fmtp without value", ["m=audio 4000 RTP/AVP 96", "a=fmtp"], .malformedAttribute, line: 7),
        .afterHead("ptime not a number", ["m=audio 4000 RTP/AVP 0", "a=ptime:twenty"], .malformedAttribute, line: 7),
        .afterHead("ptime zero", ["m=audio 4000 RTP/AVP 0", "a=ptime:0"], .malformedAttribute, line: 7),
        .afterHead("rtcp port not a number", ["m=audio 4000 RTP/AVP 0", "a=rtcp:x"], .malformedAttribute, line: 7),
        .afterHead("rtcp with half an address", ["m=audio 4000 RTP/AVP 0", "a=rtcp:4001 IN IP4"], .malformedAttribute, line: 7),
        .afterHead("sendonly with a value", ["m=audio 4000 RTP/AVP 0", "a=sendonly:yes"], .malformedAttribute, line: 7),
        .afterHead("attribute name with a space", ["a=bad name"], .malformedAttribute, line: 6),
        SDPErrorCase(name: "media without any c=", lines: ["v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=-", "t=0 0", "m=audio 4000 RTP/AVP 0"], code: .missingLine, line: 5),
    ]

    @Test("each malformed description throws its code on its line", arguments: cases)
    func malformed(_ testCase: SDPErrorCase) {
        let text = SDPFixtures.sdp(testCase.lines)
        #expect {
            _ = try SessionDescription(parsing: text)
        } throws: { error in
            guard let error = error as? SDPParseError else { return false }
            return error.code == testCase.code && error.line == testCase.line
        }
    }

    @Test("the offset points into the offending line")
    func offsetInLine() throws {
        let text = SDPFixtures.sdp(["v=0", "o=- 1 x IN IP4 192.0.2.1"])
        do {
            _ = try SessionDescription(parsing: text)
            Issue.record("parsed")
        } catch {
            #expect(error.code == .malformedOrigin)
            #expect(error.offset == 5 + "o=- 1 ".utf8.count)
        }
    }

    @Test("a NUL byte or a bare CR inside a line is refused", arguments: ["s=a\u{0}b", "s=a\rb"])
    func forbiddenBytes(sessionLine: String) {
        let text = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\n\(sessionLine)\r\nt=0 0\r\n"
        #expect(throws: SDPParseError.self) { try SessionDescription(parsing: text) }
        #expect {
            _ = try SessionDescription(parsing: text)
        } throws: { ($0 as? SDPParseError)?.code == .invalidCharacter && ($0 as? SDPParseError)?.line == 3 }
    }

    @Test("limits: bytes, lines and media descriptions")
    func limits() {
        let many = SDPFixtures.sdp(SDPErrorCase.head + Array(repeating: "m=audio 0 RTP/AVP 0", count: 5))
        #expect {
            _ = try SessionDescription(parsing: many, limits: SDPParserLimits(maxMediaDescriptions: 4))
        } throws: { ($0 as? SDPParseError)?.code == .tooLarge && ($0 as? SDPParseError)?.line == 10 }
        #expect {
            _ = try SessionDescription(parsing: many, limits: SDPParserLimits(maxLines: 7))
        } throws: { ($0 as? SDPParseError)?.code == .tooLarge && ($0 as? SDPParseError)?.line == 8 }
        #expect {
            _ = try SessionDescription(parsing: many, limits: SDPParserLimits(maxBytes: 40))
        } throws: { ($0 as? SDPParseError)?.code == .tooLarge }
        #expect((try? SessionDescription(parsing: many)) != nil)
    }

    @Test("mutated descriptions either parse or throw, and what parses writes and re-parses equal")
    func mutations() {
        var generator = SplitMix64(seed: 0x5D9_2026)
        let seeds = [SDPFixtures.phoneOffer, SDPFixtures.audioVideoOffer, SDPFixtures.everyLineType].map { Array($0.utf8) }
        let alphabet = Array("=:/ \r\n\0\u{7F}0123456789aomcvtsbIP4P6.-".utf8) + [0xFF, 0xC3]
        var parsed = 0
        var refused = 0
        for round in 0..<3_000 {
            var bytes = seeds[round % seeds.count]
            for _ in 0..<(1 + Int(generator.next() % 4)) {
                let index = Int(generator.next() % UInt64(bytes.count))
                switch generator.next() % 4 {
                case 0: bytes[index] = alphabet[Int(generator.next() % UInt64(alphabet.count))]
                case 1: bytes.remove(at: index)
                case 2: bytes.insert(alphabet[Int(generator.next() % UInt64(alphabet.count))], at: index)
                default: bytes.removeSubrange(index..<min(bytes.count, index + Int(generator.next() % 40)))
                }
                if bytes.isEmpty { bytes = [0x76] }
            }
            do {
                let description = try SessionDescription(parsing: ByteBuffer(bytes: bytes))
                let again = try SessionDescription(parsing: description.text)
                #expect(again == description, "round \(round)")
                parsed += 1
            } catch {
                #expect(error.line >= 0 && error.offset >= 0 && error.offset <= bytes.count, "round \(round): \(error)")
                refused += 1
            }
        }
        #expect(parsed > 100 && refused > 100)
    }
}

/// A small deterministic generator (SplitMix64), so that mutation tests repeat exactly.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
