import NIOCore
import NIOPosix

/// A UDP load generator for `Benchmarks transactions`: keeps `window` OPTIONS requests in
/// flight to the server, each a new transaction (its own branch and CSeq), and counts the
/// 200 responses. It holds no transaction state of its own, so the figures are the server
/// stack's.
///
/// - warning: Confined to its channel's event loop.
final class OptionsLoadGenerator: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    private let server: SocketAddress
    private let window: Int
    private var limit: Int
    private var sent = 0
    private(set) var received = 0
    private var context: ChannelHandlerContext?
    private let done: EventLoopPromise<Int>
    private let localHost: String
    private var localPort = 0
    private var finished = false

    /// Sends `total` requests (`window` at a time) and completes `done` with the number of
    /// responses once all have been answered or ``stop()`` was called.
    init(server: SocketAddress, window: Int, total: Int, localHost: String, done: EventLoopPromise<Int>) {
        self.server = server
        self.window = window
        self.limit = total
        self.localHost = localHost
        self.done = done
    }

    func channelActive(context: ChannelHandlerContext) {
        self.context = context
        localPort = context.localAddress?.port ?? 0
        for _ in 0..<min(window, limit) { sendNext(context: context) }
        context.flush()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        // Only final responses count ("SIP/2.0 200").
        guard envelope.data.readableBytes > 12, envelope.data.getString(at: envelope.data.readerIndex &+ 8, length: 3) == "200" else { return }
        received &+= 1
        if sent < limit {
            sendNext(context: context)
            context.flush()
        } else if received >= sent {
            finish()
        }
    }

    private func finish() {
        guard !finished else { return }
        finished = true
        done.succeed(received)
    }

    /// Stops sending new requests; `done` completes when the ones in flight are answered.
    func stop() {
        limit = sent
        if received >= sent { finish() }
    }

    private func sendNext(context: ChannelHandlerContext) {
        sent &+= 1
        let text = "OPTIONS sip:bench@\(server.ipAddress ?? "127.0.0.1"):\(server.port ?? 5060) SIP/2.0\r\n"
            + "Via: SIP/2.0/UDP \(localHost):\(localPort);branch=z9hG4bK-bench-\(sent);rport\r\n"
            + "Max-Forwards: 70\r\nTo: <sip:bench@\(localHost)>\r\nFrom: <sip:load@\(localHost)>;tag=load\r\n"
            + "Call-ID: bench-\(sent)@\(localHost)\r\nCSeq: \(sent) OPTIONS\r\nContent-Length: 0\r\n\r\n"
        var buffer = context.channel.allocator.buffer(capacity: text.utf8.count)
        buffer.writeString(text)
        context.write(wrapOutboundOut(AddressedEnvelope(remoteAddress: server, data: buffer)), promise: nil)
    }
}
