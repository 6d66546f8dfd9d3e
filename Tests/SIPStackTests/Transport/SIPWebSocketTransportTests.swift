import NIOCore
import NIOPosix
import SIPMessage
import SIPStack
import Testing

/// SIP over WebSocket (RFC 7118) through ``SIPTransportLayer`` over real sockets: round trips
/// between two layers over WS and WSS, and a hand-written client for the upgrade, the framing,
/// the limits, pings and the close handshake.
@Suite("SIPTransportLayer: WebSocket (RFC 7118)")
struct SIPWebSocketTransportTests {
    /// A server listening on WS (and WSS with the test certificate), answering 200.
    static func server(
        host: String = "127.0.0.1", limits: SIPParserLimits = .default, idleTimeout: TimeAmount? = .seconds(30),
        path: String = "/"
    ) async throws -> TransportStack {
        let server = try await TransportStack.start(configuration: .init(
            host: host, udpPort: 0, tcp: false, limits: limits, idleTimeout: idleTimeout, wsPort: 0, wssPort: 0,
            webSocketPath: path, tls: TLSFixtures.server))
        try await server.run { $0.user.answerStatus = 200 }
        return server
    }

    /// A client layer that listens on UDP only and trusts the test CA.
    static func client(host: String = "127.0.0.1", path: String = "/") async throws -> TransportStack {
        try await TransportStack.start(configuration: .init(
            host: host, udpPort: 0, tcp: false, connectTimeout: .seconds(5), webSocketPath: path, tls: TLSFixtures.client()))
    }

    @Test("OPTIONS over WS gets 200 on the same connection, which is reused", arguments: Loopback.hosts)
    func optionsOverWS(host: String) async throws {
        let server = try await Self.server(host: host)
        let client = try await Self.client(host: host)
        defer { Task { await server.shutdown(); await client.shutdown() } }
        let serverAddress = try await server.address(.ws)

        for cseq in 1...2 {
            try await client.send(try optionsRequest(to: host, cseq: cseq), to: .ws(serverAddress))
            try await client.user.wait { $0.responseStatuses.count == cseq && $0.terminatedCount == cseq }
        }
        let (statuses, failures, connections) = try await client.run {
            ($0.user.responseStatuses, $0.user.hasFailures, $0.transport.connectionCount)
        }
        #expect(statuses == [200, 200])
        #expect(!failures)
        #expect(connections == 1)
        let sources = try await server.requestSources()
        #expect(sources.map(\.transport) == [.ws, .ws])
        #expect(Set(sources.map(\.address)).count == 1)
        let (via, serverConnections) = try await server.run {
            ($0.user.requests.first?.topViaTransport?.string, $0.transport.connectionCount)
        }
        #expect(via == "WS")
        #expect(serverConnections == 1)
    }

    @Test("OPTIONS over WSS gets 200, the certificate checked against the test CA")
    func optionsOverWSS() async throws {
        let server = try await Self.server()
        let client = try await Self.client()
        defer { Task { await server.shutdown(); await client.shutdown() } }
        let serverAddress = try await server.address(.wss)

        try await client.send(try optionsRequest(to: "127.0.0.1"), to: .wss(serverAddress))
        try await client.user.wait { $0.responseStatuses == [200] && $0.terminatedCount == 1 }
        let sources = try await server.requestSources()
        #expect(sources.map(\.transport) == [.wss])
        let via = try await server.run { $0.user.requests.first?.topViaTransport?.string }
        #expect(via == "WSS")
    }

    @Test("an upgrade refused by the server (another path) is a transport error for the transaction")
    func refusedUpgradeFailsTheTransaction() async throws {
        let server = try await Self.server(path: "/sip")
        let client = try await Self.client(path: "/elsewhere")
        defer { Task { await server.shutdown(); await client.shutdown() } }
        let serverAddress = try await server.address(.ws)

        try await client.send(try optionsRequest(to: "127.0.0.1"), to: .ws(serverAddress))
        try await client.user.wait { $0.hasFailures && $0.terminatedCount == 1 }
        let (sendFailures, connections) = try await client.run { ($0.transport.statistics.sendFailures, $0.transport.connectionCount) }
        #expect(sendFailures == 1)
        #expect(connections == 0)
        let refused = try await server.run { $0.transport.statistics.webSocketUpgradesRefused }
        #expect(refused == 1)
    }

