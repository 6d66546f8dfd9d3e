import NIOCore
import NIOEmbedded
import SIPMessage
import SIPStack
import Testing

@Suite("TransactionLayer on virtual time")
struct TransactionLayerTests {
    typealias F = TransactionFixtures

    /// Advances to just before `deadline` and checks `before`, then 1 ms further and checks
    /// `after` (STYLE.md item 20).
    static func expectFires(
        _ harness: TransactionLayerHarness, at deadline: Int64, before: () -> Bool, after: () -> Bool,
        _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        harness.advance(to: deadline - 1)
        #expect(before(), "at \(deadline - 1) ms: \(comment?.rawValue ?? "")", sourceLocation: sourceLocation)
        harness.advance(to: deadline)
        #expect(after(), "at \(deadline) ms: \(comment?.rawValue ?? "")", sourceLocation: sourceLocation)
    }

    // MARK: - Client timeouts and retransmissions

    @Test("INVITE over UDP: Timer A retransmits at 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 s; Timer B times out at 32 s")
    func timerBOverUDP() throws {
        let h = try TransactionLayerHarness()
        defer { h.finish() }
        let key = try h.layer.sendRequest(try F.invite(), to: h.udpPeer)
        #expect(h.transport.summaries == ["INVITE"])
        #expect(h.transport.sent.first?.destination == h.udpPeer)
        var sends = 1
        for deadline: Int64 in [500, 1500, 3500, 7500, 15500, 31500] {
            Self.expectFires(h, at: deadline, before: { h.transport.sent.count == sends },
                             after: { h.transport.sent.count == sends + 1 }, "retransmission \(sends)")
            sends += 1
        }
        #expect(h.transport.summaries == Array(repeating: "INVITE", count: 7))
        Self.expectFires(h, at: 32_000, before: { h.user.events.isEmpty && h.layer.contains(key) },
                         after: { h.user.summaries == ["timeout timerB", "terminated"] })
        #expect(!h.layer.contains(key))
        #expect(h.layer.liveTransactionCount == 0)
        h.advance(to: 100_000)
        #expect(h.transport.sent.count == 7)
    }

    @Test("OPTIONS over UDP: Timer E retransmits doubling up to T2; Timer F times out at 32 s")
    func timerFOverUDP() throws {
        let h = try TransactionLayerHarness()
        defer { h.finish() }
        let key = try h.layer.sendRequest(try F.request("OPTIONS"), to: h.udpPeer)
        var sends = 1
        for deadline: Int64 in [500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500] {
            Self.expectFires(h, at: deadline, before: { h.transport.sent.count == sends },
                             after: { h.transport.sent.count == sends + 1 }, "retransmission \(sends)")
            sends += 1
        }
        Self.expectFires(h, at: 32_000, before: { h.user.events.isEmpty },
                         after: { h.user.summaries == ["timeout timerF", "terminated"] })
        #expect(!h.layer.contains(key))
    }

    @Test("over a reliable transport there are no retransmissions, and B or F still times out at 32 s",
          arguments: [("INVITE", "timeout timerB"), ("OPTIONS", "timeout timerF")])
    func timeoutOverTCP(method: String, timeout: String) throws {
        let h = try TransactionLayerHarness()
        defer { h.finish() }
        try h.layer.sendRequest(try F.request(method), to: h.tcpPeer)
        Self.expectFires(h, at: 32_000, before: { h.user.events.isEmpty && h.transport.sent.count == 1 },
                         after: { h.user.summaries == [timeout, "terminated"] })
        #expect(h.transport.sent.count == 1)
    }

    @Test("Proceeding stops Timer E's doubling: after a 1xx the request goes every T2")
    func timerEInProceeding() throws {
        let h = try TransactionLayerHarness()
        defer { h.finish() }
        let options = try F.request("OPTIONS")
        try h.layer.sendRequest(options, to: h.udpPeer)
        h.advance(to: 600)
        h.layer.receive(try F.response(100, to: options, toTag: nil), from: h.udpPeer)
        #expect(h.user.summaries == ["response 100"])
        // Timer E was restarted at 500 ms with 1 s; it fires at 1500, then every 4 s.
        Self.expectFires(h, at: 1500, before: { h.transport.sent.count == 2 }, after: { h.transport.sent.count == 3 })
        Self.expectFires(h, at: 5500, before: { h.transport.sent.count == 3 }, after: { h.transport.sent.count == 4 })
        Self.expectFires(h, at: 9500, before: { h.transport.sent.count == 4 }, after: { h.transport.sent.count == 5 })
    }

