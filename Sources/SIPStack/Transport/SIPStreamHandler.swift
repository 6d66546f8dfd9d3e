import Logging
import NIOCore
import SIPMessage

/// Reads one TCP connection for a ``SIPTransportLayer`` (RFC 3261 §18.3): cuts the stream
/// with `SIPStreamFramer`, parses each frame with `SIPMessage(parsingFrame:limits:)` and hands
/// it on as coming from the connection's peer over a reliable transport.
///
/// It answers a CRLFCRLF ping with a CRLF pong (RFC 5626 §4.4.1), sends pings of its own on
/// an outgoing connection when the layer has a keep-alive interval, closes the connection
/// when the idle timer (an `IdleStateHandler` before it) fires, and closes a stream that cannot
/// be framed, first answering 400 or 513 when that is possible (``SIPStreamRejection``).
final class SIPStreamHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let layer: SIPTransportLayer
    /// The remote address the connection is filed under; set at once for an outgoing
    /// connection, on activation for an accepted one.
    private var peer: SocketAddress?
    private let isOutgoing: Bool
    private var framer: SIPStreamFramer
    private var received: ByteBuffer?
    private var isClosing = false
    private var keepAlive: RepeatedTask?

    init(layer: SIPTransportLayer, peer: SocketAddress?) {
        self.layer = layer
        self.peer = peer
        self.isOutgoing = peer != nil
        self.framer = SIPStreamFramer(limits: layer.configuration.limits)
    }

    func channelActive(context: ChannelHandlerContext) {
        if isOutgoing {
            startKeepAlives(context: context)
        } else if let remote = context.channel.remoteAddress {
            peer = remote
            layer.streamAccepted(context.channel, peer: remote)
        }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        keepAlive?.cancel()
        keepAlive = nil
        if let peer { layer.streamClosed(context.channel, peer: peer) }
        context.fireChannelInactive()
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive, !isOutgoing, peer == nil, let remote = context.channel.remoteAddress {
            peer = remote
            layer.streamAccepted(context.channel, peer: remote)
        }
    }

    /// Sends a CRLFCRLF ping every keep-alive interval (RFC 5626 §4.4.1) on a connection this
    /// side opened.
    private func startKeepAlives(context: ChannelHandlerContext) {
        guard let interval = layer.configuration.keepAliveInterval, interval > .zero else { return }
        let channel = context.channel
        keepAlive = context.eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
            var ping = channel.allocator.buffer(capacity: 4)
            ping.writeStaticString("\r\n\r\n")
            channel.writeAndFlush(ping, promise: nil)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !isClosing else { return }
        var incoming = unwrapInboundIn(data)
        if received == nil {
            received = incoming
        } else {
            received?.writeBuffer(&incoming)
        }
        guard var buffer = received else { return }
        received = nil
        defer { if !isClosing, buffer.readableBytes > 0 { received = buffer } }
        while !isClosing {
            do {
                switch try framer.nextFrame(in: buffer) {
                case .needMoreBytes:
                    return
                case .keepAlive(let count):
                    buffer.moveReaderIndex(forwardBy: count)
                    if count >= 4 {
                        // A ping gets a pong (RFC 5626 §4.4.1); a lone CRLF is a pong.
                        layer.count(\.pingsAnswered)
                        var pong = context.channel.allocator.buffer(capacity: 2)
                        pong.writeStaticString("\r\n")
                        context.writeAndFlush(wrapOutboundOut(pong), promise: nil)
                    }
                case .message(let count):
                    guard let frame = buffer.readSlice(length: count) else { return }
                    deliver(frame, context: context)
                }
            } catch {
                reject(buffer, error: error, context: context)
                return
            }
        }
    }

    private func deliver(_ frame: ByteBuffer, context: ChannelHandlerContext) {
        guard let peer = peer ?? context.channel.remoteAddress else { return }
        do {
            // The frame is a slice of the connection's receive buffer: copy it so a transaction
            // holding the message does not pin that buffer.
            let message = try SIPMessage(parsingFrame: context.channel.allocator.exactCopy(of: frame), limits: layer.configuration.limits)
            layer.received(message, from: .reliable(peer))
        } catch {
            layer.count(\.streamMessagesDropped)
            layer.logger.debug("dropping a framed message: \(error)", metadata: ["peer": "\(peer)"])
        }
    }

    /// Closes a stream that cannot be framed (RFC 3261 §18.3), after a 400 or 513 when possible.
    private func reject(_ buffer: ByteBuffer, error: SIPParseError, context: ChannelHandlerContext) {
        isClosing = true
        layer.count(\.streamsClosedUnframeable)
        layer.logger.debug("closing a stream that cannot be framed: \(error)", metadata: ["peer": "\(peer.map { "\($0)" } ?? "?")"])
        let source = (peer ?? context.channel.remoteAddress).flatMap { address -> (host: String, port: Int)? in
            guard let host = address.ipAddress, let port = address.port else { return nil }
            return (host, port)
        }
        let channel = context.channel
        if let response = SIPStreamRejection.response(to: buffer, error: error, limits: layer.configuration.limits, source: source) {
            context.writeAndFlush(wrapOutboundOut(response)).whenComplete { _ in channel.close(promise: nil) }
        } else {
            context.close(promise: nil)
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
        layer.logger.debug("TCP error: \(error)")
        context.close(promise: nil)
    }
}
