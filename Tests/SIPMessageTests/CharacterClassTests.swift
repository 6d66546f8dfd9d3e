@testable import SIPMessage
import Testing

/// The character-class tables against the RFC 3261 §25.1 definitions, written out here as
/// plain sets, for all 256 byte values.
@Suite("Character classes")
struct CharacterClassTests {
    static let alphanumerics = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    static let unreserved = alphanumerics + "-_.!~*'()"

    static let cases: [(String, ASCII.CharacterClass, String, Bool)] = [
        ("token", ASCII.token, alphanumerics + "-.!%*_+`'~", false),
        ("word", ASCII.word, alphanumerics + "-.!%*_+`'~()<>:\\\"/[]?{}", false),
        ("user", ASCII.user, unreserved + "%&=+$,;?/", false),
        ("password", ASCII.password, unreserved + "%&=+$,", false),
        ("paramChar", ASCII.paramChar, unreserved + "%[]/:&+$", false),
        ("headerChar", ASCII.headerChar, unreserved + "%[]/?:+$", false),
        ("hostName", ASCII.hostName, alphanumerics + "-._", false),
        ("ipv6", ASCII.ipv6, "0123456789abcdefABCDEF:.", false),
        ("scheme", ASCII.scheme, alphanumerics + "+-.", false),
        ("uric", ASCII.uric, unreserved + "%;/?:@&=+$,[]#", false),
        ("whitespace", ASCII.whitespace, " \t\r\n", false),
        ("tokenOrColon", ASCII.tokenOrColon, alphanumerics + "-.!%*_+`'~:", false),
    ]

    @Test("each class holds exactly its RFC characters", arguments: cases.map(\.0))
    func membership(name: String) throws {
        let (_, characterClass, members, highBytes) = try #require(Self.cases.first { $0.0 == name })
        let expected = Set(members.utf8)
        for byte in UInt8.min...UInt8.max {
            let inClass = byte >= 128 ? highBytes : expected.contains(byte)
            #expect(characterClass.contains(byte) == inClass, "\(name): byte \(byte)")
        }
    }

    @Test("URI characters: visible ASCII except < > \" and bytes from 0x80")
    func uriCharacters() {
        for byte in UInt8.min...UInt8.max {
            let expected = byte >= 0x80 || (byte > 0x20 && byte < 0x7F && byte != 0x3C && byte != 0x3E && byte != 0x22)
            #expect(ASCII.uriCharacter.contains(byte) == expected, "byte \(byte)")
        }
    }
}
