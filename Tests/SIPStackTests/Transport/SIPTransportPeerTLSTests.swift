import NIOCore
import NIOPosix
import SIPMessage
import SIPStack
import Testing

/// TLS settings per peer (``SIPTransportLayer/setOutgoingTLS(_:for:)``): one client layer
/// reaches three TLS listeners on 127.0.0.1, each needing something else, with settings given
/// per address; the failure of the one left on the layer's defaults is reported with its reason.
@Suite("SIPTransportLayer: TLS settings per peer")
struct SIPTransportPeerTLSTests {
    static func listener(_ tls: SIPTLSConfiguration) async throws -> TransportStack {
        let stack = try await TransportStack.start(configuration: .init(
            host: "127.0.0.1", udpPort: 0, tcp: false, idleTimeout: .seconds(30), tlsPort: 0, tls: tls))
        try await stack.run { $0.user.answerStatus = 200 }
        return stack
    }

    @Test("server name, trust anchor and client certificate per peer; the defaults for the others, with the handshake's reason kept")
    func settingsPerPeer() async throws {
        // A: presents named.pem (sip.example.test only). B: asks for a client certificate.
        // C: the ordinary server certificate, which the client's defaults (other-ca.pem) do
        // not trust.
        let named = try await Self.listener(SIPTLSTransportTests.namedServer)
        var mutualTLS = TLSFixtures.server
        mutualTLS.requireClientCertificate = true
        let mutual = try await Self.listener(mutualTLS)
        let plain = try await Self.listener(TLSFixtures.server)
        let client = try await TransportStack.start(configuration: .init(
            host: "127.0.0.1", udpPort: 0, tcp: false, idleTimeout: .seconds(30), connectTimeout: .seconds(5),
            tls: TLSFixtures.client(ca: "other-ca.pem")))
        defer { Task { for stack in [named, mutual, plain, client] { await stack.shutdown() } } }
        let namedAddress = try await named.address(.tls)
        let mutualAddress = try await mutual.address(.tls)
        let plainAddress = try await plain.address(.tls)

        var mutualSettings = TLSFixtures.client()
        mutualSettings.clientCertificateChainFile = TLSFixtures.path("client.pem")
        mutualSettings.clientPrivateKeyFile = TLSFixtures.path("client-key.pem")
        let withClientCertificate = mutualSettings
        let (namedSettings, defaults) = try await client.run { stack in
            stack.transport.setOutgoingTLS(TLSFixtures.client(serverName: "sip.example.test"), for: namedAddress)
            stack.transport.setOutgoingTLS(withClientCertificate, for: mutualAddress)
            return (stack.transport.outgoingTLS(for: namedAddress), stack.transport.outgoingTLS(for: plainAddress))
        }
        #expect(namedSettings.serverName == "sip.example.test")
        #expect(defaults.trustRoots == .caFile(TLSFixtures.path("other-ca.pem")))

        try await client.send(try optionsRequest(to: "127.0.0.1", cseq: 1), to: .tls(namedAddress))
        try await client.send(try optionsRequest(to: "127.0.0.1", cseq: 1), to: .tls(mutualAddress))
        try await client.user.wait { $0.terminatedCount == 2 }
        #expect(try await client.run { $0.user.responseStatuses } == [200, 200])

        try await client.send(try optionsRequest(to: "127.0.0.1", cseq: 1), to: .tls(plainAddress))
        try await client.user.wait { $0.terminatedCount == 3 }
        let (statuses, reasons) = try await client.run { stack in
            (stack.user.responseStatuses, [namedAddress, mutualAddress, plainAddress].map {
                stack.transport.lastConnectionFailure(to: TransactionDestination(address: $0, transport: .tls))
            })
        }
        #expect(statuses == [200, 200], "nothing answered over the untrusted connection")
        #expect(reasons[0] == nil)
        #expect(reasons[1] == nil)
        let reason = try #require(reasons[2])
        #expect(reason.contains("TLS handshake failed"), "\(reason)")
        #expect(reason.uppercased().contains("CERTIFICATE"), "\(reason)")

        // nil goes back to the layer's defaults.
        let reset = try await client.run { stack in
            stack.transport.setOutgoingTLS(nil, for: namedAddress)
            return stack.transport.outgoingTLS(for: namedAddress)
        }
        #expect(reset == defaults)
    }
}
