import NIOCore
import NIOEmbedded
@testable import SIPStack
import Testing

/// ``SIPIdleTimeoutHandler`` in front of a TCP or TLS ``SIPStreamHandler`` on virtual time: the
/// connection closes exactly when nothing has been read for the idle time, and every read
/// moves the deadline.
@Suite("SIPIdleTimeoutHandler: idle reaping on virtual time")
struct SIPIdleTimeoutHandlerTests {
    static func connection(transport: SIPTransportKind, idle: TimeAmount) throws -> (EmbeddedEventLoop, EmbeddedChannel, SIPTransportLayer) {
        let loop = EmbeddedEventLoop()
        let layer = SIPTransportLayer(eventLoop: loop, configuration: .init(idleTimeout: idle))
        let channel = EmbeddedChannel(loop: loop)
        try channel.connect(to: SocketAddress(ipAddress: "192.0.2.5", port: 5062)).wait()
        try channel.pipeline.syncOperations.addHandlers([
            SIPIdleTimeoutHandler(timeout: idle), SIPStreamHandler(layer: layer, transport: transport, peer: nil),
        ])
        return (loop, channel, layer)
    }

    @Test("an idle stream closes at the idle time, not a millisecond before", arguments: [SIPTransportKind.tcp, .tls])
    func closesWhenIdle(transport: SIPTransportKind) throws {
        let (loop, channel, layer) = try Self.connection(transport: transport, idle: .seconds(300))
        #expect(layer.connectionCount == 1)
        loop.advanceTime(by: .seconds(300) - .milliseconds(1))
        #expect(channel.isActive)
        loop.advanceTime(by: .milliseconds(1))
        #expect(!channel.isActive)
        #expect(layer.statistics.idleConnectionsClosed == 1)
        #expect(layer.connectionCount == 0)
    }

    @Test("each read moves the deadline to a full idle time after it")
    func readsMoveTheDeadline() throws {
        let (loop, channel, layer) = try Self.connection(transport: .tcp, idle: .milliseconds(100))
        loop.advanceTime(by: .milliseconds(70))
        try channel.writeInbound(ByteBuffer(string: "\r\n"))
        loop.advanceTime(by: .milliseconds(99))
        #expect(channel.isActive, "99 ms after the read")
        try channel.writeInbound(ByteBuffer(string: "\r\n"))
        loop.advanceTime(by: .milliseconds(99))
        #expect(channel.isActive)
        loop.advanceTime(by: .milliseconds(1))
        #expect(!channel.isActive)
        #expect(layer.statistics.idleConnectionsClosed == 1)
    }
}
