import NIOCore
import NIOPosix
import SIPMessage
import SIPStack
import Testing

/// Keep-alives, framing, garbage and connection lifetime of ``SIPTransportLayer`` over real
/// sockets (RFC 3261 §18.3, RFC 5626 §4.4.1).
@Suite("SIPTransportLayer: streams, keep-alives and garbage")
struct SIPTransportStreamTests {
    @Test("a CRLFCRLF ping on TCP gets a CRLF pong", arguments: Loopback.hosts)
    func tcpPingPong(host: String) async throws {
        let server = try await TransportStack.start(host: host)
        defer { Task { await server.shutdown() } }
        let client = try await RawClient.tcp(to: server.address(.tcp))
        defer { Task { await client.close() } }

        try await client.send(ByteBuffer(string: "\r\n\r\n"))
        try await client.collector.wait { $0.readableBytes >= 2 }
        #expect(try await client.collector.text() == "\r\n")
        let pings = try await server.run { $0.transport.statistics.pingsAnswered }
        #expect(pings == 1)
    }

    @Test("garbage datagrams are dropped and counted, a CRLF keep-alive is ignored", arguments: Loopback.hosts)
    func garbageDatagrams(host: String) async throws {
        let server = try await TransportStack.start(host: host)
        defer { Task { await server.shutdown() } }
        let serverAddress = try await server.address(.udp)
        let client = try await RawClient.udp(host: host)
        defer { Task { await client.close() } }

        let garbage: [ByteBuffer] = [
            ByteBuffer(string: "hello"),
            ByteBuffer(bytes: (0..<200).map { UInt8(truncatingIfNeeded: $0 &* 37) }),
            ByteBuffer(string: "INVITE sip:bob@example.com SIP/2.0\r\nVia: \r\n\r\n"),
            ByteBuffer(string: "SIP/2.0 abc OK\r\n\r\n"),
            ByteBuffer(bytes: [0x00]),
        ]
        for datagram in garbage { try await client.send(datagram, to: serverAddress) }
        try await client.send(ByteBuffer(string: "\r\n\r\n"), to: serverAddress)
        // A valid request afterwards: the socket still works, and it arrives last.
        let request = try optionsRequest(to: host)
        var bytes = ByteBuffer()
        request.write(into: &bytes)
        try await client.send(bytes, to: serverAddress)

        try await pollUntil(on: server.eventLoop) { server.transport.statistics.messagesReceived == 1 }
        let statistics = try await server.run { $0.transport.statistics }
        #expect(statistics.datagramsDropped == garbage.count)
        #expect(statistics.garbageDropped == garbage.count)
        #expect(statistics.datagramKeepAlives == 1)
        let requests = try await server.run { $0.user.requests.count }
        #expect(requests == 1)
    }

    @Test("a stream whose header section exceeds the limit gets 513 and is closed", arguments: Loopback.hosts)
    func headerLimitClosesStream(host: String) async throws {
        let limits = SIPParserLimits(maxHeaderBytes: 1024)
        let server = try await TransportStack.start(host: host, limits: limits)
        defer { Task { await server.shutdown() } }
        let client = try await RawClient.tcp(to: server.address(.tcp))

        let head = [
            "OPTIONS sip:bob@example.com SIP/2.0",
            "Via: SIP/2.0/TCP client.example.com:5060;branch=z9hG4bKlimit1",
            "To: <sip:bob@example.com>",
            "From: <sip:alice@example.com>;tag=1",
            "Call-ID: limit@test",
            "CSeq: 1 OPTIONS",
            "X-Padding: " + String(repeating: "a", count: 2000),
        ].joined(separator: "\r\n")
        try await client.send(ByteBuffer(string: head))
        try await client.waitForClose()
        let answer = try await client.collector.text()
        #expect(answer.hasPrefix("SIP/2.0 513 "))
        #expect(answer.contains("Call-ID: limit@test"))
        let statistics = try await server.run { $0.transport.statistics }
        #expect(statistics.streamsClosedUnframeable == 1)
        #expect(statistics.messagesReceived == 0)
    }

    @Test("a stream of garbage over the limit is closed without an answer")
    func garbageStreamIsClosed() async throws {
        let server = try await TransportStack.start(host: "127.0.0.1", limits: SIPParserLimits(maxHeaderBytes: 512))
        defer { Task { await server.shutdown() } }
        let client = try await RawClient.tcp(to: server.address(.tcp))

        try await client.send(ByteBuffer(string: String(repeating: "garbage ", count: 200)))
        try await client.waitForClose()
        #expect(try await client.collector.text() == "")
    }

