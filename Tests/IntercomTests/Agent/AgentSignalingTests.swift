import Foundation
import Intercom
import Logging
import NIOCore
import NIOPosix
import SIPMessage
import SIPStack
import Testing

/// The agent's SIP endpoint over real sockets on 127.0.0.1 (ephemeral ports): OPTIONS and
/// malformed requests get their answers where they came from.
@Suite("The agent's SIP endpoint on loopback")
struct AgentSignalingTests {
    static let options = request("OPTIONS")

    static func request(_ method: String, extra: String = "") -> String {
        "\(method) sip:door@192.0.2.10 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.20:5062;branch=z9hG4bK77ef\(method);rport\r\n"
            + "From: <sip:flat3@192.0.2.1>;tag=abc\r\nTo: <sip:door@192.0.2.10>\r\nCall-ID: resp-1@192.0.2.20\r\n"
            + "CSeq: 7 \(method)\r\nMax-Forwards: 70\r\nContact: <sip:flat3@192.0.2.20:5062>\r\n\(extra)Content-Length: 0\r\n\r\n"
    }

    /// Collects what a socket receives and completes a promise once `isComplete` says so.
    final class Collector<Inbound>: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = Inbound
        let promise: EventLoopPromise<ByteBuffer>
        let bytes: (Inbound) -> ByteBuffer
        let isComplete: (ByteBuffer) -> Bool
        var received = ByteBuffer()

