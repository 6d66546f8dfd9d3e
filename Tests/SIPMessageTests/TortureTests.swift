import Foundation
import NIOCore
import SIPMessage
import Testing

/// RFC 4475 and RFC 5118 torture messages, byte-exact from the RFCs' archives, each with the
/// verdict of `Fixtures/torture/MANIFEST.tsv` and the answer a user agent gives.
@Suite("Torture messages (RFC 4475, RFC 5118)")
struct TortureTests {
    /// What the stack does with a message.
    enum Outcome: Equatable, CustomStringConvertible {
        /// Parsing or grammar validation failed: a request gets 400, a response is dropped.
        case invalid
        /// Parsed, well-formed, and the element processes it.
        case accept
        /// Parsed and well-formed, but refused with this status.
        case reject(Int)
        /// A response that parsed but is dropped.
        case discard

        var description: String {
            switch self {
            case .invalid: "invalid"
            case .accept: "accept"
            case .reject(let status): "reject \(status)"
            case .discard: "discard"
            }
        }
    }

    /// One manifest row with the outcomes expected at a user agent and at a registrar
    /// (they differ only for REGISTER: a user agent answers 405).
    struct Case: CustomTestStringConvertible, Sendable {
        let file: String
        let verdict: String
        let atUserAgent: Outcome
        let atRegistrar: Outcome
        var testDescription: String { file }
    }

    /// Expected outcomes, from the RFCs' text and the manifest notes.
    static let expectations: [String: (Outcome, Outcome)] = [
        // 3.1.1 valid messages.
        "rfc4475/wsinv.dat": (.accept, .accept),
        "rfc4475/intmeth.dat": (.reject(501), .reject(501)),  // unknown method at an endpoint
        "rfc4475/esc01.dat": (.accept, .accept),
        "rfc4475/escnull.dat": (.reject(405), .accept),
        "rfc4475/esc02.dat": (.reject(501), .reject(501)),  // RE%47IST%45R is not REGISTER
        "rfc4475/lwsdisp.dat": (.accept, .accept),
        "rfc4475/longreq.dat": (.accept, .accept),
        "rfc4475/dblreq.dat": (.reject(405), .accept),
        "rfc4475/semiuri.dat": (.accept, .accept),
        "rfc4475/transports.dat": (.accept, .accept),
        "rfc4475/mpart01.dat": (.accept, .accept),
        "rfc4475/unreason.dat": (.accept, .accept),
        "rfc4475/noreason.dat": (.accept, .accept),
        // 3.1.2 invalid messages.
        "rfc4475/badinv01.dat": (.invalid, .invalid),
        "rfc4475/clerr.dat": (.invalid, .invalid),
        "rfc4475/ncl.dat": (.invalid, .invalid),
        "rfc4475/scalar02.dat": (.invalid, .invalid),
        "rfc4475/scalarlg.dat": (.invalid, .invalid),
        "rfc4475/quotbal.dat": (.invalid, .invalid),
        "rfc4475/ltgtruri.dat": (.invalid, .invalid),
        "rfc4475/lwsruri.dat": (.invalid, .invalid),
        "rfc4475/lwsstart.dat": (.invalid, .invalid),
        "rfc4475/trws.dat": (.invalid, .invalid),
        "rfc4475/escruri.dat": (.invalid, .invalid),
        "rfc4475/baddate.dat": (.invalid, .invalid),
        "rfc4475/regbadct.dat": (.invalid, .invalid),
        "rfc4475/badaspec.dat": (.invalid, .invalid),
        "rfc4475/baddn.dat": (.invalid, .invalid),
        "rfc4475/badvers.dat": (.reject(505), .reject(505)),
        "rfc4475/mismatch01.dat": (.invalid, .invalid),
        "rfc4475/mismatch02.dat": (.reject(501), .reject(501)),
        "rfc4475/bigcode.dat": (.invalid, .invalid),
        // 3.2 transaction layer.
        "rfc4475/badbranch.dat": (.reject(400), .reject(400)),
        // 3.3 application layer.
        "rfc4475/insuf.dat": (.reject(400), .reject(400)),
        "rfc4475/unkscm.dat": (.reject(416), .reject(416)),
        "rfc4475/novelsc.dat": (.reject(416), .reject(416)),
        "rfc4475/unksm2.dat": (.reject(405), .reject(400)),
        "rfc4475/bext01.dat": (.reject(420), .reject(420)),
        "rfc4475/invut.dat": (.reject(415), .reject(415)),
        "rfc4475/regaut01.dat": (.reject(405), .accept),
        "rfc4475/multi01.dat": (.reject(400), .reject(400)),
        "rfc4475/mcl01.dat": (.reject(400), .reject(400)),
        "rfc4475/bcast.dat": (.discard, .discard),
        "rfc4475/zeromf.dat": (.accept, .accept),
        "rfc4475/cparam01.dat": (.reject(405), .accept),
        "rfc4475/cparam02.dat": (.reject(405), .accept),
        "rfc4475/regescrt.dat": (.reject(405), .accept),
        "rfc4475/sdp01.dat": (.reject(406), .reject(406)),
        // 3.4 backward compatibility.
        "rfc4475/inv2543.dat": (.accept, .accept),
        // RFC 5118.
        "rfc5118/ipv6-good": (.reject(405), .accept),
        "rfc5118/ipv6-bad": (.invalid, .invalid),
        "rfc5118/port-ambiguous": (.reject(405), .accept),
        "rfc5118/port-unambiguous": (.reject(405), .accept),
        "rfc5118/via-received-param-with-delim": (.accept, .accept),
        "rfc5118/via-received-param-no-delim": (.accept, .accept),
        "rfc5118/ipv6-in-sdp": (.accept, .accept),
        "rfc5118/mult-ip-in-header": (.accept, .accept),
        "rfc5118/mult-ip-in-sdp": (.accept, .accept),
        "rfc5118/ipv4-mapped-ipv6": (.accept, .accept),
        "rfc5118/ipv6-bug-abnf-3-colons": (.accept, .accept),
        "rfc5118/ipv6-correct-abnf-2-colons": (.accept, .accept),
    ]

