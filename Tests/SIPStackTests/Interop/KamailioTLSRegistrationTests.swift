import Foundation
import InteropSupport
import NIOCore
import NIOPosix
import SIPMessage
import SIPStack
import Testing

/// Interop with a real Kamailio over TLS (issue 3): a client that trusts another CA than the
/// one of Kamailio's certificate never gets a REGISTER to Kamailio and reports a transport
/// error. The registrations over TLS (RFC 3261 §26.2, Kamailio's tls module with the test
/// certificate of Fixtures/tls), WS and WSS (RFC 7118, Kamailio's xhttp and websocket modules)
/// are in ``KamailioRegistrationTests``, with UDP and TCP; this file holds the secure
/// Kamailio and stack they start.
///
/// Kamailio is started by Tests/Interop/kamailio/start.sh with TLS_PORT (SIP port + 1, also
/// WSS) and WS_PORT (SIP port + 2), one per test, and stopped by PID, as in
/// ``KamailioRegistrationTests``. `SWIFTSIP_SKIP_INTEROP=1` skips these tests.
@Suite(
    "Kamailio interop: TLS certificate verification",
    .serialized,
    .enabled(if: !KamailioInterop.isSkipped, "SWIFTSIP_SKIP_INTEROP=1 skips the interop tests"),
    .timeLimit(.minutes(1))
)
struct KamailioTLSRegistrationTests {
    @Test("a Kamailio certificate that does not chain to the trusted CA fails the registration with a transport error")
    func untrustedCertificate() async throws {
        try await KamailioInterop.withSecureKamailio { kamailio in
            let stack = try await InteropStack.startSecure(kind: .tls, kamailio: kamailio, tls: TLSFixtures.client(ca: "other-ca.pem"))
            try await stack.whileRunning {
                var states = stack.client.states.makeAsyncIterator()
                try await stack.run { $0.client.start() }
                let outcome = try await stack.next(of: &states, within: .seconds(10)) { state in
                    switch state {
                    case .registering: false
                    default: true
                    }
                }
                switch outcome {
                case .retrying(_, _, let reason), .failed(let reason):
                    #expect(reason.code == .transportError)
                default:
                    Issue.record("expected a transport error, got \(outcome)")
                }
                let handshakeFailures = try await stack.run { $0.transport.statistics.tlsHandshakesFailed }
                #expect(handshakeFailures == 1)
                let count = try await kamailio.kamailio.registerCount()
                #expect(count == 0, "Kamailio received a REGISTER over an unverified connection")
                try await stack.run { $0.client.shutdown() }
            }
        }
    }
}

// MARK: - Kamailio with TLS and WebSocket

/// A ``KamailioInterop`` started with TLS and WebSocket listeners.
struct SecureKamailio: Sendable {
    let kamailio: KamailioInterop
    /// The TLS port (SIP port + 1), which also takes WSS upgrades.
    var tlsPort: Int { kamailio.port + 1 }
    /// The WebSocket port (SIP port + 2).
    var wsPort: Int { kamailio.port + 2 }

    /// Kamailio's port for `kind`.
    func port(for kind: SIPTransportKind) -> Int {
        switch kind {
        case .tls, .wss: tlsPort
        case .ws: wsPort
        case .udp, .tcp: kamailio.port
        }
    }

    func address(for kind: SIPTransportKind) throws -> SocketAddress {
        try SocketAddress(ipAddress: "127.0.0.1", port: port(for: kind))
    }
}

extension KamailioInterop {
    /// Starts a Kamailio with TLS, WS and WSS listeners, runs `body`, and stops it, as
    /// ``withKamailio(secure:_:)``.
    static func withSecureKamailio(_ body: (SecureKamailio) async throws -> Void) async throws {
        try await withKamailio(secure: true) { kamailio in try await body(SecureKamailio(kamailio: kamailio)) }
    }
}

// MARK: - Our side

extension InteropStack {
    /// Binds a transport on 127.0.0.1 (UDP, and a TLS listener with the test server
    /// certificate), trusting as `tls` says for outgoing connections, and builds the client for
    /// `kind` (TLS, WS or WSS) with expires 60 and a first retry 60 s away. The contact is
    /// `sip:door@127.0.0.1:TLSPORT;transport=tls` for TLS and, as RFC 7118 §7 suggests for a
    /// WebSocket client that cannot be reached otherwise, `sip:door@<random>.invalid;transport=ws`
    /// (or `wss`).
    static func startSecure(kind: SIPTransportKind, kamailio: SecureKamailio, tls: SIPTLSConfiguration) async throws -> InteropStack {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        var identity = tls
        identity.certificateChainFile = TLSFixtures.path("server.pem")
        identity.privateKeyFile = TLSFixtures.path("server-key.pem")
        let transport = try await SIPTransportLayer.start(
            configuration: .init(host: "127.0.0.1", udpPort: 0, tcp: false, connectTimeout: .seconds(5), tlsPort: 0, tls: identity),
            on: loop)
        let registrar = try kamailio.address(for: kind)
        let kamailioPort = kamailio.port(for: kind)
        do {
            return try await loop.submit { () throws -> InteropStack in
                let transactions = TransactionLayer(eventLoop: loop, transport: transport)
                transport.transactionLayer = transactions
                guard let sentBy = transport.sentBy(for: kind), let tlsPort = transport.localAddress(for: .tls)?.port else {
                    throw InteropFailure("the transport layer is not bound")
                }
                let parameter = ";transport=\(kind.uriParameter)"
                let contactHost = kind == .tls ? "127.0.0.1:\(tlsPort)" : "\(UInt32.random(in: 1 ... .max)).invalid"
                let contactURI = "sip:\(KamailioRegistrationTests.user)@\(contactHost)\(parameter)"
                let configuration = RegistrationConfiguration(
                    registrarURI: "sip:127.0.0.1:\(kamailioPort)\(parameter)",
                    addressOfRecord: "sip:\(KamailioRegistrationTests.user)@127.0.0.1",
                    contactURI: contactURI, expires: 60,
                    credentials: DigestCredentials(
                        username: KamailioRegistrationTests.user, password: KamailioRegistrationTests.password),
                    userAgent: "SwiftSIP-interop", viaTransport: kind.viaToken, viaSentBy: sentBy,
                    retryInitial: .seconds(60), retryMaximum: .seconds(60))
                let client = RegistrationClient(
                    configuration: configuration, layer: transactions,
                    destination: TransactionDestination(address: registrar, transport: kind))
                transactions.user = client
                return InteropStack(
                    eventLoop: loop, transport: transport, transactions: transactions, client: client, contactURI: contactURI)
            }.get()
        } catch {
            await transport.close()
            throw error
        }
    }
}
