import Logging
import NIOCore
import NIOHTTP1
import NIOWebSocket

/// The last handler of a WS or WSS listener's HTTP pipeline, before the upgrade (RFC 7118
/// §4.1): it sees only the requests the WebSocket upgrader did not take (another path, no
/// `sip` subprotocol, no upgrade at all), answers each with 404, 426 or 400
/// (``SIPWebSocketHandshake/refusalStatus(for:path:)``) and closes the connection. It also
/// closes a connection that idles before upgrading. The upgrade removes it.
final class SIPWebSocketRefusalHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let layer: SIPTransportLayer
    private let path: String
    private var status: HTTPResponseStatus?

    init(layer: SIPTransportLayer, path: String) {
        self.layer = layer
        self.path = path
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let request):
            if status == nil { status = SIPWebSocketHandshake.refusalStatus(for: request, path: path) }
        case .body:
            break
        case .end:
            guard let status else { return }
            layer.count(\.webSocketUpgradesRefused)
            layer.logger.debug("refusing a WebSocket upgrade: \(status)", metadata: ["peer": "\(context.channel.remoteAddress.map { "\($0)" } ?? "?")"])
            var head = HTTPResponseHead(version: .http1_1, status: status)
            head.headers.add(name: "Connection", value: "close")
            head.headers.add(name: "Content-Length", value: "0")
            if status == .upgradeRequired {
                head.headers.add(name: "Upgrade", value: "websocket")
                head.headers.add(name: "Sec-WebSocket-Protocol", value: SIPWebSocketHandshake.subprotocol)
            }
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            layer.count(\.idleConnectionsClosed)
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A refused upgrade is reported first, and its request follows: answer that.
        if error is NIOWebSocketUpgradeError { return }
        layer.connectionError(error, key: nil)
        context.close(promise: nil)
    }
}