    // MARK: - Absorbing retransmissions

    @Test("a retransmitted 486 to a completed client INVITE transaction is ACKed again, not passed up")
    func clientInviteAbsorbsFinalResponse() throws {
        let h = try TransactionLayerHarness()
        defer { h.finish() }
        let invite = try F.invite()
        let key = try h.layer.sendRequest(invite, to: h.udpPeer)
        let busy = try F.response(486, to: invite)
        h.advance(to: 100)
        h.layer.receive(busy, from: h.udpPeer)
        #expect(h.transport.summaries == ["INVITE", "ACK"])
        #expect(h.user.summaries == ["response 486"])
        h.advance(to: 600)  // Timer A was cancelled: no retransmission of the INVITE.
        #expect(h.transport.summaries == ["INVITE", "ACK"])
        h.layer.receive(busy, from: h.udpPeer)
        h.layer.receive(busy, from: h.udpPeer)
        #expect(h.transport.summaries == ["INVITE", "ACK", "ACK", "ACK"])
        #expect(h.transport.sent[1].bytes == h.transport.sent[3].bytes)
        #expect(h.user.summaries == ["response 486"])
        // Timer D (32 s over UDP) ends the transaction quietly.
        Self.expectFires(h, at: 32_100, before: { h.layer.contains(key) }, after: { !h.layer.contains(key) })
        #expect(h.user.summaries == ["response 486", "terminated"])
    }

    @Test("a retransmitted 200 to a completed non-INVITE client transaction is dropped; Timer K ends it")
    func clientNonInviteAbsorbsFinalResponse() throws {
        let h = try TransactionLayerHarness()
        defer { h.finish() }
        let register = try F.request("REGISTER")
        let key = try h.layer.sendRequest(register, to: h.udpPeer)
        let ok = try F.response(200, to: register)
        h.advance(to: 40)
        h.layer.receive(ok, from: h.udpPeer)
        h.layer.receive(ok, from: h.udpPeer)
        #expect(h.user.summaries == ["response 200"])
        #expect(h.transport.summaries == ["REGISTER"])
        Self.expectFires(h, at: 5040, before: { h.layer.contains(key) }, after: { !h.layer.contains(key) })
        h.layer.receive(ok, from: h.udpPeer)
        #expect(h.user.summaries == ["response 200", "terminated", "stray 200"])
    }

    @Test("a retransmitted request to a server non-INVITE transaction gets the last response again")
    func serverNonInviteAbsorbsRequest() throws {
        let h = try TransactionLayerHarness()
        defer { h.finish() }
        let options = try F.request("OPTIONS")
        h.layer.receive(options, from: h.udpPeer)
        let key = try #require(h.user.lastRequestKey)
        h.advance(to: 500)
        h.layer.receive(options, from: h.udpPeer)  // Trying: discarded.
        #expect(h.transport.sent.isEmpty)
        try h.layer.sendResponse(try F.response(200, to: options), for: key)
        #expect(h.transport.summaries == ["200"])
        #expect(h.transport.sent.first?.destination == h.udpPeer)
        h.advance(to: 1500)
        h.layer.receive(options, from: h.udpPeer)
        #expect(h.transport.summaries == ["200", "200"])
        #expect(h.user.summaries == ["request OPTIONS"])
        // Timer J: 64*T1 after the final response.
        Self.expectFires(h, at: 32_500, before: { h.layer.contains(key) }, after: { !h.layer.contains(key) })
        #expect(h.user.summaries == ["request OPTIONS", "terminated"])
    }

    @Test("over TCP a server non-INVITE transaction ends with its final response")
    func serverNonInviteOverTCP() throws {
        let h = try TransactionLayerHarness()
        defer { h.finish() }
        let options = try F.request("OPTIONS")
        h.layer.receive(options, from: h.tcpPeer)
        let key = try #require(h.user.lastRequestKey)
        try h.layer.sendResponse(try F.response(200, to: options), for: key)
        #expect(!h.layer.contains(key))
        #expect(h.user.summaries == ["request OPTIONS", "terminated"])
    }

