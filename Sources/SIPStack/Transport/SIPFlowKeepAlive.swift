import Logging
import NIOCore

/// Keeps one flow to a peer alive (RFC 5626 §4.4.1, §3.5.1): sends a CRLFCRLF keep-alive to
/// `destination` every ``interval`` through a ``TransactionTransport``. Over UDP that refreshes
/// the NAT binding a registrar reaches this agent through; over TCP, TLS or WebSocket it is the
/// ping of RFC 5626 §4.4.1, whose CRLF pong the stream handler counts as a read.
///
/// A send that fails is counted in ``failures`` and the next one is still tried: the flow may
/// come back (a connection is reopened on demand).
///
/// - warning: Confined to ``eventLoop``, like the transport it sends through.
public final class SIPFlowKeepAlive: @unchecked Sendable {
    /// The event loop the timer runs on.
    public let eventLoop: any EventLoop
    /// Where the keep-alives go.
    public let destination: TransactionDestination
    /// The time between two keep-alives.
    public let interval: TimeAmount

    private let transport: any TransactionTransport
    private let logger: Logger
    private var task: RepeatedTask?
    private var _sent = 0
    private var _failures = 0

    /// A keep-alive for `destination` that sends nothing until ``start()``.
    public init(
        destination: TransactionDestination, interval: TimeAmount, transport: any TransactionTransport, eventLoop: any EventLoop,
        logger: Logger = Logger(label: "SwiftSIP.keepalive")
    ) {
        self.destination = destination
        self.interval = interval
        self.transport = transport
        self.eventLoop = eventLoop
        self.logger = logger
    }

    /// Keep-alives sent.
    public var sent: Int {
        eventLoop.preconditionInEventLoop()
        return _sent
    }

    /// Keep-alives the transport could not send.
    public var failures: Int {
        eventLoop.preconditionInEventLoop()
        return _failures
    }

    /// Sends the first keep-alive after one ``interval``, then every ``interval``. A second call
    /// does nothing; an interval of zero or less sends nothing.
    public func start() {
        eventLoop.preconditionInEventLoop()
        guard task == nil, interval > .zero else { return }
        task = eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { [weak self] _ in
            self?.sendOne()
        }
    }

    /// Stops sending.
    public func stop() {
        eventLoop.preconditionInEventLoop()
        task?.cancel()
        task = nil
    }

    private func sendOne() {
        var ping = ByteBuffer()
        ping.writeStaticString("\r\n\r\n")
        do {
            try transport.send(ping, to: destination)
            _sent += 1
        } catch {
            _failures += 1
            logger.debug("keep-alive not sent: \(error)", metadata: ["peer": "\(destination)"])
        }
    }

    deinit {
        task?.cancel()
    }
}
