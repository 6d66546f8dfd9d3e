import NIOCore
import NIOEmbedded
import SIPMessage
import SIPStack
import Testing

@Suite("RegistrationClient on virtual time, with a TransactionLayer and a fake registrar")
struct RegistrationClientTests {
    typealias F = RegistrationFixtures

    /// Advances to 1 ms before `deadline` (nanoseconds) and checks that `count` REGISTERs were
    /// sent, then to `deadline` and checks that one more was (STYLE.md item 20).
    static func expectRegister(
        _ h: RegistrationHarness, at deadline: Int64, count: Int, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        h.advance(toNanoseconds: deadline - 1_000_000)
        #expect(h.transport.sent.count == count, "1 ms before the deadline", sourceLocation: sourceLocation)
        h.advance(toNanoseconds: deadline)
        #expect(h.transport.sent.count == count + 1, "at the deadline", sourceLocation: sourceLocation)
    }

    @Test("register, then refresh at exactly half of a 60 s grant, and again after the refresh")
    func registerAndRefresh() throws {
        let h = try RegistrationHarness(configuration: F.configuration(expires: 60, credentials: false))
        defer { h.finish() }
        h.client.start()
        #expect(h.transport.cseqs == [1])
        #expect(h.lastRequest?.method == .register)
        #expect(h.client.state == .registering)
        try h.answer { try F.ok(to: $0, expires: 60) }
        #expect(h.client.state == .registered(expires: 60, contacts: [F.contact]))

        Self.expectRegister(h, at: 30_000_000_000, count: 1)
        #expect(h.transport.cseqs == [1, 2])
        #expect(h.lastRequest?.callID?.string == "reg-call-1")
        try h.answer { try F.ok(to: $0, expires: 60) }
        Self.expectRegister(h, at: 60_000_000_000, count: 2)
        #expect(h.transport.cseqs == [1, 2, 3])
        #expect(h.states == [.registering, .registered(expires: 60, contacts: [F.contact])])
    }

    @Test("401 then 200 through the transaction layer; the digest verifies")
    func challenge() throws {
        var challenger = try F.challenger()
        let h = try RegistrationHarness(configuration: F.configuration(expires: 3600))
        defer { h.finish() }
        h.client.start()
        try h.answer { try F.challenge(to: $0, from: challenger) }
        #expect(h.transport.cseqs == [1, 2])
        let answered = try #require(h.lastRequest)
        #expect(challenger.verify(request: answered, now: F.now) { _ in F.password } == .accepted(username: "door"))
        try h.answer { try F.ok(to: $0, expires: 3600) }
        #expect(h.client.state == .registered(expires: 3600, contacts: [F.contact]))
        Self.expectRegister(h, at: 3_570_000_000_000, count: 2)
    }

    @Test("stop: REGISTER Expires: 0, unregistered, and no timer left")
    func unregister() throws {
        let h = try RegistrationHarness(configuration: F.configuration(expires: 60, credentials: false))
        defer { h.finish() }
        h.client.start()
        try h.answer { try F.ok(to: $0, expires: 60) }
        h.advance(to: 10_000)
        h.client.stop()
        #expect(h.client.state == .unregistering)
        let request = try #require(h.lastRequest)
        #expect(request.cseqNumber == 2)
        #expect(try request.expires() == 0)
        try h.answer(status: 200, reason: "OK")
        #expect(h.client.state == .unregistered)
        h.advance(to: 10_000_000)
        #expect(h.transport.sent.count == 2, "the refresh timer was cancelled")
        #expect(h.states.last == .unregistered)
    }

    @Test("Timer F timeout: retry after the backoff delay, to the millisecond")
    func timeoutRetries() throws {
        let h = try RegistrationHarness(configuration: F.configuration(credentials: false))
        defer { h.finish() }
        h.client.start()
        h.advance(to: 31_999)
        #expect(h.client.state == .registering)
        h.advance(to: 32_000)
        guard case .retrying(let after, 1, let reason) = h.client.state else {
            Issue.record("not retrying: \(h.client.state)")
            return
        }
        #expect(reason.code == .timeout)
        #expect(after <= .seconds(1) && after >= .milliseconds(500))
        Self.expectRegister(h, at: 32_000_000_000 + after.nanoseconds, count: 1)
        #expect(h.transport.cseqs == [1, 2])
        #expect(h.client.state == .registering)
    }

    @Test("503 with Retry-After: 5 retries at exactly 5 s")
    func retryAfter() throws {
        let h = try RegistrationHarness(configuration: F.configuration(credentials: false))
        defer { h.finish() }
        h.client.start()
        h.advance(to: 100)
        try h.answer(status: 503, reason: "Service Unavailable", headers: [(.retryAfter, "5")])
        #expect(h.client.state == .retrying(after: .seconds(5), attempt: 1, reason: RegistrationFailure(.rejected, status: 503)))
        Self.expectRegister(h, at: 5_100_000_000, count: 1)
    }

