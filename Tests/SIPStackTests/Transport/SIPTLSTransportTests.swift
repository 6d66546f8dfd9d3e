import NIOCore
import NIOPosix
import SIPMessage
import SIPStack
import Testing

/// TLS (RFC 3261 §26.2, RFC 5630) through ``SIPTransportLayer`` over real sockets on 127.0.0.1
/// and ::1, with the certificates of Fixtures/tls: a client transaction layer sends OPTIONS to
/// a layer listening on TLS whose TU answers 200.
@Suite("SIPTransportLayer: TLS")
struct SIPTLSTransportTests {
    /// A server listening on TLS only (besides UDP), and a client that trusts `clientTLS`.
    static func stacks(host: String, clientTLS: SIPTLSConfiguration, serverTLS: SIPTLSConfiguration = TLSFixtures.server)
        async throws -> (server: TransportStack, client: TransportStack)
    {
        let server = try await TransportStack.start(configuration: .init(
            host: host, udpPort: 0, tcp: false, idleTimeout: .seconds(30), tlsPort: 0, tls: serverTLS))
        do {
            let client = try await TransportStack.start(configuration: .init(
                host: host, udpPort: 0, tcp: false, idleTimeout: .seconds(30), connectTimeout: .seconds(5), tls: clientTLS))
            try await server.run { $0.user.answerStatus = 200 }
            return (server, client)
        } catch {
            await server.shutdown()
            throw error
        }
    }

    @Test("OPTIONS over TLS gets 200 on the same connection, which is reused", arguments: Loopback.hosts)
    func optionsOverTLS(host: String) async throws {
        let (server, client) = try await Self.stacks(host: host, clientTLS: TLSFixtures.client())
        defer { Task { await server.shutdown(); await client.shutdown() } }
        let serverAddress = try await server.address(.tls)

        for cseq in 1...2 {
            try await client.send(try optionsRequest(to: host, cseq: cseq), to: .tls(serverAddress))
            try await client.user.wait { $0.responseStatuses.count == cseq && $0.terminatedCount == cseq }
        }
        let (statuses, failures, connections) = try await client.run {
            ($0.user.responseStatuses, $0.user.hasFailures, $0.transport.connectionCount)
        }
        #expect(statuses == [200, 200])
        #expect(!failures)
        #expect(connections == 1)

        let sources = try await server.requestSources()
        #expect(sources.map(\.transport) == [.tls, .tls])
        #expect(Set(sources.map(\.address)).count == 1, "both requests came over one connection")
        let (via, serverConnections, handshakeFailures) = try await server.run { stack in
            (stack.user.requests.first?.topViaTransport?.string, stack.transport.connectionCount,
             stack.transport.statistics.tlsHandshakesFailed)
        }
        #expect(via == "TLS")
        #expect(serverConnections == 1)
        #expect(handshakeFailures == 0)
    }

    @Test("a certificate that does not chain to the configured CA is a transport error for the transaction")
    func wrongCAFails() async throws {
        let (server, client) = try await Self.stacks(host: "127.0.0.1", clientTLS: TLSFixtures.client(ca: "other-ca.pem"))
        defer { Task { await server.shutdown(); await client.shutdown() } }
        let serverAddress = try await server.address(.tls)

        try await client.send(try optionsRequest(to: "127.0.0.1"), to: .tls(serverAddress))
        try await client.user.wait { $0.hasFailures && $0.terminatedCount == 1 }
        let (statuses, statistics, connections) = try await client.run {
            ($0.user.responseStatuses, $0.transport.statistics, $0.transport.connectionCount)
        }
        #expect(statuses.isEmpty)
        #expect(statistics.tlsHandshakesFailed == 1)
        #expect(statistics.sendFailures == 1)
        #expect(connections == 0)
        let delivered = try await server.run { $0.user.requests.count }
        #expect(delivered == 0)
    }

    /// A listener presenting `named.pem`, which names only sip.example.test (no IP address).
    static var namedServer: SIPTLSConfiguration {
        SIPTLSConfiguration(certificateChainFile: TLSFixtures.path("named.pem"), privateKeyFile: TLSFixtures.path("named-key.pem"))
    }

