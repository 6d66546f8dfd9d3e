import NIOCore
import SIPMessage
import SIPStack
import Testing

@Suite("Server INVITE transaction (RFC 3261 §17.2.1, Figure 7; RFC 6026)")
struct ServerInviteTransactionTests {
    typealias Row = TransactionTableRow<ServerTransactionStep, ServerInviteTransaction.State>

    static let busy: [ServerTransactionStep] = [.received, .tu(486)]
    static let ok: [ServerTransactionStep] = [.received, .tu(200)]

    /// Every arc of Figure 7 and RFC 6026's Accepted, over UDP and over a reliable transport.
    static let rows: [Row] = [
        Row("INVITE: pass to TU, start the 100 (Trying) timer", [], .received,
            ["start trying 200ms", "pass INVITE"], .proceeding),
        Row("INVITE over TCP: the same", reliable: true, [], .received,
            ["start trying 200ms", "pass INVITE"], .proceeding),
        Row("events before the INVITE are ignored", [], .tu(180), [], .proceeding),
        Row("requestReceived twice passes up once", [.received], .received, [], .proceeding),
        // Proceeding.
        Row("Proceeding: the TU is silent for 200 ms: send 100", [.received], .fire(.trying), ["send 100"], .proceeding),
        Row("Proceeding: INVITE before any response: nothing to resend", [.received], .retransmitted, [], .proceeding),
        Row("Proceeding: INVITE after 100: resend 100", [.received, .fire(.trying)], .retransmitted,
            ["retransmit 100"], .proceeding),
        Row("Proceeding: 1xx from TU: cancel the 100 timer, send", [.received], .tu(180),
            ["cancel trying", "send 180"], .proceeding),
        Row("Proceeding: 1xx from TU after our 100", [.received, .fire(.trying)], .tu(180), ["send 180"], .proceeding),
        Row("Proceeding: INVITE after 180: resend 180", [.received, .tu(180)], .retransmitted,
            ["retransmit 180"], .proceeding),
        Row("Proceeding: the 100 timer after the TU answered does nothing", [.received, .tu(180)], .fire(.trying),
            [], .proceeding),
        Row("Proceeding: 2xx from TU: send, to Accepted, start L", [.received], .tu(200),
            ["cancel trying", "send 200", "start timerL 32000ms"], .accepted),
        Row("Proceeding: 2xx from TU over TCP", reliable: true, [.received, .tu(180)], .tu(200),
            ["send 200", "start timerL 32000ms"], .accepted),
        Row("Proceeding: 300-699 from TU: send, start G and H", [.received], .tu(486),
            ["cancel trying", "send 486", "start timerG 500ms", "start timerH 32000ms"], .completed),
        Row("Proceeding: 300-699 from TU over TCP: start H only", reliable: true, [.received, .tu(180)], .tu(486),
            ["send 486", "start timerH 32000ms"], .completed),
        // RFC 6026 §8.8: a server transaction reports a transport error and stays.
        Row("Proceeding: transport error: to TU, stay", [.received, .tu(180)], .transportError,
            ["transport error"], .proceeding),
        Row("Proceeding: an ACK is ignored", [.received], .ack, [], .proceeding),
        // Completed.
        Row("Completed: INVITE: resend the final response", busy, .retransmitted, ["retransmit 486"], .completed),
        Row("Completed: Timer G fires: resend, G = MIN(2G, T2)", busy, .fire(.timerG),
            ["retransmit 486", "start timerG 1000ms"], .completed),
        Row("Completed: Timer G never runs over TCP", reliable: true, busy, .fire(.timerG), [], .completed),
        Row("Completed: Timer H fires: failure to TU", busy, .fire(.timerH), ["timeout timerH", "terminate"], .terminated),
        Row("Completed: Timer H fires over TCP", reliable: true, busy, .fire(.timerH),
            ["timeout timerH", "terminate"], .terminated),
        Row("Completed: ACK: to Confirmed, start I", busy, .ack,
            ["cancel timerG", "cancel timerH", "start timerI 5000ms"], .confirmed),
        Row("Completed: ACK over TCP: I = 0", reliable: true, busy, .ack, ["cancel timerH", "terminate"], .terminated),
        Row("Completed: transport error: to TU, stay", busy, .transportError, ["transport error"], .completed),
        Row("Completed: after a transport error the ACK still confirms", busy + [.transportError], .ack,
            ["cancel timerG", "cancel timerH", "start timerI 5000ms"], .confirmed),
        Row("Completed: another response from TU is dropped", busy, .tu(500), [], .completed),
        // Confirmed.
        Row("Confirmed: ACK absorbed", busy + [.ack], .ack, [], .confirmed),
        Row("Confirmed: INVITE absorbed", busy + [.ack], .retransmitted, [], .confirmed),
        Row("Confirmed: a stale Timer G does nothing", busy + [.ack], .fire(.timerG), [], .confirmed),
        Row("Confirmed: Timer I fires", busy + [.ack], .fire(.timerI), ["terminate"], .terminated),
        Row("Confirmed: transport error: to TU, stay", busy + [.ack], .transportError, ["transport error"], .confirmed),
        // Accepted (RFC 6026 §8.5-§8.7).
        Row("Accepted: INVITE absorbed", ok, .retransmitted, [], .accepted),
        Row("Accepted: ACK to TU", ok, .ack, ["pass ACK"], .accepted),
        Row("Accepted: 2xx from TU: send", ok, .tu(200), ["send 200"], .accepted),
        Row("Accepted: 300-699 from TU dropped", ok, .tu(486), [], .accepted),
        Row("Accepted: transport error: to TU, stay", ok, .transportError, ["transport error"], .accepted),
        Row("Accepted: Timer L fires", ok, .fire(.timerL), ["terminate"], .terminated),
        // Terminated.
        Row("Terminated: everything ignored", busy + [.fire(.timerH)], .retransmitted, [], .terminated),
        Row("Terminated: TU responses ignored", ok + [.fire(.timerL)], .tu(200), [], .terminated),
        Row("Terminated: transport errors ignored", ok + [.fire(.timerL)], .transportError, [], .terminated),
    ]

