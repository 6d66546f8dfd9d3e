import NIOCore
import SIPMessage
import SIPStack
import Testing

@Suite("Client non-INVITE transaction (RFC 3261 §17.1.2, Figure 6)")
struct ClientNonInviteTransactionTests {
    typealias Row = TransactionTableRow<ClientTransactionStep, ClientNonInviteTransaction.State>

    /// Every arc of Figure 6, over UDP and over a reliable transport.
    static let rows: [Row] = [
        Row("request from TU: send, start E and F", [], .sent,
            ["send OPTIONS", "start timerE 500ms", "start timerF 32000ms"], .trying),
        Row("request from TU over TCP: send, start F only", reliable: true, [], .sent,
            ["send OPTIONS", "start timerF 32000ms"], .trying),
        Row("a response before the request is sent is ignored", [], .response(200), [], .trying),
        // Trying.
        Row("Trying: Timer E fires: retransmit, E = MIN(2E, T2)", [.sent], .fire(.timerE),
            ["retransmit OPTIONS", "start timerE 1000ms"], .trying),
        Row("Trying: Timer E never runs over TCP", reliable: true, [.sent], .fire(.timerE), [], .trying),
        Row("Trying: Timer F fires: timeout to TU", [.sent], .fire(.timerF), ["timeout timerF", "terminate"], .terminated),
        Row("Trying: Timer F fires over TCP", reliable: true, [.sent], .fire(.timerF),
            ["timeout timerF", "terminate"], .terminated),
        Row("Trying: transport error", [.sent], .transportError, ["transport error", "terminate"], .terminated),
        Row("Trying: 1xx: to TU, to Proceeding", [.sent], .response(100), ["pass 100"], .proceeding),
        Row("Trying: 200-699: to TU, start K", [.sent], .response(200),
            ["cancel timerE", "cancel timerF", "start timerK 5000ms", "pass 200"], .completed),
        Row("Trying: 200-699 over TCP: to TU, K = 0", reliable: true, [.sent], .response(404),
            ["cancel timerF", "pass 404", "terminate"], .terminated),
        // Proceeding.
        Row("Proceeding: Timer E fires: retransmit, E = T2", [.sent, .response(100)], .fire(.timerE),
            ["retransmit OPTIONS", "start timerE 4000ms"], .proceeding),
        Row("Proceeding: 1xx: to TU", [.sent, .response(100)], .response(180), ["pass 180"], .proceeding),
        Row("Proceeding: 200-699: to TU, start K", [.sent, .response(100)], .response(404),
            ["cancel timerE", "cancel timerF", "start timerK 5000ms", "pass 404"], .completed),
        Row("Proceeding: 200-699 over TCP", reliable: true, [.sent, .response(100)], .response(200),
            ["cancel timerF", "pass 200", "terminate"], .terminated),
        Row("Proceeding: Timer F fires: timeout to TU", [.sent, .response(100)], .fire(.timerF),
            ["timeout timerF", "terminate"], .terminated),
        Row("Proceeding: transport error", [.sent, .response(100)], .transportError,
            ["transport error", "terminate"], .terminated),
        // Completed.
        Row("Completed: a retransmitted final response is absorbed", [.sent, .response(200)], .response(200), [], .completed),
        Row("Completed: a 1xx is absorbed", [.sent, .response(200)], .response(180), [], .completed),
        Row("Completed: Timer K fires", [.sent, .response(200)], .fire(.timerK), ["terminate"], .terminated),
        Row("Completed: a stale Timer E does nothing", [.sent, .response(200)], .fire(.timerE), [], .completed),
        Row("Completed: a stale Timer F does nothing", [.sent, .response(200)], .fire(.timerF), [], .completed),
        Row("Completed: transport error ignored", [.sent, .response(200)], .transportError, [], .completed),
        // Terminated.
        Row("Terminated: everything ignored", [.sent, .fire(.timerF)], .response(200), [], .terminated),
    ]

    @Test("Figure 6 transitions", arguments: rows)
    func transition(_ row: Row) throws {
        let options = try TransactionFixtures.request("OPTIONS")
        var transaction = try ClientNonInviteTransaction(request: options, reliable: row.reliable)
        for step in row.setup {
            _ = transaction.handle(try step.nonInviteEvent(for: options))
        }
        let actions = transaction.handle(try row.event.nonInviteEvent(for: options))
        #expect(TransactionFixtures.summaries(actions) == row.actions, "after \(row.setup), on \(row.event)")
        #expect(transaction.state == row.state)
    }

    /// The intervals Timer E is restarted with after each firing.
    static func timerEIntervals(_ transaction: inout ClientNonInviteTransaction, firings: Int) -> [Int64] {
        var intervals: [Int64] = []
        for _ in 0..<firings {
            for case .startTimer(.timerE, let duration) in transaction.handle(.timerFired(.timerE)) {
                intervals.append(duration.nanoseconds / 1_000_000)
            }
        }
        return intervals
    }

    @Test("Timer E doubles up to T2 while Trying, and stays at T2 in Proceeding")
    func timerEBackoff() throws {
        let options = try TransactionFixtures.request("OPTIONS")
        var trying = try ClientNonInviteTransaction(request: options, reliable: false)
        _ = trying.handle(.requestSent)
        #expect(Self.timerEIntervals(&trying, firings: 6) == [1000, 2000, 4000, 4000, 4000, 4000])

        var proceeding = try ClientNonInviteTransaction(request: options, reliable: false)
        _ = proceeding.handle(.requestSent)
        #expect(Self.timerEIntervals(&proceeding, firings: 1) == [1000])
        _ = proceeding.handle(.responseReceived(try TransactionFixtures.response(100, to: options)))
        // §17.1.2.2: in Proceeding, E is reset to T2 at every firing, even the first.
        #expect(Self.timerEIntervals(&proceeding, firings: 3) == [4000, 4000, 4000])
    }

    @Test("Timer E follows a configured T1 and T2")
    func timerEConfigured() throws {
        let options = try TransactionFixtures.request("OPTIONS")
        var transaction = try ClientNonInviteTransaction(
            request: options, reliable: false, timers: TransactionTimers(t1: .milliseconds(100), t2: .milliseconds(300)))
        #expect(TransactionFixtures.summaries(transaction.handle(.requestSent))
            == ["send OPTIONS", "start timerE 100ms", "start timerF 6400ms"])
        #expect(Self.timerEIntervals(&transaction, firings: 4) == [200, 300, 300, 300])
    }

    @Test("INVITE and ACK do not make a client non-INVITE transaction", arguments: ["INVITE", "ACK"])
    func refusesInviteAndACK(method: String) throws {
        let request = try TransactionFixtures.request(method)
        #expect(throws: TransactionError(.wrongMethod, "")) {
            try ClientNonInviteTransaction(request: request, reliable: false)
        }
    }
}