    @Test("a server INVITE transaction resends its 486 on Timer G and on INVITE, stops at the ACK, ends on Timer I")
    func serverInviteCompleted() throws {
        let h = try TransactionLayerHarness()
        defer { h.finish() }
        let invite = try F.invite()
        h.layer.receive(invite, from: h.udpPeer)
        let key = try #require(h.user.lastRequestKey)
        try h.layer.sendResponse(try F.response(486, to: invite), for: key)
        #expect(h.transport.summaries == ["486"])
        var sends = 1
        for deadline: Int64 in [500, 1500, 3500, 7500] {
            Self.expectFires(h, at: deadline, before: { h.transport.sent.count == sends },
                             after: { h.transport.sent.count == sends + 1 }, "Timer G \(sends)")
            sends += 1
        }
        h.advance(to: 8000)
        h.layer.receive(invite, from: h.udpPeer)
        #expect(h.transport.sent.count == 6)
        h.layer.receive(try F.request("ACK", toTag: "a6c85cf"), from: h.udpPeer)
        h.layer.receive(try F.request("ACK", toTag: "a6c85cf"), from: h.udpPeer)
        #expect(h.transport.summaries == Array(repeating: "486", count: 6))
        #expect(h.user.summaries == ["request INVITE"])
        // Timer I: T4 after the ACK; Timer G no longer fires (11500 has passed).
        Self.expectFires(h, at: 13_000, before: { h.layer.contains(key) }, after: { !h.layer.contains(key) })
        #expect(h.transport.sent.count == 6)
        #expect(h.user.summaries == ["request INVITE", "terminated"])
    }

    @Test("Timer H reports a missing ACK to the TU after 64*T1")
    func timerH() throws {
        let h = try TransactionLayerHarness()
        defer { h.finish() }
        let invite = try F.invite()
        h.layer.receive(invite, from: h.tcpPeer)
        let key = try #require(h.user.lastRequestKey)
        h.advance(to: 50)
        try h.layer.sendResponse(try F.response(603, to: invite), for: key)
        Self.expectFires(h, at: 32_050, before: { h.user.summaries == ["request INVITE"] },
                         after: { h.user.summaries == ["request INVITE", "timeout timerH", "terminated"] })
        #expect(h.transport.summaries == ["603"])
    }

    @Test("a 2xx leads the server INVITE transaction to Accepted: INVITEs absorbed, ACK and 2xx retransmissions pass, L ends it")
    func serverInviteAccepted() throws {
        let h = try TransactionLayerHarness()
        defer { h.finish() }
        let invite = try F.invite()
        h.layer.receive(invite, from: h.udpPeer)
        let key = try #require(h.user.lastRequestKey)
        let ok = try F.response(200, to: invite)
        try h.layer.sendResponse(ok, for: key)
        h.layer.receive(invite, from: h.udpPeer)
        #expect(h.transport.summaries == ["200"])
        try h.layer.sendResponse(ok, for: key)  // the TU retransmits its 2xx (RFC 3261 §13.3.1.4)
        #expect(h.transport.summaries == ["200", "200"])
        // The ACK of a 2xx has a branch of its own: it goes to the TU.
        h.layer.receive(try F.request("ACK", branch: "z9hG4bKack1", toTag: "a6c85cf"), from: h.udpPeer)
        #expect(h.user.summaries == ["request INVITE", "ack"])
        Self.expectFires(h, at: 32_000, before: { h.layer.contains(key) }, after: { !h.layer.contains(key) })
        #expect(throws: TransactionError(.noSuchTransaction, "")) { try h.layer.sendResponse(ok, for: key) }
    }