    @Test(
        "the listener upgrades only to the sip subprotocol on its path",
        arguments: [
            (RawWebSocketClient.upgradeRequest(path: "/sip", subprotocol: "sip"), "101"),
            (RawWebSocketClient.upgradeRequest(path: "/sip", subprotocol: "chat, sip"), "101"),
            (RawWebSocketClient.upgradeRequest(path: "/sip", subprotocol: nil), "400"),
            (RawWebSocketClient.upgradeRequest(path: "/sip", subprotocol: "chat"), "400"),
            (RawWebSocketClient.upgradeRequest(path: "/other", subprotocol: "sip"), "404"),
            ("GET /sip HTTP/1.1\r\nHost: localhost\r\n\r\n", "426"),
        ])
    func upgradeNeedsSIP(request: String, status: String) async throws {
        let server = try await Self.server(path: "/sip")
        defer { Task { await server.shutdown() } }
        let client = try await RawWebSocketClient.connect(to: server.address(.ws), request: request)
        defer { Task { await client.raw.close() } }

        let head = try await client.answerHead()
        #expect(head.hasPrefix("HTTP/1.1 \(status) "), "answer: \(head)")
        let statistics = try await server.run { $0.transport.statistics }
        if status == "101" {
            #expect(head.lowercased().contains("sec-websocket-protocol: sip"))
            try await pollUntil(on: server.eventLoop) { server.transport.connectionCount == 1 }
            #expect(statistics.webSocketUpgradesRefused == 0)
        } else {
            try await client.raw.waitForClose()
            #expect(statistics.webSocketUpgradesRefused == 1)
            let connections = try await server.run { $0.transport.connectionCount }
            #expect(connections == 0)
        }
    }

    @Test("a malformed WebSocket message is dropped and counted; the connection carries the next one")
    func malformedMessageIsDropped() async throws {
        let server = try await Self.server()
        defer { Task { await server.shutdown() } }
        let client = try await RawWebSocketClient.connect(to: server.address(.ws))
        defer { Task { await client.raw.close() } }

        try await client.sendText("this is not SIP\r\n\r\n")
        try await client.send(RawFrame(opcode: RawFrame.binary, payload: [0x00, 0xFF, 0x13, 0x37]))
        var request = ByteBuffer()
        try optionsRequest(to: "127.0.0.1").write(into: &request)
        try await client.sendText(String(buffer: request))

        try await client.waitForFrames { frames in frames.contains { $0.opcode == RawFrame.text && $0.text.hasPrefix("SIP/2.0 200 ") } }
        let statistics = try await server.run { $0.transport.statistics }
        #expect(statistics.webSocketMessagesDropped == 2)
        #expect(statistics.garbageDropped == 2)
        #expect(statistics.messagesReceived == 1)
        let frames = try await client.frames()
        #expect(frames.allSatisfy { $0.opcode == RawFrame.text }, "answers go out as text frames")
    }

    @Test("a message split over continuation frames arrives whole")
    func fragmentedMessage() async throws {
        let server = try await Self.server()
        defer { Task { await server.shutdown() } }
        let client = try await RawWebSocketClient.connect(to: server.address(.ws))
        defer { Task { await client.raw.close() } }

        var request = ByteBuffer()
        try optionsRequest(to: "127.0.0.1", callID: "fragments@test").write(into: &request)
        let bytes = Array(request.readableBytesView)
        let third = bytes.count / 3
        try await client.send(RawFrame(fin: false, opcode: RawFrame.text, payload: Array(bytes[..<third])))
        try await client.send(RawFrame(opcode: RawFrame.ping, payload: Array("between".utf8)))
        try await client.send(RawFrame(fin: false, opcode: RawFrame.continuation, payload: Array(bytes[third..<2 * third])))
        try await client.send(RawFrame(opcode: RawFrame.continuation, payload: Array(bytes[(2 * third)...])))

        try await server.user.wait { $0.requests.count == 1 }
        let callID = try await server.run { $0.user.requests.first?.callID?.string }
        #expect(callID == "fragments@test")
        try await client.waitForFrames { $0.contains { $0.opcode == RawFrame.pong } }
    }

