import NIOCore
import NIOEmbedded
import NIOWebSocket
import SIPMessage
@testable import SIPStack
import Testing

/// ``SIPWebSocketHandler`` on an `EmbeddedChannel` with virtual time (RFC 7118, RFC 6455): the
/// idle close and the keep-alive pings fire exactly at their deadlines, never before; frames
/// are masked only by a client; an unmasked frame from a client is a protocol error.
@Suite("SIPWebSocketHandler: timers and framing on an embedded channel")
struct SIPWebSocketHandlerTests {
    /// A documentation address (RFC 5737) for the peer.
    static func peer() throws -> SocketAddress {
        try SocketAddress(ipAddress: "192.0.2.9", port: 40_000)
    }

    /// An accepted (server-side) WebSocket connection with an idle timer of `idle`.
    static func accepted(idle: TimeAmount) throws -> (EmbeddedEventLoop, EmbeddedChannel, SIPTransportLayer, TransactionLayer) {
        let loop = EmbeddedEventLoop()
        let layer = SIPTransportLayer(eventLoop: loop, configuration: .init(idleTimeout: idle))
        let transactions = TransactionLayer(eventLoop: loop, transport: layer)
        layer.transactionLayer = transactions
        let channel = EmbeddedChannel(loop: loop)
        try channel.connect(to: peer()).wait()
        try channel.pipeline.syncOperations.addHandlers([
            SIPIdleTimeoutHandler(timeout: idle), SIPWebSocketHandler(layer: layer, transport: .ws, peer: nil),
        ])
        return (loop, channel, layer, transactions)
    }

    /// A frame as a client sends it: masked.
    static func clientFrame(_ opcode: WebSocketOpcode, _ text: String, fin: Bool = true) -> WebSocketFrame {
        let key: WebSocketMaskingKey = [0x11, 0x22, 0x33, 0x44]
        var data = ByteBuffer(string: text)
        data.webSocketMask(key)
        return WebSocketFrame(fin: fin, opcode: opcode, maskKey: key, data: data)
    }

    @Test("an idle connection is closed with 1001 at the idle time, not a millisecond before")
    func idleClose() throws {
        let (loop, channel, layer, transactions) = try Self.accepted(idle: .milliseconds(100))
        defer { transactions.shutdown() }
        #expect(layer.connectionCount == 1)

        loop.advanceTime(by: .milliseconds(99))
        #expect(try channel.readOutbound(as: WebSocketFrame.self) == nil)
        #expect(channel.isActive)

        loop.advanceTime(by: .milliseconds(1))
        let close = try #require(try channel.readOutbound(as: WebSocketFrame.self))
        #expect(close.opcode == .connectionClose)
        #expect(close.maskKey == nil, "a server does not mask")
        var data = close.unmaskedData
        #expect(data.readWebSocketErrorCode() == .goingAway)
        #expect(!channel.isActive)
        #expect(layer.statistics.idleConnectionsClosed == 1)
        #expect(layer.connectionCount == 0)
    }

    @Test("reads push the idle deadline back")
    func readsKeepItOpen() throws {
        let (loop, channel, layer, transactions) = try Self.accepted(idle: .milliseconds(100))
        defer {
            transactions.shutdown()
            _ = try? channel.finish()
        }
        for _ in 0..<5 {
            loop.advanceTime(by: .milliseconds(80))
            try channel.writeInbound(Self.clientFrame(.ping, "x"))
        }
        #expect(channel.isActive)
        #expect(layer.statistics.idleConnectionsClosed == 0)
        #expect(layer.statistics.webSocketPingsAnswered == 5)
        let pong = try #require(try channel.readOutbound(as: WebSocketFrame.self))
        #expect(pong.opcode == .pong)
        #expect(String(buffer: pong.unmaskedData) == "x")
    }