    @Test("RFC 3263 §4.3: a timeout or a 503 moves the retry to the next server, wrapping around")
    func failover() throws {
        let second = TransactionDestination.reliable(try SocketAddress(ipAddress: "192.0.2.11", port: 5080))
        let third = TransactionDestination.reliable(try SocketAddress(ipAddress: "192.0.2.12", port: 5090))
        let h = try RegistrationHarness(configuration: F.configuration(credentials: false), alternatives: [second, third])
        defer { h.finish() }
        #expect(h.client.destinations == [h.registrar, second, third])
        /// Waits out the retry delay the client is in.
        func retry() {
            guard case .retrying(let after, _, _) = h.client.state else {
                Issue.record("not retrying: \(h.client.state)")
                return
            }
            h.advance(toNanoseconds: h.now + after.nanoseconds)
        }
        h.client.start()
        // The first server never answers: Timer F (32 s), then the retry goes to the second.
        h.advance(to: 32_000)
        retry()
        #expect(h.transport.sentTo == [h.registrar, second])
        // The second is overloaded: the retry goes to the third.
        try h.answer(status: 503, reason: "Service Unavailable", headers: [(.retryAfter, "2")])
        retry()
        #expect(h.transport.sentTo == [h.registrar, second, third])
        // The third does not answer either: back to the first.
        h.advance(toNanoseconds: h.now + 32_000_000_000)
        retry()
        #expect(h.transport.sentTo == [h.registrar, second, third, h.registrar])
        try h.answer { try F.ok(to: $0, expires: 60) }
        #expect(h.client.state == .registered(expires: 60, contacts: [F.contact]))
        // Registered there, the refresh goes there too.
        h.advance(toNanoseconds: h.now + 30_000_000_000)
        #expect(h.transport.sentTo.last == h.registrar)
        #expect(h.transport.sentTo.count == 5)
    }

    @Test("an answer from a working registrar (403) keeps the server")
    func rejectionKeepsServer() throws {
        let second = TransactionDestination.reliable(try SocketAddress(ipAddress: "192.0.2.11", port: 5080))
        let h = try RegistrationHarness(configuration: F.configuration(credentials: false), alternatives: [second])
        defer { h.finish() }
        h.client.start()
        try h.answer(status: 403, reason: "Forbidden")
        #expect(h.client.destination == h.registrar, "\(h.client.state)")
        h.advance(to: 120_000)
        #expect(h.transport.sentTo.allSatisfy { $0 == h.registrar }, "\(h.transport.sentTo)")
    }

    @Test("with one destination, nothing moves")
    func singleDestinationStays() throws {
        let h = try RegistrationHarness(configuration: F.configuration(credentials: false))
        defer { h.finish() }
        h.client.start()
        h.advance(to: 32_000)
        guard case .retrying(let after, 1, _) = h.client.state else {
            Issue.record("not retrying: \(h.client.state)")
            return
        }
        h.advance(toNanoseconds: h.now + after.nanoseconds)
        #expect(h.transport.sentTo == [h.registrar, h.registrar])
        #expect(h.client.destination == h.registrar)
    }

    @Test("A failing transport reports registering, then retrying, in order")
    func transportFailure() throws {
        let h = try RegistrationHarness(configuration: F.configuration(credentials: false))
        defer { h.finish() }
        h.transport.fails = true
        h.client.start()
        #expect(h.states.count == 2)
        #expect(h.states.first == .registering)
        guard case .retrying(let after, 1, let reason) = h.client.state else {
            Issue.record("not retrying: \(h.client.state)")
            return
        }
        #expect(reason.code == .transportError)
        h.transport.fails = false
        Self.expectRegister(h, at: after.nanoseconds, count: 0)
        try h.answer { try F.ok(to: $0, expires: 60) }
        #expect(h.client.state == .registered(expires: 60, contacts: [F.contact]))
    }

    @Test("Several accounts: two clients share one layer through a dispatching TU")
    func twoAccounts() throws {
        let loop = EmbeddedEventLoop()
        let transport = RegistrarTransport()
        let layer = TransactionLayer(eventLoop: loop, transport: transport)
        let registrar = TransactionDestination.reliable(try SocketAddress(ipAddress: "192.0.2.10", port: 5060))
        let door = RegistrationClient(
            machine: RegistrationStateMachine(configuration: F.configuration(expires: 60, credentials: false), seed: 1),
            layer: layer, destination: registrar)
        let gate = RegistrationClient(
            machine: RegistrationStateMachine(configuration: F.configuration(expires: 120, credentials: false), seed: 2),
            layer: layer, destination: registrar)
        let dispatcher = Dispatcher(clients: [door, gate])
        layer.user = dispatcher
        defer {
            door.shutdown()
            gate.shutdown()
            layer.shutdown()
            try? loop.syncShutdownGracefully()
        }
        door.start()
        gate.start()
        #expect(transport.sent.count == 2)
        #expect(transport.sent[0].callID != transport.sent[1].callID)
        // Answer the gate first.
        layer.receive(try F.ok(to: transport.sent[1], expires: 120), from: registrar)
        #expect(gate.state == .registered(expires: 120, contacts: [F.contact]))
        #expect(door.state == .registering)
        layer.receive(try F.ok(to: transport.sent[0], expires: 60), from: registrar)
        #expect(door.state == .registered(expires: 60, contacts: [F.contact]))
    }

    @Test("states: the AsyncStream gets every change and finishes at shutdown")
    func asyncStates() async throws {
        let states: AsyncStream<RegistrationState>
        do {
            let h = try RegistrationHarness(configuration: F.configuration(expires: 60, credentials: false))
            states = h.client.states
            h.client.start()
            try h.answer { try F.ok(to: $0, expires: 60) }
            h.client.stop()
            try h.answer(status: 200, reason: "OK")
            h.finish()
        }
        var seen: [RegistrationState] = []
        for await state in states { seen.append(state) }
        #expect(seen == [.registering, .registered(expires: 60, contacts: [F.contact]), .unregistering, .unregistered])
    }
}

/// A UA core stand-in: gives each transaction event to the first client that takes it.
private final class Dispatcher: TransactionUser {
    let clients: [RegistrationClient]

    init(clients: [RegistrationClient]) {
        self.clients = clients
    }

    func transactionLayer(_ layer: TransactionLayer, didDeliver event: TransactionUserEvent) {
        for client in clients where client.handle(event) { return }
    }
}