    @Test("a message over the limits closes the connection with 1009", arguments: [false, true])
    func oversizeMessageCloses(fragmented: Bool) async throws {
        let server = try await Self.server(limits: SIPParserLimits(maxHeaderBytes: 1024, maxBodyBytes: 1024))
        defer { Task { await server.shutdown() } }
        let client = try await RawWebSocketClient.connect(to: server.address(.ws))

        let payload = [UInt8](repeating: UInt8(ascii: "a"), count: 3000)
        if fragmented {
            try await client.send(RawFrame(fin: false, opcode: RawFrame.text, payload: Array(payload[..<1000])))
            try await client.send(RawFrame(fin: false, opcode: RawFrame.continuation, payload: Array(payload[1000..<2000])))
            try await client.send(RawFrame(opcode: RawFrame.continuation, payload: Array(payload[2000...])))
        } else {
            try await client.send(RawFrame(opcode: RawFrame.text, payload: payload))
        }
        try await client.raw.waitForClose()
        let frames = try await client.frames()
        #expect(frames.last?.closeCode == 1009, "frames: \(frames)")
        try await pollUntil(on: server.eventLoop) { server.transport.connectionCount == 0 }
        let statistics = try await server.run { $0.transport.statistics }
        #expect(statistics.webSocketsClosedOversize == 1)
        #expect(statistics.messagesReceived == 0)
    }

    @Test("a ping gets a pong with the same data")
    func pingGetsPong() async throws {
        let server = try await Self.server()
        defer { Task { await server.shutdown() } }
        let client = try await RawWebSocketClient.connect(to: server.address(.ws))
        defer { Task { await client.raw.close() } }

        try await client.send(RawFrame(opcode: RawFrame.ping, payload: Array("are you there".utf8)))
        try await client.waitForFrames { $0.contains { $0.opcode == RawFrame.pong } }
        let frames = try await client.frames()
        #expect(frames == [RawFrame(opcode: RawFrame.pong, payload: Array("are you there".utf8))])
        let pings = try await server.run { $0.transport.statistics.webSocketPingsAnswered }
        #expect(pings == 1)
    }

    @Test("a close gets a close with the same code, and the connection ends")
    func closeHandshake() async throws {
        let server = try await Self.server()
        defer { Task { await server.shutdown() } }
        let client = try await RawWebSocketClient.connect(to: server.address(.ws))

        try await pollUntil(on: server.eventLoop) { server.transport.connectionCount == 1 }
        try await client.send(RawFrame(opcode: RawFrame.close, payload: [0x03, 0xE8]))
        try await client.raw.waitForClose()
        let frames = try await client.frames()
        #expect(frames.map(\.closeCode) == [1000])
        try await pollUntil(on: server.eventLoop) { server.transport.connectionCount == 0 }
    }

    @Test("an idle WebSocket is closed with 1001 after the idle time")
    func idleWebSocketIsReaped() async throws {
        // Real sockets and real time: an idle time long enough that a loaded machine still
        // sends the upgrade request before it (the exact deadline is tested on virtual time in
        // SIPWebSocketHandlerTests). 2 s was not: in a fresh-clone CI run with a build beside
        // it, the connection was closed before the upgrade had been answered.
        let server = try await Self.server(idleTimeout: .seconds(5))
        defer { Task { await server.shutdown() } }
        let client = try await RawWebSocketClient.connect(to: server.address(.ws))

        try await client.raw.waitForClose(within: .seconds(10))
        let frames = try await client.frames()
        #expect(frames.map(\.closeCode) == [1001])
        let (idle, connections) = try await server.run { ($0.transport.statistics.idleConnectionsClosed, $0.transport.connectionCount) }
        #expect(idle == 1)
        #expect(connections == 0)
    }

    @Test("Via and sent-by name WS and the WS listener's port")
    func viaForWebSocket() async throws {
        let server = try await Self.server()
        defer { Task { await server.shutdown() } }
        let wsPort = try await server.address(.ws).port ?? -1
        let wssPort = try await server.address(.wss).port ?? -1
        let (ws, wss) = try await server.run {
            ($0.transport.viaValue(for: .ws, branch: "z9hG4bKws"), $0.transport.sentBy(for: .wss))
        }
        #expect(ws == "SIP/2.0/WS 127.0.0.1:\(wsPort);branch=z9hG4bKws;rport")
        #expect(wss == "127.0.0.1:\(wssPort)")
    }
}