    @Test("pipelined TCP messages split at every byte boundary arrive intact")
    func pipelinedSplits() async throws {
        let server = try await TransportStack.start(host: "127.0.0.1")
        defer { Task { await server.shutdown() } }
        let client = try await RawClient.tcp(to: server.address(.tcp))
        defer { Task { await client.close() } }

        func message(_ method: String, _ index: Int, body: String) -> String {
            let number = String(repeating: "0", count: 5 - String(index).count) + String(index)
            return [
                "\(method) sip:bob@example.com SIP/2.0",
                "Via: SIP/2.0/TCP client.example.com;branch=z9hG4bK\(method)\(number)",
                "Max-Forwards: 70",
                "To: <sip:bob@example.com>",
                "From: <sip:alice@example.com>;tag=1",
                "Call-ID: \(method)-\(number)@test",
                "CSeq: 1 \(method)",
                "Content-Length: \(body.utf8.count)",
            ].joined(separator: "\r\n") + "\r\n\r\n" + body
        }
        let pairLength = (message("OPTIONS", 0, body: "") + message("MESSAGE", 0, body: "hello")).utf8.count
        var expected: [String] = []
        for split in 1..<pairLength {
            let pair = Array((message("OPTIONS", split, body: "") + message("MESSAGE", split, body: "hello")).utf8)
            expected += [message("OPTIONS", split, body: ""), message("MESSAGE", split, body: "hello")]
            try await client.send(ByteBuffer(bytes: pair[..<split]))
            try await client.send(ByteBuffer(bytes: pair[split...]))
        }
        let count = expected.count
        try await server.user.wait(within: .seconds(30)) { $0.requests.count == count }
        let received = try await server.run { stack in
            stack.user.requests.map { request -> String in
                var bytes = ByteBuffer()
                request.write(into: &bytes)
                return String(buffer: bytes)
            }
        }
        #expect(received == expected)
        let dropped = try await server.run { $0.transport.statistics.garbageDropped }
        #expect(dropped == 0)
    }

    @Test("an idle TCP connection is closed after the idle time", arguments: Loopback.hosts)
    func idleConnectionIsReaped(host: String) async throws {
        let server = try await TransportStack.start(host: host, idleTimeout: .milliseconds(100))
        defer { Task { await server.shutdown() } }
        let client = try await RawClient.tcp(to: server.address(.tcp))

        // No wait for the connection to show up first: with a 100 ms idle time, a loaded
        // machine can accept and reap it between two polls. The idle count proves both.
        try await client.waitForClose(within: .seconds(5))
        let (idle, connections) = try await server.run { ($0.transport.statistics.idleConnectionsClosed, $0.transport.connectionCount) }
        #expect(idle == 1)
        #expect(connections == 0)
    }

    @Test("an outgoing TCP flow sends CRLFCRLF keep-alives and the pongs keep it open")
    func outgoingKeepAlives() async throws {
        let server = try await TransportStack.start(host: "127.0.0.1", idleTimeout: .seconds(30))
        // Real sockets and real time: the idle time is 30 ping intervals, so that a loaded
        // machine delaying a pong cannot make the flow look idle (the exact deadlines are
        // tested on virtual time in SIPIdleTimeoutHandlerTests).
        let client = try await TransportStack.start(
            host: "127.0.0.1", idleTimeout: .seconds(3), keepAliveInterval: .milliseconds(100))
        defer { Task { await server.shutdown(); await client.shutdown() } }
        let serverAddress = try await server.address(.tcp)
        try await server.run { $0.user.answerStatus = 200 }

        let request = try optionsRequest(to: "127.0.0.1")
        try await client.run { stack in
            guard let stamped = stack.transport.stampingVia(request, transport: .tcp) else { throw DeadlineExceeded() }
            try stack.transactions.sendRequest(stamped, to: .reliable(serverAddress))
        }
        try await client.user.wait { $0.responseStatuses == [200] }
        // Forty pings (4 s) outlast the client's 3 s idle time: the pongs kept it open.
        try await pollUntil(on: server.eventLoop, within: .seconds(30)) { server.transport.statistics.pingsAnswered >= 40 }
        let (connections, idle) = try await client.run { ($0.transport.connectionCount, $0.transport.statistics.idleConnectionsClosed) }
        #expect(connections == 1)
        #expect(idle == 0)
    }
}

extension SIPTransportStreamTests {
    @Test("a request with an unusable Content-Length gets 400 and the stream is closed")
    func badContentLengthGets400() async throws {
        let server = try await TransportStack.start(host: "127.0.0.1")
        defer { Task { await server.shutdown() } }
        let client = try await RawClient.tcp(to: server.address(.tcp))

        try await client.send(ByteBuffer(string: TransactionFixtures.wire([
            "OPTIONS sip:bob@example.com SIP/2.0",
            "Via: SIP/2.0/TCP client.example.com:5060;branch=z9hG4bKbadlength",
            "To: <sip:bob@example.com>",
            "From: <sip:alice@example.com>;tag=1",
            "Call-ID: badlength@test",
            "CSeq: 1 OPTIONS",
            "Content-Length: many",
        ])))
        try await client.waitForClose()
        let answer = try await client.collector.text()
        #expect(answer.hasPrefix("SIP/2.0 400 "))
        #expect(answer.contains("CSeq: 1 OPTIONS"))
    }
}

extension SIPTransportStreamTests {
    @Test("a half-closed connection is closed and forgotten", arguments: Loopback.hosts)
    func halfClosedConnectionIsReaped(host: String) async throws {
        let server = try await TransportStack.start(host: host)
        defer { Task { await server.shutdown() } }
        let client = try await RawClient.tcp(to: server.address(.tcp))

        try await pollUntil(on: server.eventLoop) { server.transport.connectionCount == 1 }
        try await awaitBounded(client.channel.close(mode: .output))
        try await client.waitForClose()
        try await pollUntil(on: server.eventLoop) { server.transport.connectionCount == 0 }
    }
}
