import NIOCore
import NIOEmbedded
import SIPMessage
@testable import SIPStack
import Testing

/// The connection table of ``SIPTransportLayer`` on embedded channels: connections are filed by
/// transport and address, so TCP and TLS to one host and port never mix, and a server
/// transaction answers on the connection and transport its request came in on (RFC 3261
/// §18.2.2).
@Suite("SIPTransportLayer: connections are keyed by transport and address")
struct SIPConnectionTableTests {
    /// A layer on an embedded loop with a transaction layer and a user answering 200, and two
    /// connected embedded channels from one peer address, filed as TCP and as TLS.
    static func layerWithTwoConnections() throws -> (
        layer: SIPTransportLayer, transactions: TransactionLayer, user: TransportTestUser,
        tcp: EmbeddedChannel, tls: EmbeddedChannel, peer: SocketAddress
    ) {
        let loop = EmbeddedEventLoop()
        let layer = SIPTransportLayer(eventLoop: loop, configuration: .init(idleTimeout: nil))
        let transactions = TransactionLayer(eventLoop: loop, transport: layer)
        let user = TransportTestUser(eventLoop: loop)
        user.answerStatus = 200
        transactions.user = user
        layer.transactionLayer = transactions
        let peer = try SocketAddress(ipAddress: "192.0.2.7", port: 5061)
        let tcp = EmbeddedChannel(handler: SIPStreamHandler(layer: layer, transport: .tcp, peer: nil), loop: loop)
        let tls = EmbeddedChannel(handler: SIPStreamHandler(layer: layer, transport: .tls, peer: nil), loop: loop)
        try tcp.connect(to: peer).wait()
        try tls.connect(to: peer).wait()
        return (layer, transactions, user, tcp, tls, peer)
    }

    @Test("TCP and TLS connections from one address are two entries, and sends pick by transport")
    func keptApart() throws {
        let (layer, transactions, _, tcp, tls, peer) = try Self.layerWithTwoConnections()
        defer {
            transactions.shutdown()
            _ = try? tcp.finish()
            _ = try? tls.finish()
        }
        #expect(layer.connectionCount == 2)
        try layer.send(ByteBuffer(string: "to tls"), to: .tls(peer))
        try layer.send(ByteBuffer(string: "to tcp"), to: .tcp(peer))
        #expect(try tls.readOutbound(as: ByteBuffer.self) == ByteBuffer(string: "to tls"))
        #expect(try tls.readOutbound(as: ByteBuffer.self) == nil)
        #expect(try tcp.readOutbound(as: ByteBuffer.self) == ByteBuffer(string: "to tcp"))
        #expect(try tcp.readOutbound(as: ByteBuffer.self) == nil)

        try tcp.close().wait()
        #expect(layer.connectionCount == 1)
        try layer.send(ByteBuffer(string: "still tls"), to: .tls(peer))
        #expect(try tls.readOutbound(as: ByteBuffer.self) == ByteBuffer(string: "still tls"))
    }

    @Test("a request that came over TLS is answered on the TLS connection, not on TCP to the same address")
    func responseFollowsTheRequestConnection() throws {
        let (layer, transactions, user, tcp, tls, _) = try Self.layerWithTwoConnections()
        defer {
            transactions.shutdown()
            _ = try? tcp.finish()
            _ = try? tls.finish()
        }
        var request = ByteBuffer()
        try optionsRequest(to: "192.0.2.1").write(into: &request)
        try tls.writeInbound(request)

        let sources = user.events.compactMap { event -> TransactionDestination? in
            if case .request(_, _, let source) = event { source } else { nil }
        }
        #expect(sources.map(\.transport) == [.tls])
        let answer = try #require(try tls.readOutbound(as: ByteBuffer.self))
        #expect(String(buffer: answer).hasPrefix("SIP/2.0 200 "))
        #expect(try tcp.readOutbound(as: ByteBuffer.self) == nil)
        #expect(layer.statistics.messagesReceived == 1)
    }
}
