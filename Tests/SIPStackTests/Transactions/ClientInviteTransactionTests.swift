import NIOCore
import SIPMessage
import SIPStack
import Testing

@Suite("Client INVITE transaction (RFC 3261 §17.1.1, Figure 5; RFC 6026)")
struct ClientInviteTransactionTests {
    typealias Row = TransactionTableRow<ClientTransactionStep, ClientInviteTransaction.State>

    static let udpCancelAB = ["cancel timerA", "cancel timerB"]

    /// Every arc of Figure 5 (with RFC 6026's Accepted), over UDP and over a reliable transport.
    static let rows: [Row] = [
        // Start.
        Row("INVITE from TU: send, start A and B", [], .sent,
            ["send INVITE", "start timerA 500ms", "start timerB 32000ms"], .calling),
        Row("INVITE from TU: send, start B only", reliable: true, [], .sent,
            ["send INVITE", "start timerB 32000ms"], .calling),
        Row("a response before the request is sent is ignored", [], .response(180), [], .calling),
        Row("requestSent twice sends once", [.sent], .sent, [], .calling),
        // Calling.
        Row("Calling: Timer A fires: retransmit, A = 2*T1", [.sent], .fire(.timerA),
            ["retransmit INVITE", "start timerA 1000ms"], .calling),
        Row("Calling: Timer A never runs over TCP", reliable: true, [.sent], .fire(.timerA), [], .calling),
        Row("Calling: Timer B fires: timeout to TU", [.sent], .fire(.timerB), ["timeout timerB", "terminate"], .terminated),
        Row("Calling: Timer B fires over TCP", reliable: true, [.sent], .fire(.timerB),
            ["timeout timerB", "terminate"], .terminated),
        Row("Calling: transport error", [.sent], .transportError, ["transport error", "terminate"], .terminated),
        Row("Calling: 1xx: to TU, to Proceeding", [.sent], .response(180), udpCancelAB + ["pass 180"], .proceeding),
        Row("Calling: 1xx over TCP", reliable: true, [.sent], .response(100), ["cancel timerB", "pass 100"], .proceeding),
        Row("Calling: 2xx: to TU, to Accepted, start M", [.sent], .response(200),
            udpCancelAB + ["start timerM 32000ms", "pass 200"], .accepted),
        Row("Calling: 2xx over TCP", reliable: true, [.sent], .response(200),
            ["cancel timerB", "start timerM 32000ms", "pass 200"], .accepted),
        Row("Calling: 300-699: ACK, to TU, start D", [.sent], .response(486),
            udpCancelAB + ["send ACK", "start timerD 32000ms", "pass 486"], .completed),
        Row("Calling: 300-699 over TCP: ACK, to TU, D = 0", reliable: true, [.sent], .response(486),
            ["cancel timerB", "send ACK", "pass 486", "terminate"], .terminated),
        Row("Calling: 3xx", [.sent], .response(302),
            udpCancelAB + ["send ACK", "start timerD 32000ms", "pass 302"], .completed),
        // Proceeding.
        Row("Proceeding: 1xx: to TU", [.sent, .response(100)], .response(180), ["pass 180"], .proceeding),
        Row("Proceeding: 2xx: to TU, to Accepted", [.sent, .response(180)], .response(200),
            ["start timerM 32000ms", "pass 200"], .accepted),
        Row("Proceeding: 300-699: ACK, to TU", [.sent, .response(180)], .response(603),
            ["send ACK", "start timerD 32000ms", "pass 603"], .completed),
        Row("Proceeding: 300-699 over TCP", reliable: true, [.sent, .response(180)], .response(603),
            ["send ACK", "pass 603", "terminate"], .terminated),
        Row("Proceeding: a stale Timer A does nothing", [.sent, .response(180)], .fire(.timerA), [], .proceeding),
        Row("Proceeding: a stale Timer B does nothing", [.sent, .response(180)], .fire(.timerB), [], .proceeding),
        Row("Proceeding: transport error", [.sent, .response(180)], .transportError,
            ["transport error", "terminate"], .terminated),
        // Completed.
        Row("Completed: 300-699 again: ACK again, not to TU", [.sent, .response(486)], .response(486),
            ["retransmit ACK"], .completed),
        Row("Completed: a 1xx is absorbed", [.sent, .response(486)], .response(180), [], .completed),
        Row("Completed: a 2xx is absorbed", [.sent, .response(486)], .response(200), [], .completed),
        Row("Completed: Timer D fires", [.sent, .response(486)], .fire(.timerD), ["terminate"], .terminated),
        Row("Completed: transport error", [.sent, .response(486)], .transportError,
            ["transport error", "terminate"], .terminated),
        Row("Completed: a stale Timer A does nothing", [.sent, .response(486)], .fire(.timerA), [], .completed),
        // Accepted (RFC 6026 §8.4).
        Row("Accepted: 2xx again: to TU", [.sent, .response(200)], .response(200), ["pass 200"], .accepted),
        Row("Accepted: 1xx absorbed", [.sent, .response(200)], .response(180), [], .accepted),
        Row("Accepted: 300-699 absorbed", [.sent, .response(200)], .response(486), [], .accepted),
        Row("Accepted: Timer M fires", [.sent, .response(200)], .fire(.timerM), ["terminate"], .terminated),
        Row("Accepted: transport error is reported", [.sent, .response(200)], .transportError,
            ["transport error"], .accepted),
        // Terminated.
        Row("Terminated: responses ignored", [.sent, .fire(.timerB)], .response(200), [], .terminated),
        Row("Terminated: timers ignored", [.sent, .response(486), .fire(.timerD)], .fire(.timerD), [], .terminated),
        Row("Terminated: transport errors ignored", [.sent, .fire(.timerB)], .transportError, [], .terminated),
    ]

