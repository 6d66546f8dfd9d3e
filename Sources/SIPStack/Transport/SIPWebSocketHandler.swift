import Logging
import NIOCore
import NIOWebSocket
import SIPMessage

/// Reads and writes SIP over one upgraded WebSocket connection (WS or WSS) for a
/// ``SIPTransportLayer`` (RFC 7118 §5, RFC 6455 §5).
///
/// ```
///   inbound:  text/binary frame (+ continuations) ──one message──> SIPMessage(parsing:limits:) ──> layer
///   outbound: ByteBuffer (one SIP message) ──> text frame (masked when this side is the client)
/// ```
///
/// - Each WebSocket message carries exactly one SIP message and is parsed as a datagram is: one
///   that does not parse is dropped and counted. A message of CR/LF only is a keep-alive: four
///   or more get a CRLF pong, as on a stream (RFC 5626 §4.4.1).
/// - A message over the limits (header and body limits together) closes the connection with
///   close code 1009: a single frame is refused by the frame decoder before it is buffered,
///   a fragmented message once its fragments pass the limit.
/// - A ping gets a pong with the same data; a close gets a close with the same code, then the
///   connection is closed; a protocol violation (an unmasked frame from a client, a
///   continuation without a start, an unknown opcode) closes with 1002.
/// - On a connection this side opened it completes the layer's readiness promise when it is
///   added (the upgrade is done) and sends a ping every
///   ``SIPTransportLayer/Configuration/keepAliveInterval``.
/// - An idle timeout (a ``SIPIdleTimeoutHandler`` before it) closes with 1001.
final class SIPWebSocketHandler: ChannelDuplexHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = WebSocketFrame

    private let layer: SIPTransportLayer
    /// WS or WSS.
    private let transport: SIPTransportKind
    /// The remote address the connection is filed under: given for an outgoing connection,
    /// read when added for an accepted one.
    private var peer: SocketAddress?
    /// Whether this side opened the connection (and so masks what it sends).
    private let isClient: Bool
    private let ready: EventLoopPromise<any Channel>?
    private let maxMessageBytes: Int
    /// The fragments of a message being reassembled.
    private var fragments: ByteBuffer?
    /// Set once a close frame has been sent: nothing but the peer's close is read afterwards.
    private var hasSentClose = false
    private var keepAlive: RepeatedTask?

    /// A handler for a WebSocket connection over `transport` (WS or WSS). `peer` is the address
    /// an outgoing connection was opened to, nil for an accepted one; `ready` is completed when
    /// the handler is added to an outgoing connection.
    init(layer: SIPTransportLayer, transport: SIPTransportKind, peer: SocketAddress?, ready: EventLoopPromise<any Channel>? = nil) {
        self.layer = layer
        self.transport = transport
        self.peer = peer
        self.isClient = peer != nil
        self.ready = ready
        self.maxMessageBytes = layer.configuration.maxWebSocketMessageBytes
    }

    private var key: SIPConnectionKey? {
        peer.map { SIPConnectionKey(transport: transport, address: $0) }
    }

    private var maskKey: WebSocketMaskingKey? {
        // RFC 6455 §5.3: a client masks every frame, a server none.
        isClient ? .random() : nil
    }

    // MARK: - Lifecycle

    func handlerAdded(context: ChannelHandlerContext) {
        if isClient {
            startKeepAlives(context: context)
            ready?.succeed(context.channel)
        } else if let remote = context.channel.remoteAddress {
            peer = remote
            layer.streamAccepted(context.channel, key: SIPConnectionKey(transport: transport, address: remote))
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        keepAlive?.cancel()
        keepAlive = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        keepAlive?.cancel()
        keepAlive = nil
        ready?.fail(SIPTransportError(.connectionClosed, "the \(transport) connection closed"))
        if let key { layer.streamClosed(context.channel, key: key) }
        context.fireChannelInactive()
    }

    /// Sends a ping every keep-alive interval; the pongs count as reads for the idle timer. The
    /// ping is written from this handler's context: written to the channel, a frame would come
    /// back through ``write(context:data:promise:)``, which takes SIP messages.
    private func startKeepAlives(context: ChannelHandlerContext) {
        guard let interval = layer.configuration.keepAliveInterval, interval > .zero else { return }
        let boundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
        keepAlive = context.eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
            let context = boundContext.value
            let ping = WebSocketFrame(fin: true, opcode: .ping, maskKey: .random(), data: context.channel.allocator.buffer(capacity: 0))
            context.writeAndFlush(NIOAny(ping), promise: nil)
        }
    }

    // MARK: - Reading

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        if hasSentClose {
            // Waiting for the peer's close; anything else is dropped (RFC 6455 §5.5.1).
            if frame.opcode == .connectionClose { context.close(promise: nil) }
            return
        }
        if !isClient, frame.maskKey == nil {
            sendClose(.protocolError, context: context)
            return
        }
        switch frame.opcode {
        case .text, .binary:
            guard fragments == nil else {
                sendClose(.protocolError, context: context)
                return
            }
            if frame.fin {
                deliver(frame.unmaskedData, context: context)
            } else {
                fragments = frame.unmaskedData
            }
        case .continuation:
            guard var message = fragments else {
                sendClose(.protocolError, context: context)
                return
            }
            var data = frame.unmaskedData
            guard message.readableBytes + data.readableBytes <= maxMessageBytes else {
                fragments = nil
                closeOversize(context: context)
                return
            }
            message.writeBuffer(&data)
            if frame.fin {
                fragments = nil
                deliver(message, context: context)
            } else {
                fragments = message
            }
        case .ping:
            layer.count(\.webSocketPingsAnswered)
            let pong = WebSocketFrame(fin: true, opcode: .pong, maskKey: maskKey, data: frame.unmaskedData)
            context.writeAndFlush(wrapOutboundOut(pong), promise: nil)
        case .pong:
            break
        case .connectionClose:
            // Echo the peer's status code, then close (RFC 6455 §5.5.1). A code that may not be
            // sent (1005, 1006, 1015, unassigned ones; §7.4) is a protocol error.
            var data = frame.unmaskedData
            var code = data.readWebSocketErrorCode() ?? .normalClosure
            if case .unknown(let raw) = code, !(3000...4999).contains(raw) { code = .protocolError }
            sendClose(code, context: context)
        default:
            sendClose(.protocolError, context: context)
        }
    }

    /// Hands one WebSocket message on as one SIP message (RFC 7118 §5.1).
    private func deliver(_ data: ByteBuffer, context: ChannelHandlerContext) {
        guard let peer else { return }
        if data.readableBytes > 0, data.readableBytesView.allSatisfy({ $0 == 0x0D || $0 == 0x0A }) {
            if data.readableBytes >= 4 {
                layer.count(\.pingsAnswered)
                context.writeAndFlush(wrapOutboundOut(textFrame(ByteBuffer(string: "\r\n"))), promise: nil)
            }
            return
        }
        do {
            // A message view keeps its buffer alive while a transaction holds it: give it an
            // exact-size copy rather than a slice of the read buffer.
            let message = try SIPMessage(parsing: context.channel.allocator.exactCopy(of: data), limits: layer.configuration.limits)
            layer.received(message, from: TransactionDestination(address: peer, transport: transport))
        } catch {
            if error.rejectStatus == 513 {
                closeOversize(context: context)
                return
            }
            layer.count(\.webSocketMessagesDropped)
            layer.logger.debug("dropping a WebSocket message: \(error)", metadata: ["peer": "\(peer)"])
        }
    }

    private func closeOversize(context: ChannelHandlerContext) {
        layer.count(\.webSocketsClosedOversize)
        layer.logger.debug("closing a WebSocket whose message is over the limits", metadata: ["peer": "\(key.map { "\($0)" } ?? "?")"])
        sendClose(.messageTooLarge, context: context)
    }

    /// Sends a close frame with `code` and closes the connection once it is written.
    private func sendClose(_ code: WebSocketErrorCode, context: ChannelHandlerContext) {
        guard !hasSentClose else { return }
        hasSentClose = true
        fragments = nil
        var data = context.channel.allocator.buffer(capacity: 2)
        data.write(webSocketErrorCode: code)
        let frame = WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: maskKey, data: data)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(frame)).whenComplete { _ in channel.close(promise: nil) }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            layer.count(\.idleConnectionsClosed)
            sendClose(.goingAway, context: context)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        layer.connectionError(error, key: key)
        ready?.fail(error)
        if let error = error as? NIOWebSocketError {
            // The protocol error handler before this one has sent the close frame and closes.
            hasSentClose = true
            if case .invalidFrameLength = error { layer.count(\.webSocketsClosedOversize) }
            return
        }
        context.close(promise: nil)
    }

    // MARK: - Writing

    /// Sends one SIP message as one text frame (RFC 7118 §5.1).
    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard !hasSentClose else {
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        context.write(wrapOutboundOut(textFrame(unwrapOutboundIn(data))), promise: promise)
    }

    private func textFrame(_ bytes: ByteBuffer) -> WebSocketFrame {
        WebSocketFrame(fin: true, opcode: .text, maskKey: maskKey, data: bytes)
    }
}
