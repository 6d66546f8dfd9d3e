import NIOCore
import SIPMessage
import SIPStack
import Testing

@Suite("Transaction matching (RFC 3261 §17.1.3, §17.2.3)")
struct TransactionKeyTests {
    typealias F = TransactionFixtures

    struct Row: Sendable, CustomTestStringConvertible {
        let name: String
        let first: @Sendable () throws -> SIPMessage
        let second: @Sendable () throws -> SIPMessage
        let matches: Bool
        var testDescription: String { name }
    }

    // MARK: - Client transactions

    static let clientRows: [Row] = [
        Row(name: "a response matches its request (branch and CSeq method)",
            first: { try F.invite() }, second: { try F.response(486, to: try F.invite()) }, matches: true),
        Row(name: "a provisional response without To tag matches too",
            first: { try F.invite() }, second: { try F.response(100, to: try F.invite(), toTag: nil) }, matches: true),
        Row(name: "a response to the CANCEL (same branch) does not match the INVITE",
            first: { try F.invite() }, second: { try F.response(200, to: try F.request("CANCEL")) }, matches: false),
        Row(name: "another branch does not match",
            first: { try F.invite() }, second: { try F.response(200, to: try F.invite(branch: "z9hG4bKother")) }, matches: false),
        Row(name: "the sent-by does not matter to a client transaction",
            first: { try F.invite() }, second: { try F.response(200, to: try F.invite(sentBy: "192.0.2.9")) }, matches: true),
        Row(name: "a response to an RFC 2543-style branch still matches by branch",
            first: { try F.request("OPTIONS", branch: "1234") },
            second: { try F.response(200, to: try F.request("OPTIONS", branch: "1234")) }, matches: true),
    ]

    @Test("client keys", arguments: clientRows)
    func clientKeys(_ row: Row) throws {
        let first = try #require(TransactionKey.client(for: try row.first()))
        let second = try #require(TransactionKey.client(for: try row.second()))
        #expect((first == second) == row.matches)
        #expect(first.role == .client)
    }

    // MARK: - Server transactions

    static let serverRows: [Row] = [
        Row(name: "a retransmitted INVITE matches", first: { try F.invite() }, second: { try F.invite() }, matches: true),
        Row(name: "the ACK of a non-2xx (same branch) matches the INVITE",
            first: { try F.invite() }, second: { try F.request("ACK", toTag: "a6c85cf") }, matches: true),
        Row(name: "a CANCEL has its own transaction",
            first: { try F.invite() }, second: { try F.request("CANCEL") }, matches: false),
        Row(name: "another method with the same branch does not match",
            first: { try F.request("OPTIONS") }, second: { try F.request("INFO") }, matches: false),
        Row(name: "the same branch from another sent-by does not match",
            first: { try F.invite() }, second: { try F.invite(sentBy: "pc34.atlanta.example.com:5060") }, matches: false),
        Row(name: "the same branch from another port does not match",
            first: { try F.invite() }, second: { try F.invite(sentBy: "pc33.atlanta.example.com:5070") }, matches: false),
        Row(name: "the sent-by host compares without case",
            first: { try F.invite() }, second: { try F.invite(sentBy: "PC33.Atlanta.Example.COM:5060") }, matches: true),
        Row(name: "the branch compares byte for byte",
            first: { try F.invite() }, second: { try F.invite(branch: "z9hG4bK776ASDHDS") }, matches: false),
        Row(name: "with the magic cookie, other fields do not matter",
            first: { try F.invite() }, second: { try F.invite(cseq: 1, callID: "other") }, matches: true),
        // RFC 2543 fallback: no magic cookie.
        Row(name: "2543: a retransmitted INVITE without branch matches",
            first: { try F.invite(branch: nil) }, second: { try F.invite(branch: nil) }, matches: true),
        Row(name: "2543: a branch without the cookie uses the fallback",
            first: { try F.invite(branch: "1234") }, second: { try F.invite(branch: "1234") }, matches: true),
        Row(name: "2543: a bare cookie is no RFC 3261 branch",
            first: { try F.invite(branch: "z9hG4bK") }, second: { try F.invite(branch: "z9hG4bK", callID: "x") }, matches: false),
        Row(name: "2543: another Call-ID does not match",
            first: { try F.invite(branch: nil) }, second: { try F.invite(branch: nil, callID: "other@host") }, matches: false),
        Row(name: "2543: another CSeq does not match",
            first: { try F.invite(branch: nil) }, second: { try F.invite(branch: nil, cseq: 314160) }, matches: false),
        Row(name: "2543: another top Via does not match",
            first: { try F.invite(branch: nil) }, second: { try F.invite(branch: nil, sentBy: "192.0.2.9") }, matches: false),
        Row(name: "2543: another To tag does not match",
            first: { try F.invite(branch: nil) }, second: { try F.invite(branch: nil, toTag: "x") }, matches: false),
        Row(name: "2543: another method does not match",
            first: { try F.request("OPTIONS", branch: nil) }, second: { try F.request("INFO", branch: nil) }, matches: false),
        Row(name: "2543: the ACK (To tag of the response) does not match the INVITE's own key",
            first: { try F.invite(branch: nil) }, second: { try F.request("ACK", branch: nil, toTag: "a6c85cf") }, matches: false),
        Row(name: "2543 and 3261 keys never meet",
            first: { try F.invite(branch: nil) }, second: { try F.invite() }, matches: false),
    ]