    @Test("Figure 5 transitions", arguments: rows)
    func transition(_ row: Row) throws {
        let invite = try TransactionFixtures.invite()
        var transaction = try ClientInviteTransaction(request: invite, reliable: row.reliable)
        for step in row.setup {
            _ = transaction.handle(try step.event(for: invite))
        }
        let actions = transaction.handle(try row.event.event(for: invite))
        #expect(TransactionFixtures.summaries(actions) == row.actions, "after \(row.setup), on \(row.event)")
        #expect(transaction.state == row.state)
    }

    @Test("Timer A doubles after each retransmission, with no cap at T2, until Timer B")
    func timerABackoff() throws {
        let invite = try TransactionFixtures.invite()
        var transaction = try ClientInviteTransaction(request: invite, reliable: false)
        _ = transaction.handle(.requestSent)
        var intervals: [Int64] = []
        for _ in 0..<6 {
            let actions = transaction.handle(.timerFired(.timerA))
            #expect(actions.first == .retransmit(invite.bytes))
            for case .startTimer(.timerA, let duration) in actions { intervals.append(duration.nanoseconds / 1_000_000) }
        }
        // Sent at 0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 s; Timer B ends it at 32 s (RFC 3261 §17.1.1.2).
        #expect(intervals == [1000, 2000, 4000, 8000, 16000, 32000])
    }