    @Test(
        "the certificate must name the configured server name, or else the address connected to",
        arguments: [
            ("sip.example.test", SIPTLSConfiguration.PeerVerification.full, true),
            ("other.example.test", .full, false),
            (nil, .full, false),
            ("127.0.0.1", .full, false),
            (nil, .chainOnly, true),
            ("other.example.test", .chainOnly, true),
        ] as [(String?, SIPTLSConfiguration.PeerVerification, Bool)])
    func serverNameVerification(serverName: String?, verification: SIPTLSConfiguration.PeerVerification, succeeds: Bool) async throws {
        var clientTLS = TLSFixtures.client(serverName: serverName)
        clientTLS.verification = verification
        let (server, client) = try await Self.stacks(host: "127.0.0.1", clientTLS: clientTLS, serverTLS: Self.namedServer)
        defer { Task { await server.shutdown(); await client.shutdown() } }
        let serverAddress = try await server.address(.tls)

        try await client.send(try optionsRequest(to: "127.0.0.1"), to: .tls(serverAddress))
        try await client.user.wait { $0.terminatedCount == 1 }
        let (statuses, failures, handshakeFailures) = try await client.run {
            ($0.user.responseStatuses, $0.user.hasFailures, $0.transport.statistics.tlsHandshakesFailed)
        }
        #expect(statuses == (succeeds ? [200] : []))
        #expect(failures == !succeeds)
        #expect(handshakeFailures == (succeeds ? 0 : 1))
    }

    @Test("the certificate for 127.0.0.1 and ::1 passes full verification without a server name", arguments: Loopback.hosts)
    func addressVerification(host: String) async throws {
        let (server, client) = try await Self.stacks(host: host, clientTLS: TLSFixtures.client(serverName: nil))
        defer { Task { await server.shutdown(); await client.shutdown() } }
        let serverAddress = try await server.address(.tls)
        try await client.send(try optionsRequest(to: host), to: .tls(serverAddress))
        try await client.user.wait { $0.terminatedCount == 1 }
        #expect(try await client.run { $0.user.responseStatuses } == [200])
    }

    @Test("a listener that requires a client certificate accepts one from the CA and refuses a client without")
    func mutualTLS() async throws {
        var serverTLS = TLSFixtures.server
        serverTLS.requireClientCertificate = true
        var withCertificate = TLSFixtures.client()
        withCertificate.clientCertificateChainFile = TLSFixtures.path("client.pem")
        withCertificate.clientPrivateKeyFile = TLSFixtures.path("client-key.pem")

        let (server, client) = try await Self.stacks(host: "127.0.0.1", clientTLS: withCertificate, serverTLS: serverTLS)
        defer { Task { await server.shutdown(); await client.shutdown() } }
        let serverAddress = try await server.address(.tls)
        try await client.send(try optionsRequest(to: "127.0.0.1"), to: .tls(serverAddress))
        try await client.user.wait { $0.terminatedCount == 1 }
        #expect(try await client.run { $0.user.responseStatuses } == [200])

        // Without a certificate the server ends the handshake (with TLS 1.3 the client may
        // learn of it only after sending), and no request reaches its TU.
        let anonymous = try await TransportStack.start(configuration: .init(
            host: "127.0.0.1", udpPort: 0, tcp: false, connectTimeout: .seconds(5), tls: TLSFixtures.client()))
        defer { Task { await anonymous.shutdown() } }
        try await anonymous.send(try optionsRequest(to: "127.0.0.1"), to: .tls(serverAddress))
        try await pollUntil(on: server.eventLoop) { server.transport.statistics.tlsHandshakesFailed == 1 }
        let delivered = try await server.run { $0.user.requests.count }
        #expect(delivered == 1, "only the request of the client with a certificate")
    }

    @Test("a TLS listener without a certificate does not start")
    func listenerNeedsCertificate() async throws {
        await #expect(throws: SIPTransportError.self) {
            _ = try await SIPTransportLayer.start(
                configuration: .init(host: "127.0.0.1", udpPort: 0, tcp: false, tlsPort: 0),
                on: MultiThreadedEventLoopGroup.singleton.next())
        }
        let missingFile = SIPTLSConfiguration(certificateChainFile: TLSFixtures.path("absent.pem"), privateKeyFile: TLSFixtures.path("server-key.pem"))
        do {
            _ = try await SIPTransportLayer.start(
                configuration: .init(host: "127.0.0.1", udpPort: 0, tcp: false, tlsPort: 0, tls: missingFile),
                on: MultiThreadedEventLoopGroup.singleton.next())
            Issue.record("a listener started with a missing certificate file")
        } catch let error as SIPTransportError {
            #expect(error.code == .tlsConfiguration)
        }
    }

    @Test("Via and sent-by name TLS and the TLS listener's port")
    func viaForTLS() async throws {
        let server = try await TransportStack.start(configuration: .init(
            host: "127.0.0.1", udpPort: 0, tcp: false, tlsPort: 0, tls: TLSFixtures.server))
        defer { Task { await server.shutdown() } }
        let port = try await server.address(.tls).port
        let via = try await server.run { $0.transport.viaValue(for: .tls, branch: "z9hG4bKtls1") }
        #expect(via == "SIP/2.0/TLS 127.0.0.1:\(port ?? -1);branch=z9hG4bKtls1;rport")
    }
}
