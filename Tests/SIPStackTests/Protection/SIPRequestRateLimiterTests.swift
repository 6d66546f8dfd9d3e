import NIOCore
import SIPMessage
import SIPStack
import Testing

@Suite("SIPRequestRateLimiter: new requests per source, in virtual time")
struct SIPRequestRateLimiterTests {
    typealias F = TransactionFixtures
    let start = NIODeadline.uptimeNanoseconds(5_000_000_000)

    func at(_ milliseconds: Int64) -> NIODeadline { start + .milliseconds(milliseconds) }
    func address(_ ip: String, _ port: Int = 5060) throws -> SocketAddress { try SocketAddress(ipAddress: ip, port: port) }

    @Test("a burst goes through, the rest of the storm is dropped, and the rate comes back as tokens refill")
    func bucket() throws {
        var limiter = SIPRequestRateLimiter(limit: SIPRequestRateLimit(requestsPerSecond: 10, burst: 5))
        let invite = try F.invite()
        let source = try address("192.0.2.7")
        var decisions: [SIPRequestRateLimiter.Decision] = []
        for _ in 0..<8 { decisions.append(limiter.decide(invite, from: source, now: at(0))) }
        #expect(decisions == Array(repeating: .admit, count: 5) + [.drop(first: true), .drop(first: false), .drop(first: false)])
        #expect(limiter.dropped == 3)
        // 10/s: one token per 100 ms.
        #expect(limiter.decide(invite, from: source, now: at(99)) == .drop(first: false))
        // A dropped request costs no token: at 200 ms two have come back.
        #expect(limiter.decide(invite, from: source, now: at(200)) == .admit)
        #expect(limiter.decide(invite, from: source, now: at(200)) == .admit)
        #expect(limiter.decide(invite, from: source, now: at(200)) == .drop(first: true), "a new run after an admit is logged again")
        // Idle for a second: the full burst again, not more.
        let later = (0..<7).map { _ in limiter.decide(invite, from: source, now: at(5_000)) }
        #expect(later.filter { $0 == .admit }.count == 5)
    }

    @Test("the port does not matter, the address (IPv6: its /64) does; exempt addresses, in-dialog requests and other methods pass")
    func keys() throws {
        var limiter = SIPRequestRateLimiter(
            limit: SIPRequestRateLimit(requestsPerSecond: 1, burst: 2, exempt: [try address("192.0.2.1", 5060)]))
        let invite = try F.invite()
        #expect(limiter.decide(invite, from: try address("192.0.2.7", 1000), now: at(0)) == .admit)
        #expect(limiter.decide(invite, from: try address("192.0.2.7", 2000), now: at(0)) == .admit)
        #expect(limiter.decide(invite, from: try address("192.0.2.7", 3000), now: at(0)) == .drop(first: true))
        #expect(limiter.decide(invite, from: try address("192.0.2.8", 3000), now: at(0)) == .admit)
        #expect(limiter.decide(invite, from: try address("2001:db8::7", 3000), now: at(0)) == .admit)
        #expect(limiter.decide(invite, from: try address("2001:db8::7", 3001), now: at(0)) == .admit)
        #expect(limiter.decide(invite, from: try address("2001:db8::7", 3002), now: at(0)) == .drop(first: true))
        // Another address of the same /64 is the same source; another /64 is not.
        #expect(limiter.decide(invite, from: try address("2001:db8::8", 3003), now: at(0)) == .drop(first: false))
        #expect(limiter.decide(invite, from: try address("2001:db8:0:1::7", 3003), now: at(0)) == .admit)
        for _ in 0..<50 {
            #expect(limiter.decide(invite, from: try address("192.0.2.1", 5060), now: at(0)) == .admit)
        }
        #expect(limiter.decide(invite, from: try address("192.0.2.1", 5061), now: at(0)) == .admit, "exempt is address and port")
        let source = try address("192.0.2.7", 4000)
        #expect(limiter.decide(try F.invite(toTag: "abc"), from: source, now: at(0)) == .admit, "re-INVITE in a dialog")
        #expect(limiter.decide(try F.request("OPTIONS"), from: source, now: at(0)) == .admit)
        #expect(limiter.decide(try F.request("BYE", toTag: "abc"), from: source, now: at(0)) == .admit)
        #expect(limiter.decide(try F.request("MESSAGE"), from: source, now: at(0)) == .drop(first: false))
        #expect(limiter.decide(try F.request("REGISTER"), from: source, now: at(0)) == .drop(first: false))
    }

    @Test("a flood from many addresses tracks at most maximumSources, and forgets idle ones")
    func boundedMemory() throws {
        var limiter = SIPRequestRateLimiter(limit: SIPRequestRateLimit(requestsPerSecond: 10, burst: 2, maximumSources: 64))
        let invite = try F.invite()
        var admitted = 0
        for index in 0..<1_000 {
            let source = try address("10.0.\(index / 250).\(index % 250 + 1)")
            if limiter.decide(invite, from: source, now: at(0)) == .admit { admitted += 1 }
            #expect(limiter.trackedSources <= 64)
        }
        #expect(admitted == 64, "new sources past the table are refused while it is busy")
        // 200 ms later every bucket has refilled (2 tokens at 10/s): room for new sources again.
        #expect(limiter.decide(invite, from: try address("198.51.100.1"), now: at(200)) == .admit)
        #expect(limiter.trackedSources == 1)
    }

    @Test("in the transaction layer: a storm of new INVITEs from one source creates at most the burst of transactions, silently")
    func layer() throws {
        let harness = try TransactionLayerHarness()
        defer { harness.finish() }
        harness.layer.rateLimit = SIPRequestRateLimit(requestsPerSecond: 10, burst: 20)
        for index in 0..<200 {
            harness.layer.receive(try F.invite(branch: "z9hG4bKstorm\(index)", callID: "storm-\(index)"), from: harness.udpPeer)
        }
        #expect(harness.layer.liveTransactionCount == 20)
        #expect(harness.layer.rateLimitedRequests == 180)
        #expect(harness.transport.sent.count <= 20, "nothing is sent for a dropped request (at most a 100 Trying per admitted one)")
        // A retransmission of an admitted INVITE still reaches its transaction.
        harness.layer.receive(try F.invite(branch: "z9hG4bKstorm0", callID: "storm-0"), from: harness.udpPeer)
        #expect(harness.layer.rateLimitedRequests == 180)
        harness.advance(to: 1_000)
        harness.layer.receive(try F.invite(branch: "z9hG4bKlater", callID: "later"), from: harness.udpPeer)
        #expect(harness.layer.rateLimitedRequests == 180, "tokens came back with time")
    }
}