    @Test("Figure 7 transitions", arguments: rows)
    func transition(_ row: Row) throws {
        let invite = try TransactionFixtures.invite()
        var transaction = try ServerInviteTransaction(request: invite, reliable: row.reliable)
        for step in row.setup {
            _ = transaction.handle(try step.event(for: invite))
        }
        let actions = transaction.handle(try row.event.event(for: invite))
        #expect(TransactionFixtures.summaries(actions) == row.actions, "after \(row.setup), on \(row.event)")
        #expect(transaction.state == row.state)
    }

    @Test("Timer G doubles up to T2")
    func timerGBackoff() throws {
        let invite = try TransactionFixtures.invite()
        var transaction = try ServerInviteTransaction(request: invite, reliable: false)
        _ = transaction.handle(.requestReceived)
        let busy = try TransactionFixtures.response(486, to: invite)
        _ = transaction.handle(.tuSent(busy))
        var intervals: [Int64] = []
        for _ in 0..<6 {
            let actions = transaction.handle(.timerFired(.timerG))
            #expect(actions.first == .retransmit(busy.bytes))
            for case .startTimer(.timerG, let duration) in actions { intervals.append(duration.nanoseconds / 1_000_000) }
        }
        #expect(intervals == [1000, 2000, 4000, 4000, 4000, 4000])
    }

    @Test("the 100 (Trying) it builds copies Via, From, To, Call-ID, CSeq and Timestamp (RFC 3261 §8.2.6.1)")
    func tryingBytes() throws {
        let invite = try SIPMessage(parsing: TransactionFixtures.wire([
            "INVITE sip:door@192.0.2.20 SIP/2.0",
            "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKpbx1;rport",
            "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKedge",
            "Max-Forwards: 69",
            "From: \"Reception\" <sip:100@pbx.example.com>;tag=as58f4201b",
            "To: <sip:door@192.0.2.20>",
            "Call-ID: 3848276298220188511@192.0.2.10",
            "CSeq: 102 INVITE",
            "Timestamp: 54",
            "Contact: <sip:100@192.0.2.10>",
            "Content-Length: 0",
        ]))
        var transaction = try ServerInviteTransaction(
            request: invite, reliable: false, source: (host: "198.51.100.7", port: 6000))
        _ = transaction.handle(.requestReceived)
        let actions = transaction.handle(.timerFired(.trying))
        let expected = TransactionFixtures.wire([
            "SIP/2.0 100 Trying",
            "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKpbx1;received=198.51.100.7;rport=6000",
            "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKedge",
            "From: \"Reception\" <sip:100@pbx.example.com>;tag=as58f4201b",
            "To: <sip:door@192.0.2.20>",
            "Call-ID: 3848276298220188511@192.0.2.10",
            "CSeq: 102 INVITE",
            "Timestamp: 54",
            "Content-Length: 0",
        ])
        #expect(actions.count == 1)
        guard case .send(let trying) = actions.first else {
            Issue.record("expected a send, got \(actions)")
            return
        }
        #expect(String(buffer: trying) == expected)
        #expect(transaction.lastResponse == trying)
    }

    @Test("with a 100 (Trying) delay of 0 the INVITE is answered at once")
    func immediateTrying() throws {
        let invite = try TransactionFixtures.invite()
        var transaction = try ServerInviteTransaction(
            request: invite, reliable: false, timers: TransactionTimers(trying: .zero))
        #expect(TransactionFixtures.summaries(transaction.handle(.requestReceived)) == ["send 100", "pass INVITE"])
        #expect(TransactionFixtures.summaries(transaction.handle(.tuSent(try TransactionFixtures.response(180, to: invite))))
            == ["send 180"])
    }

    @Test("only an INVITE makes a server INVITE transaction")
    func refusesOtherMethods() throws {
        let options = try TransactionFixtures.request("OPTIONS")
        #expect(throws: TransactionError(.wrongMethod, "")) {
            try ServerInviteTransaction(request: options, reliable: false)
        }
    }
}