        init(promise: EventLoopPromise<ByteBuffer>, bytes: @escaping (Inbound) -> ByteBuffer, until isComplete: @escaping (ByteBuffer) -> Bool) {
            self.promise = promise
            self.bytes = bytes
            self.isComplete = isComplete
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var buffer = bytes(unwrapInboundIn(data))
            received.writeBuffer(&buffer)
            if isComplete(received) { promise.succeed(received) }
        }
    }

    static func withListener(
        configure: (inout IntercomConfiguration) -> Void = { _ in }, _ body: (IntercomAgent) async throws -> Void
    ) async throws {
        var configuration = IntercomConfiguration()
        configuration.sip.listen = [
            ListenAddress(transport: .udp, address: "127.0.0.1", port: 0),
            ListenAddress(transport: .tcp, address: "127.0.0.1", port: 0),
        ]
        configuration.audio.capture = "null"
        configuration.audio.playback = "null"
        configuration.control.enabled = false
        // Calls are refused 480 without auto-answer: an answer that comes at once.
        configuration.answer.autoAnswer = false
        configure(&configuration)
        var logger = Logger(label: "test")
        logger.logLevel = .error
        let agent = try await IntercomAgent.start(configuration: configuration, logger: logger)
        do {
            try await body(agent)
        } catch {
            await agent.shutdown()
            throw error
        }
        await agent.shutdown()
    }

    /// Fails the promise after `seconds` so a lost answer fails the test instead of hanging.
    static func deadline(_ promise: EventLoopPromise<ByteBuffer>, on loop: any EventLoop) {
        loop.scheduleTask(in: .seconds(10)) { promise.fail(ChannelError.connectTimeout(.seconds(10))) }
    }

    @Test("OPTIONS over UDP is answered 200 to the source address")
    func udp() async throws {
        try await Self.withListener { listener in
            let port = try #require(listener.localAddresses[.udp]?.port)
            let group = MultiThreadedEventLoopGroup.singleton
            let loop = group.next()
            let promise = loop.makePromise(of: ByteBuffer.self)
            Self.deadline(promise, on: loop)
            let client = try await DatagramBootstrap(group: loop)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(
                            Collector<AddressedEnvelope<ByteBuffer>>(promise: promise, bytes: { $0.data }) { $0.readableBytes > 0 })
                    }
                }
                .bind(host: "127.0.0.1", port: 0).get()
            let target = try SocketAddress(ipAddress: "127.0.0.1", port: port)
            try await client.writeAndFlush(AddressedEnvelope(remoteAddress: target, data: ByteBuffer(string: Self.options))).get()
            let answer = try await promise.futureResult.get()
            try await client.close()
            let response = try SIPMessage(parsing: answer)
            #expect(response.statusCode == 200)
            #expect(response.callID?.string == "resp-1@192.0.2.20")
        }
    }

    /// Sends `request` over UDP to the agent and returns its final response (after any 100).
    static func finalResponse(to request: String, port: Int) async throws -> SIPMessage {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let promise = loop.makePromise(of: ByteBuffer.self)
        Self.deadline(promise, on: loop)
        let isFinal = { (buffer: ByteBuffer) in String(buffer: buffer).range(of: "SIP/2.0 [2-6][0-9][0-9] ", options: .regularExpression) != nil }
        let client = try await DatagramBootstrap(group: loop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        Collector<AddressedEnvelope<ByteBuffer>>(promise: promise, bytes: { $0.data }, until: isFinal))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let target = try SocketAddress(ipAddress: "127.0.0.1", port: port)
        try await client.writeAndFlush(AddressedEnvelope(remoteAddress: target, data: ByteBuffer(string: request))).get()
        let received = String(buffer: try await promise.futureResult.get())
        try await client.close()
        let start = try #require(received.range(of: "SIP/2.0 [2-6][0-9][0-9] ", options: .regularExpression))
        return try SIPMessage(parsing: String(received[start.lowerBound...]))
    }

    static let shortSessionInvite = request("INVITE", extra: "Supported: timer\r\nSession-Expires: 60\r\n")

    @Test("answer.sessionExpiresSeconds reaches the user agent: a timer-aware caller asking for 60 s gets 422 Min-SE 90")
    func sessionTimerOn() async throws {
        try await Self.withListener { listener in
            let port = try #require(listener.localAddresses[.udp]?.port)
            let response = try await Self.finalResponse(to: Self.shortSessionInvite, port: port)
            #expect(response.statusCode == 422)
            #expect(try response.minSE() == 90)
        }
    }

    @Test("answer.sessionExpiresSeconds 0 turns session timers off: the same INVITE is not refused 422")
    func sessionTimerOff() async throws {
        try await Self.withListener(configure: { $0.answer.sessionExpiresSeconds = 0 }) { listener in
            let port = try #require(listener.localAddresses[.udp]?.port)
            let response = try await Self.finalResponse(to: Self.shortSessionInvite, port: port)
            #expect(response.statusCode != 422)
            #expect(response.firstValue(.minSE) == nil)
        }
    }

    @Test("TCP: a ping gets a pong and two pipelined requests get two answers in order")
    func tcp() async throws {
        try await Self.withListener { listener in
            let port = try #require(listener.localAddresses[.tcp]?.port)
            let loop = MultiThreadedEventLoopGroup.singleton.next()
            let promise = loop.makePromise(of: ByteBuffer.self)
            Self.deadline(promise, on: loop)
            let client = try await ClientBootstrap(group: loop)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(Collector<ByteBuffer>(promise: promise, bytes: { $0 }) { buffer in
                            String(buffer: buffer).components(separatedBy: "SIP/2.0 ").count - 1 >= 2
                        })
                    }
                }
                .connect(host: "127.0.0.1", port: port).get()
            let invite = Self.request("INVITE").replacingOccurrences(of: "CSeq: 7", with: "CSeq: 8")
            try await client.writeAndFlush(ByteBuffer(string: "\r\n\r\n" + Self.options + invite)).get()
            var answer = try await promise.futureResult.get()
            try await client.close()
            // The pong comes first, then the two responses.
            #expect(answer.readString(length: 2) == "\r\n")
            var framer = SIPStreamFramer()
            var statuses: [Int] = []
            while case .message(let count) = try framer.nextFrame(in: answer), let frame = answer.readSlice(length: count) {
                statuses.append(try SIPMessage(parsingFrame: frame).statusCode ?? 0)
            }
            #expect(statuses == [200, 480])
        }
    }

    @Test("a TCP stream with a header section over the limit is closed")
    func tcpOverLimit() async throws {
        try await Self.withListener { listener in
            let port = try #require(listener.localAddresses[.tcp]?.port)
            let loop = MultiThreadedEventLoopGroup.singleton.next()
            let client = try await ClientBootstrap(group: loop).connect(host: "127.0.0.1", port: port).get()
            let huge = "OPTIONS sip:door@192.0.2.10 SIP/2.0\r\n" + String(repeating: "X-Filler: 0123456789012345678901234567890123456789\r\n", count: 400)
            try await client.writeAndFlush(ByteBuffer(string: huge)).get()
            // The server closes the connection; closeFuture completes (bounded by a deadline).
            let closed = loop.makePromise(of: Void.self)
            client.closeFuture.cascade(to: closed)
            loop.scheduleTask(in: .seconds(10)) { closed.fail(ChannelError.connectTimeout(.seconds(10))) }
            try await closed.futureResult.get()
        }
    }
}
