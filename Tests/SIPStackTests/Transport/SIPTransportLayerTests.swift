import NIOCore
import NIOPosix
import SIPMessage
import SIPStack
import Testing

/// End-to-end tests of ``SIPTransportLayer`` over real sockets on 127.0.0.1 and, when the
/// machine has one, ::1: a client transaction layer sends OPTIONS to a server whose TU answers
/// 200 (RFC 3261 §11, §17, §18).
@Suite("SIPTransportLayer: transactions over UDP and TCP")
struct SIPTransportLayerTests {
    @Test("OPTIONS over UDP gets 200 and the client transaction ends", arguments: Loopback.hosts)
    func optionsOverUDP(host: String) async throws {
        let server = try await TransportStack.start(host: host)
        let client = try await TransportStack.start(host: host, tcp: false)
        defer { Task { await server.shutdown(); await client.shutdown() } }
        let serverAddress = try await server.address(.udp)
        try await server.run { $0.user.answerStatus = 200 }

        let request = try optionsRequest(to: host)
        try await client.run { stack in
            guard let stamped = stack.transport.stampingVia(request, transport: .udp) else { throw DeadlineExceeded() }
            try stack.transactions.sendRequest(stamped, to: .udp(serverAddress))
        }
        try await client.user.wait { $0.responseStatuses == [200] && $0.terminatedCount == 1 }

        let clientAddress = try await client.address(.udp)
        let (live, failures) = try await client.run { ($0.transactions.liveTransactionCount, $0.user.hasFailures) }
        #expect(live == 0)
        #expect(!failures)
        let received = try await server.run { stack -> (String?, Int?, Int) in
            let request = stack.user.requests.first
            return (request?.topViaSentBy?.string, request?.topViaPort, stack.user.requests.count)
        }
        #expect(received.1 == clientAddress.port)
        // One request reaches the user: under load the 200 can take longer than T1, and the
        // client's retransmissions (Timer E) then reach the transport but stop at the server
        // transaction.
        #expect(received.2 == 1)
    }

    @Test("a UDP response goes to the source address, not the Via sent-by (RFC 3581 §4)", arguments: Loopback.hosts)
    func udpResponsesFollowTheSource(host: String) async throws {
        let server = try await TransportStack.start(host: host)
        let client = try await TransportStack.start(host: host, tcp: false)
        defer { Task { await server.shutdown(); await client.shutdown() } }
        let serverAddress = try await server.address(.udp)
        try await server.run { $0.user.answerStatus = 200 }

        // The Via names an unreachable documentation address: only rport routing gets back.
        let uriHost = host.contains(":") ? "[\(host)]" : host
        let request = try SIPMessage(parsing: [
            "OPTIONS sip:\(uriHost) SIP/2.0",
            "Via: SIP/2.0/UDP 192.0.2.1:9;branch=\(SIPTransportLayer.makeBranch());rport",
            "Max-Forwards: 70",
            "To: <sip:\(uriHost)>",
            "From: <sip:tester@\(uriHost)>;tag=client1",
            "Call-ID: rport-test@test",
            "CSeq: 7 OPTIONS",
            "Content-Length: 0",
        ].joined(separator: "\r\n") + "\r\n\r\n")
        try await client.run { try $0.transactions.sendRequest(request, to: .udp(serverAddress)) }
        try await client.user.wait { $0.responseStatuses == [200] }
    }

    @Test("OPTIONS over TCP gets 200 on the same connection, which is reused", arguments: Loopback.hosts)
    func optionsOverTCP(host: String) async throws {
        let server = try await TransportStack.start(host: host)
        let client = try await TransportStack.start(host: host)
        defer { Task { await server.shutdown(); await client.shutdown() } }
        let serverAddress = try await server.address(.tcp)
        try await server.run { $0.user.answerStatus = 200 }

        for cseq in 1...2 {
            let request = try optionsRequest(to: host, cseq: cseq)
            try await client.run { stack in
                guard let stamped = stack.transport.stampingVia(request, transport: .tcp) else { throw DeadlineExceeded() }
                try stack.transactions.sendRequest(stamped, to: .reliable(serverAddress))
            }
            try await client.user.wait { $0.responseStatuses.count == cseq && $0.terminatedCount == cseq }
        }
        let (statuses, live, failures, connections) = try await client.run {
            ($0.user.responseStatuses, $0.transactions.liveTransactionCount, $0.user.hasFailures, $0.transport.connectionCount)
        }
        #expect(statuses == [200, 200])
        #expect(live == 0)
        #expect(!failures)
        #expect(connections == 1)
        let serverConnections = try await server.run { $0.transport.connectionCount }
        #expect(serverConnections == 1)
    }

    @Test("a refused TCP connection is a transport error for the transaction", arguments: Loopback.hosts)
    func refusedConnection(host: String) async throws {
        // Bind a listener, note its port and close it, so nothing listens there.
        let closed = try await TransportStack.start(host: host, udp: false)
        let deadAddress = try await closed.address(.tcp)
        await closed.shutdown()
        let client = try await TransportStack.start(host: host)
        defer { Task { await client.shutdown() } }

        let request = try optionsRequest(to: host)
        try await client.run { stack in
            guard let stamped = stack.transport.stampingVia(request, transport: .tcp) else { throw DeadlineExceeded() }
            try stack.transactions.sendRequest(stamped, to: .reliable(deadAddress))
        }
        try await client.user.wait { $0.hasFailures && $0.terminatedCount == 1 }
        let failures = try await client.run { $0.transport.statistics.sendFailures }
        #expect(failures == 1)
    }

    @Test("the Via helper writes sent-by, a z9hG4bK branch with 128 random bits and rport", arguments: Loopback.hosts)
    func viaStamping(host: String) async throws {
        let stack = try await TransportStack.start(host: host)
        defer { Task { await stack.shutdown() } }
        let port = try await stack.address(.udp).port
        let request = try optionsRequest(to: host)
        let stamped = try await stack.run { $0.transport.stampingVia(request, transport: .udp) }
        let message = try #require(stamped)
        #expect(message.topViaPort == port)
        #expect(message.topViaTransport?.string == "UDP")
        let branch = try #require(message.topViaBranch?.string)
        #expect(branch.hasPrefix("z9hG4bK"))
        #expect(branch.count == 7 + 32)
        #expect(message.count(of: .via) == 1)
        let via = try #require(message.firstValue(.via)?.string)
        #expect(via.hasSuffix(";rport"))
        #expect(via.contains(host.contains(":") ? "[\(host)]:" : "\(host):"))
        #expect(SIPTransportLayer.makeBranch() != SIPTransportLayer.makeBranch())
    }

    @Test("a second layer cannot listen on a UDP port in use: it fails to start instead of sharing the requests")
    func udpPortInUse() async throws {
        let first = try await TransportStack.start(configuration: .init(host: "127.0.0.1", udpPort: 0, tcp: false))
        let port = try await first.address(.udp).port ?? 0
        await #expect(throws: (any Error).self) {
            let second = try await TransportStack.start(configuration: .init(host: "127.0.0.1", udpPort: port, tcp: false))
            await second.shutdown()
        }
        await first.shutdown()
    }
}