    @Test("an outgoing connection is ready when added and pings every keep-alive interval, masked")
    func clientKeepAlives() throws {
        let loop = EmbeddedEventLoop()
        let layer = SIPTransportLayer(eventLoop: loop, configuration: .init(idleTimeout: nil, keepAliveInterval: .milliseconds(50)))
        let channel = EmbeddedChannel(loop: loop)
        try channel.connect(to: Self.peer()).wait()
        let ready = loop.makePromise(of: (any Channel).self)
        try channel.pipeline.syncOperations.addHandler(SIPWebSocketHandler(layer: layer, transport: .wss, peer: Self.peer(), ready: ready))
        defer { _ = try? channel.finish() }
        #expect(try ready.futureResult.wait() === channel)

        loop.advanceTime(by: .milliseconds(49))
        #expect(try channel.readOutbound(as: WebSocketFrame.self) == nil)
        loop.advanceTime(by: .milliseconds(1))
        let ping = try #require(try channel.readOutbound(as: WebSocketFrame.self))
        #expect(ping.opcode == .ping)
        #expect(ping.maskKey != nil, "a client masks every frame")
        loop.advanceTime(by: .milliseconds(50))
        #expect(try channel.readOutbound(as: WebSocketFrame.self)?.opcode == .ping)

        try channel.writeOutbound(ByteBuffer(string: "OPTIONS sip:x SIP/2.0\r\n\r\n"))
        let text = try #require(try channel.readOutbound(as: WebSocketFrame.self))
        #expect(text.opcode == .text)
        #expect(text.fin)
        #expect(text.maskKey != nil)
        // An outbound frame carries its data in the clear; the frame encoder masks it.
        #expect(String(buffer: text.data) == "OPTIONS sip:x SIP/2.0\r\n\r\n")
    }

    @Test("an unmasked frame from a client closes the connection with 1002")
    func unmaskedFrameFromClient() throws {
        let (_, channel, layer, transactions) = try Self.accepted(idle: .seconds(30))
        defer { transactions.shutdown() }
        try channel.writeInbound(WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(string: "OPTIONS")))
        let close = try #require(try channel.readOutbound(as: WebSocketFrame.self))
        var data = close.unmaskedData
        #expect(close.opcode == .connectionClose)
        #expect(data.readWebSocketErrorCode() == .protocolError)
        #expect(!channel.isActive)
        #expect(layer.statistics.messagesReceived == 0)
    }

    @Test("a continuation without a first fragment is a protocol error")
    func strayContinuation() throws {
        let (_, channel, _, transactions) = try Self.accepted(idle: .seconds(30))
        defer { transactions.shutdown() }
        try channel.writeInbound(Self.clientFrame(.continuation, "tail"))
        var data = try #require(try channel.readOutbound(as: WebSocketFrame.self)).unmaskedData
        #expect(data.readWebSocketErrorCode() == .protocolError)
        #expect(!channel.isActive)
    }

    @Test(
        "a close is answered with the same code, or 1002 for a code that may not be sent",
        arguments: [(UInt16(1000), UInt16(1000)), (1001, 1001), (4000, 4000), (1005, 1002), (1006, 1002), (2999, 1002)])
    func closeCodeEcho(received: UInt16, answered: UInt16) throws {
        let (_, channel, layer, transactions) = try Self.accepted(idle: .seconds(30))
        defer { transactions.shutdown() }
        let key: WebSocketMaskingKey = [0x01, 0x02, 0x03, 0x04]
        var data = ByteBuffer()
        data.writeInteger(received)
        data.webSocketMask(key)
        try channel.writeInbound(WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: key, data: data))
        let close = try #require(try channel.readOutbound(as: WebSocketFrame.self))
        #expect(close.opcode == .connectionClose)
        #expect(close.data.getInteger(at: close.data.readerIndex, as: UInt16.self) == answered)
        #expect(!channel.isActive)
        #expect(layer.connectionCount == 0)
    }

    @Test("CRLFCRLF in a WebSocket message is a keep-alive answered with CRLF, not garbage")
    func crlfKeepAlive() throws {
        let (_, channel, layer, transactions) = try Self.accepted(idle: .seconds(30))
        defer {
            transactions.shutdown()
            _ = try? channel.finish()
        }
        try channel.writeInbound(Self.clientFrame(.text, "\r\n\r\n"))
        let pong = try #require(try channel.readOutbound(as: WebSocketFrame.self))
        #expect(pong.opcode == .text)
        #expect(String(buffer: pong.unmaskedData) == "\r\n")
        #expect(layer.statistics.pingsAnswered == 1)
        #expect(layer.statistics.garbageDropped == 0)
    }
}
