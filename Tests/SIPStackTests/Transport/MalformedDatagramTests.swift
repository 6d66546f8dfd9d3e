import NIOCore
import NIOPosix
import SIPMessage
import SIPStack
import Testing

/// A UDP request whose body is shorter than its Content-Length gets a stateless 400 with a
/// Warning (RFC 3261 §18.3) before it is dropped; garbage is dropped silently and counted.
@Suite("Malformed datagrams", .timeLimit(.minutes(1)))
struct MalformedDatagramTests {
    /// Completes with the first datagram a socket receives.
    final class FirstDatagram: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>
        let promise: EventLoopPromise<ByteBuffer>

        init(promise: EventLoopPromise<ByteBuffer>) {
            self.promise = promise
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            promise.succeed(unwrapInboundIn(data).data)
        }
    }

    @Test("a truncated body: 400 naming the fault in a Warning, nothing reaches the transaction layer")
    func truncatedBody() async throws {
        let stack = try await TransportStack.start(host: "127.0.0.1")
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let promise = loop.makePromise(of: ByteBuffer.self)
        bound(promise, within: .seconds(10))
        let client = try await DatagramBootstrap(group: loop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(FirstDatagram(promise: promise)) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        do {
            let target = try await stack.address(.udp)
            let port = client.localAddress?.port ?? 0
            let garbage = ByteBuffer(string: "\u{16}\u{03}\u{01} not SIP at all")
            try await client.writeAndFlush(AddressedEnvelope(remoteAddress: target, data: garbage)).get()
            let text = "INVITE sip:door@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:\(port);branch=z9hG4bKshort1;rport\r\n"
                + "From: <sip:a@127.0.0.1>;tag=1\r\nTo: <sip:door@127.0.0.1>\r\nCall-ID: short-1\r\nCSeq: 1 INVITE\r\n"
                + "Max-Forwards: 70\r\nContent-Type: application/sdp\r\nContent-Length: 400\r\n\r\nv=0\r\n"
            try await client.writeAndFlush(AddressedEnvelope(remoteAddress: target, data: ByteBuffer(string: text))).get()
            let answer = try SIPMessage(parsing: try await promise.futureResult.get())
            #expect(answer.statusCode == 400)
            #expect(answer.callID?.string == "short-1")
            #expect(answer.topViaBranch?.string == "z9hG4bKshort1")
            let warning = try #require(answer.firstValue(.warning)?.string)
            #expect(warning.hasPrefix("399 127.0.0.1:"))
            #expect(warning.contains("body shorter than Content-Length"))
            let statistics = try await stack.run { $0.transport.statistics }
            #expect(statistics.datagramsDropped == 2)
            #expect(statistics.malformedRequestsAnswered == 1)
            #expect(try await stack.run { $0.user.events.isEmpty })
        } catch {
            try? await client.close()
            await stack.shutdown()
            throw error
        }
        try? await client.close()
        await stack.shutdown()
    }
}
