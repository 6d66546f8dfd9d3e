import NIOCore
import SIPMessage
import Testing

/// Disagreements the fuzzer found, kept as regression tests.
@Suite("Fuzzer findings")
struct FuzzFindingTests {
    @Test("a repeated branch or tag: the first one counts, for the pre-parsed fields and the views alike")
    func repeatedParameters() throws {
        let text = "OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKa;branch=z9hG4bKb\r\n"
            + "From: <sip:x@y>;tag=1;tag=2\r\nTo: <sip:a@b>;tag=3;TAG=4\r\nCall-ID: r\r\nCSeq: 1 OPTIONS\r\n\r\n"
        let message = try SIPMessage(parsing: text)
        #expect(message.topViaBranch?.string == "z9hG4bKa")
        #expect(try message.vias().first?.branch?.string == "z9hG4bKa")
        #expect(message.fromTag?.string == "1")
        #expect(try message.from()?.tag?.string == "1")
        #expect(message.toTag?.string == "3")
        #expect(try message.to()?.tag?.string == "3")
        // A valueless first occurrence counts too.
        let valueless = try SIPMessage(parsing: "SIP/2.0 401 X\r\nVia: SIP/2.0/UDP h;branch;branch=z9hG4bKc\r\n\r\n")
        #expect(valueless.topViaBranch == nil)
        #expect(try valueless.vias().first?.branch == nil)
    }

    /// A header section of exactly `limit + extra` bytes, its empty line last.
    static func message(headerBytes: Int) -> String {
        let head = "OPTIONS sip:a@b SIP/2.0\r\nX: "
        let tail = "\r\n\r\n"
        return head + String(repeating: "x", count: headerBytes - head.utf8.count - tail.utf8.count) + tail
    }

    @Test("the framer's header limit covers the empty line, whatever the read boundaries", arguments: [62, 63, 64, 65, 66])
    func framerLimitEdge(headerBytes: Int) throws {
        let limits = SIPParserLimits(maxHeaderBytes: 64, maxHeaderCount: 8, maxBodyBytes: 64)
        let text = Self.message(headerBytes: headerBytes)
        let fits = headerBytes <= 64
        // The parser and the framer agree.
        let parsed = Result { try SIPMessage(parsingFrame: ByteBuffer(string: text), limits: limits) }
        #expect(((try? parsed.get()) != nil) == fits)
        for split in [0, 1, 32, 63, 64, 65, text.utf8.count] where split <= text.utf8.count {
            var framer = SIPStreamFramer(limits: limits)
            var buffer = ByteBuffer(string: String(text.utf8.prefix(split)) ?? "")
            var outcome: Result<SIPStreamFramer.Frame, SIPParseError> = Result { () throws(SIPParseError) in try framer.nextFrame(in: buffer) }
            if case .success(.needMoreBytes) = outcome {
                buffer.writeString(String(text.utf8.dropFirst(split)) ?? "")
                outcome = Result { () throws(SIPParseError) in try framer.nextFrame(in: buffer) }
            }
            switch outcome {
            case .success(.message(let count)):
                #expect(fits && count == headerBytes, "split \(split)")
            case .failure(let error):
                #expect(!fits && error.code == .headersTooLarge, "split \(split)")
            case .success(let other):
                Issue.record("split \(split): \(other)")
            }
        }
    }
}
