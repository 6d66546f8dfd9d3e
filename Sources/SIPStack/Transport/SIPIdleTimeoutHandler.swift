import NIOCore

/// Fires `IdleStateHandler.IdleStateEvent.read` when nothing has been read on a connection for
/// ``timeout`` (the idle reaping of ``SIPTransportLayer``; the handlers after it close the
/// connection). It does what NIO's `IdleStateHandler(readTimeout:)` does for reads, but measures
/// time with the event loop's clock (`EventLoop.now`) rather than the wall clock, so that an
/// `EmbeddedEventLoop` drives it exactly in tests.
///
/// ```
///   read ─┬─ lastRead = now
///   timer at lastRead + timeout: now ≥ lastRead + timeout ? fire event, check again after timeout
///                                                          : check again at lastRead + timeout
/// ```
final class SIPIdleTimeoutHandler: ChannelInboundHandler {
    typealias InboundIn = NIOAny

    /// How long a connection may go without a read.
    let timeout: TimeAmount
    private var lastRead: NIODeadline = .distantPast
    private var check: Scheduled<Void>?

    init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context: context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stop()
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        stop()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        lastRead = context.eventLoop.now
        context.fireChannelRead(data)
    }

    private func start(context: ChannelHandlerContext) {
        guard check == nil else { return }
        lastRead = context.eventLoop.now
        schedule(at: lastRead + timeout, context: context)
    }

    private func stop() {
        check?.cancel()
        check = nil
    }

    private func schedule(at deadline: NIODeadline, context: ChannelHandlerContext) {
        check = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) {
            self.fire(context: context)
        }
    }

    private func fire(context: ChannelHandlerContext) {
        check = nil
        guard context.channel.isActive else { return }
        let now = context.eventLoop.now
        let due = lastRead + timeout
        if now >= due {
            schedule(at: now + timeout, context: context)
            context.fireUserInboundEventTriggered(IdleStateHandler.IdleStateEvent.read)
        } else {
            schedule(at: due, context: context)
        }
    }
}