    @Test("a 2xx leads the client INVITE transaction to Accepted: 2xx retransmissions reach the TU until Timer M")
    func clientInviteAccepted() throws {
        let h = try TransactionLayerHarness()
        defer { h.finish() }
        let invite = try F.invite()
        let key = try h.layer.sendRequest(invite, to: h.udpPeer)
        let ok = try F.response(200, to: invite)
        h.layer.receive(ok, from: h.udpPeer)
        h.advance(to: 500)
        h.layer.receive(ok, from: h.udpPeer)
        #expect(h.user.summaries == ["response 200", "response 200"])
        #expect(h.transport.summaries == ["INVITE"])  // no ACK, no retransmission
        Self.expectFires(h, at: 32_000, before: { h.layer.contains(key) }, after: { !h.layer.contains(key) })
        h.layer.receive(ok, from: h.udpPeer)
        #expect(h.user.summaries == ["response 200", "response 200", "terminated", "stray 200"])
    }

    // MARK: - 100 (Trying)

    @Test("100 (Trying) goes out at 200 ms when the TU is silent")
    func tryingWhenSilent() throws {
        let h = try TransactionLayerHarness()
        defer { h.finish() }
        let invite = try F.invite()
        h.layer.receive(invite, from: h.udpPeer)
        #expect(h.user.summaries == ["request INVITE"])
        Self.expectFires(h, at: 200, before: { h.transport.sent.isEmpty }, after: { h.transport.summaries == ["100"] })
        let trying = try SIPMessage(parsing: try #require(h.transport.sent.first?.bytes))
        #expect(trying.statusCode == 100)
        #expect(trying.toTag == nil)
        #expect(trying.topViaBranch == invite.topViaBranch)
        #expect(trying.callID == invite.callID)
        #expect(h.transport.sent.first?.destination == h.udpPeer)
        // A retransmitted INVITE gets the 100 again.
        h.advance(to: 500)
        h.layer.receive(invite, from: h.udpPeer)
        #expect(h.transport.summaries == ["100", "100"])
        #expect(h.user.summaries == ["request INVITE"])
        let key = try #require(h.user.lastRequestKey)
        try h.layer.sendResponse(try F.response(180, to: invite), for: key)
        h.layer.receive(invite, from: h.udpPeer)
        #expect(h.transport.summaries == ["100", "100", "180", "180"])
    }

    @Test("no 100 (Trying) when the TU answers first", arguments: [0, 150, 199])
    func noTryingWhenTUAnswers(answerAt: Int64) throws {
        let h = try TransactionLayerHarness()
        defer { h.finish() }
        let invite = try F.invite()
        if answerAt == 0 {
            // The TU answers from inside the callback that delivers the INVITE.
            h.user.onRequest = { request, key, layer in
                try layer.sendResponse(try F.response(180, to: request), for: key)
            }
        }
        h.layer.receive(invite, from: h.udpPeer)
        let key = try #require(h.user.lastRequestKey)
        if answerAt > 0 {
            h.advance(to: answerAt)
            try h.layer.sendResponse(try F.response(180, to: invite), for: key)
        }
        #expect(h.transport.summaries == ["180"])
        h.advance(to: 200)
        #expect(h.transport.summaries == ["180"])
        h.advance(to: 10_000)
        #expect(h.transport.summaries == ["180"])
    }

    // MARK: - RFC 2543 fallback

    @Test("RFC 2543 fallback: an INVITE without magic cookie, its retransmission and its ACK find one transaction")
    func rfc2543Fallback() throws {
        let h = try TransactionLayerHarness()
        defer { h.finish() }
        let invite = try F.invite(branch: nil)
        h.layer.receive(invite, from: h.udpPeer)
        h.layer.receive(invite, from: h.udpPeer)
        #expect(h.user.summaries == ["request INVITE"])
        #expect(h.layer.liveTransactionCount == 1)
        let key = try #require(h.user.lastRequestKey)
        #expect(key.isRFC2543)
        try h.layer.sendResponse(try F.response(486, to: invite, toTag: "a6c85cf"), for: key)
        h.layer.receive(invite, from: h.udpPeer)
        #expect(h.transport.summaries == ["486", "486"])
        // An ACK with another To tag is not this transaction's: it goes to the TU.
        h.layer.receive(try F.request("ACK", branch: nil, toTag: "other"), from: h.udpPeer)
        #expect(h.user.summaries == ["request INVITE", "ack"])
        // The ACK carrying the response's To tag matches (§17.2.3) and is absorbed.
        h.advance(to: 100)
        h.layer.receive(try F.request("ACK", branch: nil, toTag: "a6c85cf"), from: h.udpPeer)
        #expect(h.user.summaries == ["request INVITE", "ack"])
        // Confirmed: no Timer G any more; Timer I (T4) ends it.
        Self.expectFires(h, at: 5100, before: { h.layer.contains(key) && h.transport.sent.count == 2 },
                         after: { !h.layer.contains(key) })
        #expect(h.user.summaries == ["request INVITE", "ack", "terminated"])
    }

    @Test("RFC 2543 fallback: a retransmitted non-INVITE request is absorbed; another CSeq is a new transaction")
    func rfc2543NonInvite() throws {
        let h = try TransactionLayerHarness()
        defer { h.finish() }
        let options = try F.request("OPTIONS", branch: nil)
        h.layer.receive(options, from: h.udpPeer)
        let key = try #require(h.user.lastRequestKey)
        try h.layer.sendResponse(try F.response(200, to: options), for: key)
        h.layer.receive(options, from: h.udpPeer)
        #expect(h.transport.summaries == ["200", "200"])
        h.layer.receive(try F.request("OPTIONS", branch: nil, cseq: 314160), from: h.udpPeer)
        #expect(h.user.summaries == ["request OPTIONS", "request OPTIONS"])
        #expect(h.layer.liveTransactionCount == 2)
    }

    // MARK: - Bound on live transactions

    @Test("a new server transaction over the bound gets 503 with Retry-After and is not stored")
    func boundOnTransactions() throws {
        let h = try TransactionLayerHarness(configuration: .init(maximumTransactions: 2, retryAfterSeconds: 7))
        defer { h.finish() }
        let first = try F.request("OPTIONS", branch: "z9hG4bK1")
        h.layer.receive(first, from: h.tcpPeer)
        h.layer.receive(try F.request("MESSAGE", branch: "z9hG4bK2"), from: h.udpPeer)
        #expect(h.layer.liveTransactionCount == 2)

        let third = try F.request("OPTIONS", branch: "z9hG4bK3")
        h.layer.receive(third, from: h.udpPeer)
        #expect(h.user.summaries == ["request OPTIONS", "request MESSAGE"])
        #expect(h.layer.liveTransactionCount == 2)
        #expect(h.transport.sent.count == 1)
        let rejection = try SIPMessage(parsing: try #require(h.transport.sent.first?.bytes))
        #expect(rejection.statusCode == 503)
        #expect(rejection.reasonPhrase?.string == "Service Unavailable")
        #expect(rejection.firstValue(.retryAfter)?.string == "7")
        #expect(rejection.toTag != nil)
        #expect(rejection.topViaBranch?.string == "z9hG4bK3")
        #expect(rejection.cseqNumber == third.cseqNumber)
        #expect(h.transport.sent.first?.destination == h.udpPeer)
        // Its retransmission is refused again: nothing was stored.
        h.layer.receive(third, from: h.udpPeer)
        #expect(h.transport.summaries == ["503", "503"])
        // An ACK is never refused, and a client transaction over the bound is an error.
        h.layer.receive(try F.request("ACK", branch: "z9hG4bK9"), from: h.udpPeer)
        #expect(h.user.summaries.last == "ack")
        #expect(throws: TransactionError(.tooManyTransactions, "")) {
            try h.layer.sendRequest(try F.request("OPTIONS", branch: "z9hG4bKmine"), to: h.udpPeer)
        }
        // When a transaction ends there is room again.
        let firstKey = try #require(TransactionKey.server(for: first))
        try h.layer.sendResponse(try F.response(200, to: first), for: firstKey)
        #expect(h.layer.liveTransactionCount == 1)
        h.layer.receive(third, from: h.udpPeer)
        #expect(h.user.summaries.last == "request OPTIONS")
        #expect(h.layer.liveTransactionCount == 2)
    }

    // MARK: - Odds and ends

    @Test("responses and ACKs matching no transaction go to the TU")
    func strays() throws {
        let h = try TransactionLayerHarness()
        defer { h.finish() }
        h.layer.receive(try F.response(200, to: try F.invite()), from: h.udpPeer)
        h.layer.receive(try F.request("ACK"), from: h.udpPeer)
        #expect(h.user.summaries == ["stray 200", "ack"])
        #expect(h.layer.liveTransactionCount == 0)
        #expect(h.transport.sent.isEmpty)
    }

    @Test("a transport failure ends a client transaction; a server transaction stays (RFC 6026 §8.8)")
    func transportFailure() throws {
        let h = try TransactionLayerHarness()
        defer { h.finish() }
        h.transport.fails = true
        let key = try h.layer.sendRequest(try F.request("OPTIONS"), to: h.udpPeer)
        #expect(h.user.summaries == ["transport error", "terminated"])
        #expect(!h.layer.contains(key))
        h.advance(to: 40_000)
        #expect(h.user.summaries == ["transport error", "terminated"])

        h.transport.fails = false
        let invite = try F.invite()
        h.layer.receive(invite, from: h.udpPeer)
        let serverKey = try #require(h.user.lastRequestKey)
        h.transport.fails = true
        try h.layer.sendResponse(try F.response(486, to: invite), for: serverKey)
        #expect(h.user.summaries.suffix(2) == ["request INVITE", "transport error"])
        #expect(h.layer.contains(serverKey))
        // It still absorbs the retransmitted INVITE, and Timer H still ends it.
        h.transport.fails = false
        h.layer.receive(invite, from: h.udpPeer)
        #expect(h.transport.summaries == ["486"])
        #expect(h.user.summaries.suffix(1) == ["transport error"])
        h.advance(to: 40_000 + 32_000)
        #expect(h.user.summaries.suffix(2) == ["timeout timerH", "terminated"])
        #expect(!h.layer.contains(serverKey))
    }

    @Test("reportTransportError ends a client transaction waiting in Proceeding")
    func reportedTransportError() throws {
        let h = try TransactionLayerHarness()
        defer { h.finish() }
        let invite = try F.invite()
        let key = try h.layer.sendRequest(invite, to: h.tcpPeer)
        h.layer.receive(try F.response(180, to: invite), from: h.tcpPeer)
        h.layer.reportTransportError(for: key)
        #expect(h.user.summaries == ["response 180", "transport error", "terminated"])
    }

    @Test("the TU's mistakes are errors, not traps")
    func misuse() throws {
        let h = try TransactionLayerHarness()
        defer { h.finish() }
        let options = try F.request("OPTIONS")
        try h.layer.sendRequest(options, to: h.udpPeer)
        #expect(throws: TransactionError(.duplicateTransaction, "")) { try h.layer.sendRequest(options, to: h.udpPeer) }
        #expect(throws: TransactionError(.wrongMethod, "")) { try h.layer.sendRequest(try F.request("ACK"), to: h.udpPeer) }
        #expect(throws: TransactionError(.missingHeader, "")) {
            try h.layer.sendRequest(try F.request("OPTIONS", branch: nil), to: h.udpPeer)
        }
        let clientKey = try #require(TransactionKey.client(for: options))
        #expect(throws: TransactionError(.noSuchTransaction, "")) {
            try h.layer.sendResponse(try F.response(200, to: options), for: clientKey)
        }
        #expect(throws: TransactionError(.wrongKindOfMessage, "")) { try h.layer.sendResponse(options, for: clientKey) }
    }

    @Test("a CANCEL gets its own transaction and finds the INVITE it cancels")
    func cancel() throws {
        let h = try TransactionLayerHarness()
        defer { h.finish() }
        let invite = try F.invite()
        h.layer.receive(invite, from: h.udpPeer)
        let cancel = try F.request("CANCEL")
        h.layer.receive(cancel, from: h.udpPeer)
        #expect(h.user.summaries == ["request INVITE", "request CANCEL"])
        #expect(h.layer.liveTransactionCount == 2)
        let inviteKey = try #require(TransactionKey.serverInvite(cancelledBy: cancel))
        #expect(h.layer.contains(inviteKey))
        try h.layer.sendResponse(try F.response(200, to: cancel), for: try #require(h.user.lastRequestKey))
        try h.layer.sendResponse(try F.response(487, to: invite), for: inviteKey)
        #expect(h.transport.summaries == ["200", "487"])
    }
}
