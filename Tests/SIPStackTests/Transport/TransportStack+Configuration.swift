import Foundation
import NIOCore
import NIOPosix
import SIPMessage
import SIPStack

extension TransportStack {
    /// A stack whose transport layer is started with `configuration` as given (TLS, WS and WSS
    /// listeners, TLS settings), with the same short T4 as
    /// ``start(host:udp:tcp:idleTimeout:limits:keepAliveInterval:)``.
    static func start(configuration: SIPTransportLayer.Configuration) async throws -> TransportStack {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let transport = try await SIPTransportLayer.start(configuration: configuration, on: loop)
        return try await loop.submit {
            let timers = TransactionTimers(t4: .milliseconds(50))
            let transactions = TransactionLayer(eventLoop: loop, transport: transport, configuration: .init(timers: timers))
            let user = TransportTestUser(eventLoop: loop)
            transactions.user = user
            transport.transactionLayer = transactions
            return TransportStack(eventLoop: loop, transport: transport, transactions: transactions, user: user)
        }.get()
    }

    /// Stamps `request` with this layer's Via for `destination`'s transport and starts a client
    /// transaction to it.
    func send(_ request: SIPMessage, to destination: TransactionDestination) async throws {
        try await run { stack in
            guard let stamped = stack.transport.stampingVia(request, transport: destination.transport) else { throw DeadlineExceeded() }
            try stack.transactions.sendRequest(stamped, to: destination)
        }
    }

    /// The transports of the sources of the requests delivered, in order.
    func requestSources() async throws -> [TransactionDestination] {
        try await run { stack in
            stack.user.events.compactMap { event -> TransactionDestination? in
                if case .request(_, _, let source) = event { source } else { nil }
            }
        }
    }
}

/// The certificates of Tests/SIPStackTests/Fixtures/tls (see its README): a test CA, a server
/// certificate for 127.0.0.1, ::1 and localhost, a client certificate and an unrelated CA.
enum TLSFixtures {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/tls")

    static func path(_ name: String) -> String {
        directory.appendingPathComponent(name).path
    }

    /// A listener's settings: the server certificate, trusting the test CA.
    static var server: SIPTLSConfiguration {
        SIPTLSConfiguration(
            certificateChainFile: path("server.pem"), privateKeyFile: path("server-key.pem"), trustRoots: .caFile(path("ca.pem")))
    }

    /// A client's settings: full verification against `ca` (the test CA by default).
    static func client(ca: String = "ca.pem", serverName: String? = nil) -> SIPTLSConfiguration {
        SIPTLSConfiguration(trustRoots: .caFile(path(ca)), verification: .full, serverName: serverName)
    }
}
