import Foundation
import NIOCore
import SIPMessage
import SIPStack
import Testing

/// Everything of RFC 4475 and RFC 5118 (the torture messages) and the sample corpus thrown at
/// an agent (issue 3, robustness): each message that parses as a request is answered with a
/// status that parses, or dropped when it cannot be answered; none crashes the agent or leaves
/// state behind, and a normal call works afterwards.
@Suite("SIPUserAgent against the torture tests and the corpus")
struct HostileInputTests {
    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("SIPMessageTests/Fixtures")

    static func files() -> [URL] {
        var urls: [URL] = []
        for folder in ["torture/rfc4475", "torture/rfc5118", "corpus"] {
            let directory = fixtures.appendingPathComponent(folder)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
            urls += names.filter { $0.hasSuffix(".dat") || $0.hasSuffix(".sip") }.sorted().map { directory.appendingPathComponent($0) }
        }
        return urls
    }

    @Test("every torture and corpus message: answered with a parsable status or dropped; then a normal call works")
    func tortureAndCorpus() throws {
        let files = Self.files()
        #expect(files.count >= 60, "the fixtures were not found under \(Self.fixtures.path)")
        let p = try CallFlowTests.Pair()
        defer { p.wire.finish() }
        let attacker = try SocketAddress(ipAddress: "192.0.2.66", port: 5060)
        var requests = 0
        var answered = 0
        var statuses: [Int: Int] = [:]
        for file in files {
            let data = try Data(contentsOf: file)
            guard let message = try? SIPMessage(parsing: ByteBuffer(bytes: data)), message.isRequest else { continue }
            requests += 1
            let before = p.wire.inbox.count
            p.wire.queue.append(UserAgentWire.Packet(from: attacker, to: .udp(p.bob.address), message: message))
            p.wire.flush()
            // Answer any call it started, so that it leaves nothing behind.
            if let call = p.bob.incomingCall, p.bob.agent.state(of: call.handle) == .incoming {
                try p.bob.agent.reject(call.handle, status: 486)
                p.wire.flush()
            }
            let replies = p.wire.inbox[before...].filter { $0.to.address == attacker }
            for reply in replies {
                let status = try #require(reply.message.statusCode, "\(file.lastPathComponent): the agent sent a request")
                #expect((100...699).contains(status))
                statuses[status, default: 0] += 1
            }
            if !replies.isEmpty { answered += 1 }
            if message.method == .ack {
                #expect(replies.isEmpty, "\(file.lastPathComponent): an ACK was answered")
            }
            p.bob.events.removeAll()
        }
        #expect(requests >= 30)
        #expect(answered >= requests - 8, "answered \(answered) of \(requests): \(statuses)")
        #expect(p.bob.agent.activeCalls.isEmpty)

        // Time passes: every transaction and call ends; the agent still works.
        p.wire.advance(milliseconds: 40_000)
        #expect(p.bob.layer.liveTransactionCount == 0)
        let (call, incoming) = try p.establish()
        #expect(p.alice.agent.state(of: call) == .confirmed(body: CallFlowTests.answer))
        try p.bob.agent.hangUp(incoming)
        p.wire.flush()
        #expect(p.alice.agent.state(of: call) == .terminated(.remoteHangUp))
    }

    @Test("an INVITE flood is bounded by the transaction limit: 503 beyond it, and all state goes when the calls time out")
    func inviteFlood() throws {
        let wire = UserAgentWire()
        defer { wire.finish() }
        // A small bound to reach.
        let bob = try wire.addAgent("bob", octet: 2, layer: .init(maximumTransactions: 100)) { $0.unansweredTimeout = .seconds(20) }
        let attacker = try SocketAddress(ipAddress: "192.0.2.66", port: 5060)
        for index in 0..<600 {
            let text = """
                INVITE sip:bob@192.0.2.2 SIP/2.0
                Via: SIP/2.0/UDP 192.0.2.66;branch=z9hG4bKflood\(index)
                Max-Forwards: 70
                From: <sip:mallory@192.0.2.66>;tag=f\(index)
                To: <sip:bob@192.0.2.2>
                Call-ID: flood-\(index)
                CSeq: 1 INVITE
                Contact: <sip:mallory@192.0.2.66>

                """
            try wire.inject(text, from: attacker, to: bob)
        }
        #expect(bob.agent.activeCalls.count == 100)
        #expect(bob.layer.liveTransactionCount == 100)
        let overLoad = Set(wire.inbox.filter { $0.summary == "503/INVITE" }.compactMap { $0.message.callID?.string })
        #expect(overLoad.count == 500)
        wire.advance(milliseconds: 21_000)
        #expect(bob.agent.activeCalls.isEmpty)
        let refusals = Set(wire.inbox.filter { $0.summary == "480/INVITE" }.compactMap { $0.message.callID?.string })
        #expect(refusals.count == 100)
        wire.advance(milliseconds: 40_000)
        #expect(bob.layer.liveTransactionCount == 0)
    }
}