    @Test("Timer A follows a configured T1")
    func timerAFollowsT1() throws {
        let invite = try TransactionFixtures.invite()
        var transaction = try ClientInviteTransaction(
            request: invite, reliable: false, timers: TransactionTimers(t1: .milliseconds(100), t2: .milliseconds(300)))
        #expect(TransactionFixtures.summaries(transaction.handle(.requestSent))
            == ["send INVITE", "start timerA 100ms", "start timerB 6400ms"])
        #expect(TransactionFixtures.summaries(transaction.handle(.timerFired(.timerA))) == ["retransmit INVITE", "start timerA 200ms"])
        #expect(TransactionFixtures.summaries(transaction.handle(.timerFired(.timerA))) == ["retransmit INVITE", "start timerA 400ms"])
    }

    @Test("the ACK of a 4xx, byte for byte (RFC 3261 §17.1.1.3)")
    func ackOf4xx() throws {
        let sdp = "v=0\r\no=alice 2890844526 2890844526 IN IP4 pc33.atlanta.example.com\r\ns=-\r\nc=IN IP4 192.0.2.101\r\nt=0 0\r\nm=audio 49172 RTP/AVP 0\r\n"
        let invite = try SIPMessage(parsing: TransactionFixtures.wire([
            "INVITE sip:bob@biloxi.example.com;transport=udp SIP/2.0",
            "Via: SIP/2.0/UDP pc33.atlanta.example.com:5060;branch=z9hG4bKnashds8;rport , SIP/2.0/UDP 192.0.2.7;branch=z9hG4bKother",
            "Via: SIP/2.0/TCP bigbox3.site3.example.com;branch=z9hG4bK77ef4c2312983.1",
            "Route: <sip:p1.example.com;lr>",
            "Max-Forwards: 69",
            "To: Bob <sip:bob@biloxi.example.com>",
            "From: \"Alice, A.\" <sip:alice@atlanta.example.com>;tag=1928301774",
            "Call-ID: a84b4c76e66710@pc33.atlanta.example.com",
            "CSeq: 314159 INVITE",
            "Route: <sip:p2.example.com;lr>,<sip:p3.example.com;lr>",
            "Contact: <sip:alice@pc33.atlanta.example.com>",
            "Subject: lunch",
            "Content-Type: application/sdp",
            "Content-Length: \(sdp.utf8.count)",
        ], body: sdp))
        let busy = try SIPMessage(parsing: TransactionFixtures.wire([
            "SIP/2.0 486 Busy Here",
            "Via: SIP/2.0/UDP pc33.atlanta.example.com:5060;branch=z9hG4bKnashds8;rport=5060;received=192.0.2.101",
            "To: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf",
            "From: \"Alice, A.\" <sip:alice@atlanta.example.com>;tag=1928301774",
            "Call-ID: a84b4c76e66710@pc33.atlanta.example.com",
            "CSeq: 314159 INVITE",
            "Retry-After: 60",
            "Content-Length: 0",
        ]))
        var transaction = try ClientInviteTransaction(request: invite, reliable: false)
        _ = transaction.handle(.requestSent)
        let actions = transaction.handle(.responseReceived(busy))

        let expected = TransactionFixtures.wire([
            "ACK sip:bob@biloxi.example.com;transport=udp SIP/2.0",
            // Only the top Via of the INVITE, with the same branch.
            "Via: SIP/2.0/UDP pc33.atlanta.example.com:5060;branch=z9hG4bKnashds8;rport",
            // Every Route of the INVITE, in order.
            "Route: <sip:p1.example.com;lr>",
            "Route: <sip:p2.example.com;lr>,<sip:p3.example.com;lr>",
            "Max-Forwards: 69",
            // From, Call-ID and Request-URI of the INVITE; To of the response, with its tag.
            "From: \"Alice, A.\" <sip:alice@atlanta.example.com>;tag=1928301774",
            "To: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf",
            "Call-ID: a84b4c76e66710@pc33.atlanta.example.com",
            // The CSeq number of the INVITE with the method ACK.
            "CSeq: 314159 ACK",
            "Content-Length: 0",
        ])
        let ack = try #require(transaction.ack)
        #expect(String(buffer: ack) == expected)
        #expect(actions.contains(.send(ack)))

        let parsed = try SIPMessage(parsing: ack)
        try parsed.validate()
        #expect(parsed.method == .ack)
        #expect(parsed.cseqMethod == .ack)
        #expect(parsed.cseqNumber == invite.cseqNumber)
        #expect(parsed.viaCount == 1)
        #expect(parsed.topViaBranch == invite.topViaBranch)
        #expect(parsed.requestURI == invite.requestURI)
        #expect(parsed.toTag?.string == "a6c85cf")
        #expect(parsed.body.isEmpty)
        #expect(parsed.firstValue(.contact) == nil && parsed.firstValue(.subject) == nil)
        #expect(TransactionKey.server(for: parsed) == TransactionKey.server(for: invite))

        // A retransmitted 486 gets the same ACK again.
        #expect(transaction.handle(.responseReceived(busy)) == [.retransmit(ack)])
    }

    @Test("the ACK without Route or Max-Forwards in the INVITE")
    func ackWithoutRoute() throws {
        let invite = try SIPMessage(parsing: TransactionFixtures.wire([
            "INVITE sip:door@192.0.2.20 SIP/2.0",
            "Via: SIP/2.0/TCP 192.0.2.10:5060;branch=z9hG4bKabc",
            "To: <sip:door@192.0.2.20>",
            "From: <sip:pbx@192.0.2.10>;tag=77",
            "Call-ID: 1@192.0.2.10",
            "CSeq: 2 INVITE",
            "Content-Length: 0",
        ]))
        let response = try TransactionFixtures.response(404, to: invite, toTag: "zz")
        let ack = ClientInviteTransaction.makeACK(for: invite, response: response)
        #expect(String(buffer: ack) == TransactionFixtures.wire([
            "ACK sip:door@192.0.2.20 SIP/2.0",
            "Via: SIP/2.0/TCP 192.0.2.10:5060;branch=z9hG4bKabc",
            "Max-Forwards: 70",
            "From: <sip:pbx@192.0.2.10>;tag=77",
            "To: <sip:door@192.0.2.20>;tag=zz",
            "Call-ID: 1@192.0.2.10",
            "CSeq: 2 ACK",
            "Content-Length: 0",
        ]))
    }

    @Test("a request that is not an INVITE with the needed headers is refused", arguments: [
        ("OPTIONS", TransactionError.Code.wrongMethod),
        ("ACK", TransactionError.Code.wrongMethod),
    ])
    func refusesWrongRequests(method: String, code: TransactionError.Code) throws {
        let request = try TransactionFixtures.request(method)
        #expect(throws: TransactionError(code, "")) {
            try ClientInviteTransaction(request: request, reliable: false)
        }
    }

    @Test("an INVITE without a branch or a response is refused")
    func refusesMissingBranch() throws {
        let noBranch = try TransactionFixtures.invite(branch: nil)
        #expect(throws: TransactionError(.missingHeader, "")) {
            try ClientInviteTransaction(request: noBranch, reliable: false)
        }
        let response = try TransactionFixtures.response(200, to: try TransactionFixtures.invite())
        #expect(throws: TransactionError(.wrongKindOfMessage, "")) {
            try ClientInviteTransaction(request: response, reliable: false)
        }
    }
}
