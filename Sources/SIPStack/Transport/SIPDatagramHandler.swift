import Logging
import NIOCore
import SIPMessage

/// Reads UDP datagrams for a ``SIPTransportLayer`` (RFC 3261 §18.3): each is one message,
/// parsed with `SIPMessage(parsing:limits:)` and handed on with its source address. A datagram
/// of CR/LF only is a keep-alive (RFC 5626 §4.4.1) and is ignored; one that does not parse is
/// dropped and counted, after a stateless 400 or 513 with a Warning when it is a request whose
/// body is shorter than its Content-Length or over the limits and whose Via, From, To, Call-ID
/// and CSeq can be read (RFC 3261 §18.3).
final class SIPDatagramHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private let layer: SIPTransportLayer

    init(layer: SIPTransportLayer) {
        self.layer = layer
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        let bytes = envelope.data
        if bytes.readableBytes > 0, bytes.readableBytesView.allSatisfy({ $0 == 0x0D || $0 == 0x0A }) {
            layer.count(\.datagramKeepAlives)
            return
        }
        do {
            // A message view keeps its buffer's storage alive for as long as a transaction holds
            // it; the read buffer is 64 KiB, so hand the parser an exact-size copy and let NIO
            // reuse the read buffer.
            let message = try SIPMessage(parsing: context.channel.allocator.exactCopy(of: bytes), limits: layer.configuration.limits)
            layer.received(message, from: .udp(envelope.remoteAddress))
        } catch {
            layer.count(\.datagramsDropped)
            layer.logger.debug("dropping a datagram: \(error)", metadata: ["source": "\(envelope.remoteAddress)"])
            if let response = SIPStreamRejection.response(
                to: bytes, error: error, limits: layer.configuration.limits, source: envelope.remoteAddress.hostAndPort,
                warningAgent: layer.sentBy(for: .udp))
            {
                layer.count(\.malformedRequestsAnswered)
                context.writeAndFlush(
                    NIOAny(AddressedEnvelope(remoteAddress: envelope.remoteAddress, data: response)), promise: nil)
            }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // ICMP errors and the like: the socket stays open.
        layer.logger.debug("UDP error: \(error)")
    }

    func channelInactive(context: ChannelHandlerContext) {
        // Closed by the layer, or by NIO after a refused send: the layer tells them apart.
        layer.udpChannelClosed(context.channel)
        context.fireChannelInactive()
    }
}