    static let cases: [Case] = {
        guard let manifest = try? String(decoding: Fixtures.bytes("torture/MANIFEST.tsv"), as: UTF8.self) else { return [] }
        return manifest.split(separator: "\n").dropFirst().compactMap { line -> Case? in
            let columns = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard columns.count >= 3 else { return nil }
            let file = String(columns[0])
            let expected = expectations[file] ?? (.invalid, .accept)  // an unknown file fails below
            return Case(file: file, verdict: String(columns[2]), atUserAgent: expected.0, atRegistrar: expected.1)
        }
    }()

    /// The message bytes as a test feeds them: RFC 4475 files as archived; RFC 5118 files with
    /// LF converted to CRLF (their README) and, where the archive's Content-Length does not
    /// match its body (an artifact of the archive, see the README), the real length.
    static func messageBytes(_ file: String) throws -> [UInt8] {
        let raw = try Fixtures.bytes("torture/\(file)")
        guard file.hasPrefix("rfc5118/") else { return raw }
        var converted: [UInt8] = []
        for byte in raw {
            if byte == 0x0A { converted.append(0x0D) }
            converted.append(byte)
        }
        return fixContentLength(converted)
    }

    static func fixContentLength(_ bytes: [UInt8]) -> [UInt8] {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let separator = text.range(of: "\r\n\r\n") else { return bytes }
        let head = text[..<separator.lowerBound]
        let body = text[separator.upperBound...]
        let lines = head.components(separatedBy: "\r\n").map { line -> String in
            let lower = line.lowercased()
            if lower.hasPrefix("content-length:") || lower.hasPrefix("l:") {
                return "Content-Length: \(body.utf8.count)"
            }
            return line
        }
        return Array((lines.joined(separator: "\r\n") + "\r\n\r\n" + body).utf8)
    }

    static func outcome(_ bytes: [UInt8], profile: SIPEndpointProfile) -> Outcome {
        let message: SIPMessage
        do {
            message = try SIPMessage(parsing: ByteBuffer(bytes: bytes))
        } catch {
            return .invalid
        }
        switch message.check(profile: profile) {
        case .accept: return .accept
        case .reject(let rejection): return rejection.error == nil ? .reject(rejection.status) : .invalid
        case .discard: return .discard
        }
    }

    @Test("every manifest file has an expectation and all 61 are listed")
    func manifestIsComplete() {
        #expect(Self.cases.count == 61)
        #expect(Self.cases.allSatisfy { Self.expectations[$0.file] != nil })
    }

    @Test("verdict and answer", arguments: cases)
    func verdict(_ torture: Case) throws {
        let bytes = try Self.messageBytes(torture.file)
        let atUserAgent = Self.outcome(bytes, profile: .userAgent)
        let atRegistrar = Self.outcome(bytes, profile: .registrar)
        // The manifest verdict holds: invalid ones fail, semantic errors parse but are refused
        // or dropped by some element, valid ones are processed by the element they are for.
        switch torture.verdict {
        case "invalid":
            #expect(atUserAgent == .invalid && atRegistrar == .invalid, "\(torture.file): \(atUserAgent), \(atRegistrar)")
        case "valid-semantic-error":
            #expect(atUserAgent != .invalid && (atUserAgent != .accept || atRegistrar != .accept), "\(torture.file): \(atUserAgent), \(atRegistrar)")
        default:
            #expect(atUserAgent != .invalid && atRegistrar != .invalid && atRegistrar != .discard, "\(torture.file): \(atUserAgent), \(atRegistrar)")
        }
        #expect(atUserAgent == torture.atUserAgent, "\(torture.file) at a user agent")
        #expect(atRegistrar == torture.atRegistrar, "\(torture.file) at a registrar")
    }
}
