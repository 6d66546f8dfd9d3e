import NIOCore
import NIOEmbedded
import NIOPosix
import SIPMessage
import Testing

@testable import SIPStack

/// Accepted connections are capped in all and per source IP, so that idle connections held
/// open cannot use up the process's descriptors.
@Suite("Inbound connection limits", .timeLimit(.minutes(1)))
struct InboundConnectionLimitTests {
    /// A layer with TCP on a free port of 127.0.0.1 and the limits given, and its test user.
    static func start(total: Int, perSource: Int) async throws -> TransportStack {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let configuration = SIPTransportLayer.Configuration(
            host: "127.0.0.1", udpPort: 0, tcpPort: 0, udp: false,
            maximumInboundConnections: total, maximumInboundConnectionsPerSource: perSource)
        let transport = try await SIPTransportLayer.start(configuration: configuration, on: loop)
        return try await loop.submit {
            let transactions = TransactionLayer(eventLoop: loop, transport: transport)
            let user = TransportTestUser(eventLoop: loop)
            transactions.user = user
            transport.transactionLayer = transactions
            return TransportStack(eventLoop: loop, transport: transport, transactions: transactions, user: user)
        }.get()
    }

    /// Sends an OPTIONS with `callID` on `client` and waits until the stack's user has it.
    static func expectCarries(_ client: RawClient, to stack: TransportStack, callID: String) async throws {
        let port = try #require(client.channel.localAddress?.port)
        let text = "OPTIONS sip:door@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:\(port);branch=z9hG4bK\(callID)\r\n"
            + "From: <sip:a@127.0.0.1>;tag=1\r\nTo: <sip:door@127.0.0.1>\r\nCall-ID: \(callID)\r\nCSeq: 1 OPTIONS\r\n"
            + "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n"
        try await client.send(ByteBuffer(string: text))
        try await stack.user.wait { user in
            user.events.contains { event in
                if case .request(let request, _, _) = event { return request.callID?.string == callID }
                return false
            }
        }
    }

    /// Opens three connections to `stack`: the first two carry a request each, the third is
    /// closed at once and counted.
    static func twoKeptAndOneRefused(by stack: TransportStack) async throws -> (RawClient, RawClient, RawClient) {
        let address = try await stack.address(.tcp)
        let first = try await RawClient.tcp(to: address)
        let second = try await RawClient.tcp(to: address)
        try await expectCarries(first, to: stack, callID: "kept-1-\(UInt32.random(in: 0 ... .max))")
        try await expectCarries(second, to: stack, callID: "kept-2-\(UInt32.random(in: 0 ... .max))")
        let third = try await RawClient.tcp(to: address)
        try await third.waitForClose(within: .seconds(5))
        #expect(try await stack.run { $0.transport.statistics.inboundConnectionsRefused } == 1)
        return (first, second, third)
    }

    @Test("a third connection from one source is closed at once; when one of the two closes, a new one is admitted")
    func perSource() async throws {
        let stack = try await Self.start(total: 10, perSource: 2)
        let address = try await stack.address(.tcp)
        let (first, second, third) = try await Self.twoKeptAndOneRefused(by: stack)

        await first.close()
        let transport = stack.transport
        try await pollUntil(on: stack.eventLoop) { transport.inboundConnections == 1 }
        let fourth = try await RawClient.tcp(to: address)
        try await Self.expectCarries(fourth, to: stack, callID: "limit-4")
        #expect(try await stack.run { $0.transport.statistics.inboundConnectionsRefused } == 1)
        for client in [second, third, fourth] { await client.close() }
        await stack.shutdown()
    }

    @Test("with room for five from one source but two in all, the third connection is closed at once")
    func total() async throws {
        let stack = try await Self.start(total: 2, perSource: 5)
        let (first, second, third) = try await Self.twoKeptAndOneRefused(by: stack)
        for client in [first, second, third] { await client.close() }
        await stack.shutdown()
    }
}

/// The per-source share: an IPv4 address, or an IPv6 /64.
@Suite("Inbound connection sources")
struct InboundConnectionSourceTests {
    @Test("IPv6 addresses of one /64 are one source; another /64 and IPv4 addresses are others")
    func sources() throws {
        func source(_ ip: String) throws -> String { SIPSourceKey(try SocketAddress(ipAddress: ip, port: 5060)).map { "\($0)" } ?? "none" }
        #expect(try source("2001:db8:1:2::1") == "2001:db8:1:2::/64")
        #expect(try source("2001:db8:1:2:ffff:eeee:dddd:cccc") == "2001:db8:1:2::/64")
        #expect(try source("2001:db8:1:3::1") == "2001:db8:1:3::/64")
        #expect(try source("::1") == "0:0:0:0::/64")
        #expect(try source("192.0.2.7") == "192.0.2.7")
        #expect(try source("192.0.2.8") == "192.0.2.8")
    }
}

/// What the layer keeps about failed outgoing connections stays bounded.
@Suite("Connection failures on record")
struct ConnectionFailureRecordTests {
    @Test("300 dead destinations leave at most 256 failures on record, the latest among them")
    func bounded() throws {
        let loop = EmbeddedEventLoop()
        let layer = SIPTransportLayer(eventLoop: loop, configuration: .init(host: "127.0.0.1", udpPort: 0, tcpPort: 0))
        var last: SIPConnectionKey?
        for index in 0..<300 {
            let key = SIPConnectionKey(transport: .tcp, address: try SocketAddress(ipAddress: "192.0.2.\(index % 250 + 1)", port: 5_000 + index))
            layer.recordConnectionFailure("connection refused", for: key)
            last = key
        }
        #expect(layer.connectionFailures.count <= SIPTransportLayer.connectionFailuresKept)
        #expect(layer.connectionFailures[try #require(last)] == "connection refused")
    }
}
