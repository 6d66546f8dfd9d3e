import NIOCore
import SIPMessage
import SIPStack
import Testing

@Suite("Server non-INVITE transaction (RFC 3261 §17.2.2, Figure 8)")
struct ServerNonInviteTransactionTests {
    typealias Row = TransactionTableRow<ServerTransactionStep, ServerNonInviteTransaction.State>

    /// Every arc of Figure 8, over UDP and over a reliable transport.
    static let rows: [Row] = [
        Row("request: pass to TU", [], .received, ["pass OPTIONS"], .trying),
        Row("events before the request are ignored", [], .tu(200), [], .trying),
        Row("requestReceived twice passes up once", [.received], .received, [], .trying),
        // Trying.
        Row("Trying: a retransmission is discarded", [.received], .retransmitted, [], .trying),
        Row("Trying: 1xx from TU: send, to Proceeding", [.received], .tu(100), ["send 100"], .proceeding),
        Row("Trying: 200-699 from TU: send, start J", [.received], .tu(200),
            ["send 200", "start timerJ 32000ms"], .completed),
        Row("Trying: 200-699 from TU over TCP: send, J = 0", reliable: true, [.received], .tu(404),
            ["send 404", "terminate"], .terminated),
        // RFC 6026 §8.8: a server transaction reports a transport error and stays.
        Row("Trying: transport error: to TU, stay", [.received], .transportError, ["transport error"], .trying),
        // Proceeding.
        Row("Proceeding: request: resend the last 1xx", [.received, .tu(100)], .retransmitted,
            ["retransmit 100"], .proceeding),
        Row("Proceeding: 1xx from TU: send", [.received, .tu(100)], .tu(180), ["send 180"], .proceeding),
        Row("Proceeding: request after a newer 1xx resends that one", [.received, .tu(100), .tu(180)], .retransmitted,
            ["retransmit 180"], .proceeding),
        Row("Proceeding: 200-699 from TU: send, start J", [.received, .tu(100)], .tu(404),
            ["send 404", "start timerJ 32000ms"], .completed),
        Row("Proceeding: 200-699 from TU over TCP", reliable: true, [.received, .tu(100)], .tu(200),
            ["send 200", "terminate"], .terminated),
        Row("Proceeding: transport error: to TU, stay", [.received, .tu(100)], .transportError,
            ["transport error"], .proceeding),
        // Completed.
        Row("Completed: request: resend the final response", [.received, .tu(200)], .retransmitted,
            ["retransmit 200"], .completed),
        Row("Completed: another final response from TU is discarded", [.received, .tu(200)], .tu(500), [], .completed),
        Row("Completed: Timer J fires", [.received, .tu(200)], .fire(.timerJ), ["terminate"], .terminated),
        Row("Completed: transport error: to TU, stay", [.received, .tu(200)], .transportError,
            ["transport error"], .completed),
        Row("Completed: after a transport error, a retransmission still gets the response", [.received, .tu(200), .transportError],
            .retransmitted, ["retransmit 200"], .completed),
        // Terminated.
        Row("Terminated: everything ignored", [.received, .tu(200), .fire(.timerJ)], .retransmitted, [], .terminated),
        Row("Terminated: transport errors ignored", [.received, .tu(200), .fire(.timerJ)], .transportError, [], .terminated),
    ]

    @Test("Figure 8 transitions", arguments: rows)
    func transition(_ row: Row) throws {
        let options = try TransactionFixtures.request("OPTIONS")
        var transaction = try ServerNonInviteTransaction(request: options, reliable: row.reliable)
        for step in row.setup {
            if let event = try step.nonInviteEvent(for: options) { _ = transaction.handle(event) }
        }
        let event = try #require(try row.event.nonInviteEvent(for: options))
        let actions = transaction.handle(event)
        #expect(TransactionFixtures.summaries(actions) == row.actions, "after \(row.setup), on \(row.event)")
        #expect(transaction.state == row.state)
    }

    @Test("INVITE and ACK do not make a server non-INVITE transaction", arguments: ["INVITE", "ACK"])
    func refusesInviteAndACK(method: String) throws {
        let request = try TransactionFixtures.request(method)
        #expect(throws: TransactionError(.wrongMethod, "")) {
            try ServerNonInviteTransaction(request: request, reliable: false)
        }
    }
}
