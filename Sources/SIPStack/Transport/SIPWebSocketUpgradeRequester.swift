import Logging
import NIOCore
import NIOHTTP1

/// The last handler of an outgoing WS or WSS connection before the upgrade (RFC 7118 §4.1):
/// once the connection is up it sends the upgrade request
/// (``SIPWebSocketHandshake/upgradeRequest(host:path:)``). It sees a response only when the
/// server did not switch protocols, and then fails the connection's readiness and closes it.
/// The upgrade removes it.
final class SIPWebSocketUpgradeRequester: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    private let layer: SIPTransportLayer
    private let key: SIPConnectionKey
    private let host: String
    private let path: String
    private let ready: EventLoopPromise<any Channel>
    private var hasSentRequest = false

    init(layer: SIPTransportLayer, key: SIPConnectionKey, host: String, path: String, ready: EventLoopPromise<any Channel>) {
        self.layer = layer
        self.key = key
        self.host = host
        self.path = path
        self.ready = ready
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { sendRequest(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        sendRequest(context: context)
        context.fireChannelActive()
    }

    private func sendRequest(context: ChannelHandlerContext) {
        guard !hasSentRequest else { return }
        hasSentRequest = true
        context.write(wrapOutboundOut(.head(SIPWebSocketHandshake.upgradeRequest(host: host, path: path))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(let response) = unwrapInboundIn(data) else { return }
        ready.fail(SIPTransportError(
            .webSocketUpgradeRefused, "the server answered the WebSocket upgrade with \(response.status.code) \(response.status.reasonPhrase)"))
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        ready.fail(SIPTransportError(.connectionClosed, "the \(key.transport) connection closed before the upgrade"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        layer.connectionError(error, key: key, outgoing: true)
        ready.fail(error)
        context.close(promise: nil)
    }
}