    @Test("server keys", arguments: serverRows)
    func serverKeys(_ row: Row) throws {
        let first = try #require(TransactionKey.server(for: try row.first()))
        let second = try #require(TransactionKey.server(for: try row.second()))
        #expect((first == second) == row.matches)
        #expect(first.role == .server)
    }

    @Test("2543: the ACK matches the key made from the response's To tag")
    func rfc2543ACK() throws {
        let invite = try F.invite(branch: nil)
        let ack = try F.request("ACK", branch: nil, toTag: "a6c85cf")
        let alias = try #require(TransactionKey.rfc2543ACK(forInvite: invite, responseToTag: SIPBytes("a6c85cf")))
        #expect(TransactionKey.server(for: ack) == alias)
        #expect(alias.isRFC2543)
        let wrongTag = try #require(TransactionKey.rfc2543ACK(forInvite: invite, responseToTag: SIPBytes("other")))
        #expect(TransactionKey.server(for: ack) != wrongTag)
        // An RFC 3261 INVITE needs no second key.
        #expect(TransactionKey.rfc2543ACK(forInvite: try F.invite(), responseToTag: SIPBytes("a6c85cf")) == nil)
    }

    @Test("a CANCEL finds the INVITE it cancels (RFC 3261 §9.2)", arguments: [true, false])
    func cancelFindsInvite(withCookie: Bool) throws {
        let branch = withCookie ? "z9hG4bK776asdhds" : nil
        let invite = try F.invite(branch: branch)
        let cancel = try F.request("CANCEL", branch: branch)
        #expect(TransactionKey.serverInvite(cancelledBy: cancel) == TransactionKey.server(for: invite))
        #expect(TransactionKey.server(for: cancel) != TransactionKey.server(for: invite))
    }

    @Test("client and server keys of one message differ")
    func rolesDiffer() throws {
        let invite = try F.invite()
        let client = try #require(TransactionKey.client(for: invite))
        let server = try #require(TransactionKey.server(for: invite))
        #expect(client != server)
        #expect(client.role == .client && server.role == .server)
        #expect(!server.isRFC2543)
        #expect(try #require(TransactionKey.server(for: try F.invite(branch: nil))).isRFC2543)
        #expect(Set([client, server, client]).count == 2)
    }

    @Test("no key without the fields matching needs")
    func missingFields() throws {
        let response = try F.response(200, to: try F.invite())
        #expect(TransactionKey.server(for: response) == nil)
        #expect(TransactionKey.client(for: try F.invite(branch: nil)) == nil)
    }

    @Test("the magic cookie is recognised byte for byte", arguments: [
        ("z9hG4bK776asdhds", true), ("z9hG4bK", false), ("z9hg4bk776", false), ("776asdhds", false), ("", false),
    ])
    func magicCookie(branch: String, expected: Bool) {
        var branch = branch
        let result = branch.withUTF8 { TransactionKey.hasMagicCookie(UnsafeRawBufferPointer($0)) }
        #expect(result == expected)
    }
}
