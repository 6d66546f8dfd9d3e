import Logging
import NIOCore
import NIOSSL
import NIOTLS
import SIPMessage

/// Reads one TCP or TLS connection for a ``SIPTransportLayer`` (RFC 3261 §18.3, §26.2): cuts
/// the (decrypted) stream with `SIPStreamFramer`, parses each frame with
/// `SIPMessage(parsingFrame:limits:)` and hands it on as coming from the connection's peer over
/// that transport.
///
/// On a connection this side opens, it completes the layer's readiness promise once the
/// connection can carry messages: when it is up for TCP, when the handshake has completed for
/// TLS; it fails the promise when an error or a close comes first.
///
/// It answers a CRLFCRLF ping with a CRLF pong (RFC 5626 §4.4.1), sends pings of its own on
/// an outgoing connection when the layer has a keep-alive interval, closes the connection
/// when the idle timer (an `IdleStateHandler` before it) fires, and closes a stream that cannot
/// be framed, first answering 400 or 513 when that is possible (``SIPStreamRejection``).
final class SIPStreamHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let layer: SIPTransportLayer
    /// TCP or TLS.
    private let transport: SIPTransportKind
    /// The remote address the connection is filed under; set at once for an outgoing
    /// connection, on activation for an accepted one.
    private var peer: SocketAddress?
    private let isOutgoing: Bool
    /// Completed when an outgoing connection is ready, or failed when it cannot be.
    private let ready: EventLoopPromise<any Channel>?
    private var framer: SIPStreamFramer
    private var received: ByteBuffer?
    private var isClosing = false
    private var keepAlive: RepeatedTask?

    /// A handler for a connection over `transport` (TCP or TLS). `peer` is the address an
    /// outgoing connection was opened to, nil for an accepted one; `ready` is completed when an
    /// outgoing connection can carry messages.
    init(layer: SIPTransportLayer, transport: SIPTransportKind = .tcp, peer: SocketAddress?, ready: EventLoopPromise<any Channel>? = nil) {
        self.layer = layer
        self.transport = transport
        self.peer = peer
        self.isOutgoing = peer != nil
        self.ready = ready
        self.framer = SIPStreamFramer(limits: layer.configuration.limits)
    }

    private var key: SIPConnectionKey? {
        peer.map { SIPConnectionKey(transport: transport, address: $0) }
    }

    func channelActive(context: ChannelHandlerContext) {
        if isOutgoing {
            startKeepAlives(context: context)
            // TLS is ready when the handshake completes (userInboundEventTriggered).
            if transport == .tcp { ready?.succeed(context.channel) }
        } else if let remote = context.channel.remoteAddress {
            peer = remote
            layer.streamAccepted(context.channel, key: SIPConnectionKey(transport: transport, address: remote))
        }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        keepAlive?.cancel()
        keepAlive = nil
        ready?.fail(SIPTransportError(.connectionClosed, "the \(transport) connection closed before it was ready"))
        if let key { layer.streamClosed(context.channel, key: key) }
        context.fireChannelInactive()
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive, !isOutgoing, peer == nil, let remote = context.channel.remoteAddress {
            peer = remote
            layer.streamAccepted(context.channel, key: SIPConnectionKey(transport: transport, address: remote))
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
            layer.received(message, from: TransactionDestination(address: peer, transport: transport))
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
        if let response = SIPStreamRejection.response(
            to: buffer, error: error, limits: layer.configuration.limits, source: source,
            warningAgent: layer.sentBy(for: transport))
        {
            context.writeAndFlush(wrapOutboundOut(response)).whenComplete { _ in channel.close(promise: nil) }
        } else {
            context.close(promise: nil)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            layer.count(\.idleConnectionsClosed)
            context.close(promise: nil)
        } else if case TLSUserEvent.handshakeCompleted = event {
            if isOutgoing { ready?.succeed(context.channel) }
            context.fireUserInboundEventTriggered(event)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        layer.connectionError(error, key: key, outgoing: isOutgoing)
        ready?.fail(error)
        context.close(promise: nil)
    }
}
