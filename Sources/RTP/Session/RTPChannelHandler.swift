import NIOCore

/// Reads datagrams for an ``RTPSession``: on the RTP socket (RTP, or RTP and RTCP when
/// muxed) or on the RTCP socket.
final class RTPChannelHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    /// Which socket this handler reads.
    enum Role {
        case rtp
        case rtcp
    }

    private let session: RTPSession
    private let role: Role

    init(session: RTPSession, role: Role) {
        self.session = session
        self.role = role
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        session.received(envelope.data, from: envelope.remoteAddress, on: role)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // ICMP port unreachable and the like: the socket stays open.
    }

    func channelInactive(context: ChannelHandlerContext) {
        // Closed by NIO after a failed send (a destination the kernel refuses outright), or by
        // the session itself at its end: the session tells the two apart.
        session.channelClosed(context.channel, role: role)
        context.fireChannelInactive()
    }
}
