import NIOCore
import NIOPosix
import SIPMessage
import SIPStack

/// A wait in a transport test took longer than its deadline.
struct DeadlineExceeded: Error, CustomStringConvertible {
    var description: String { "the deadline scheduled on the event loop passed first" }
}

/// Loopback addresses to test on: 127.0.0.1, and ::1 when the machine has an IPv6 loopback.
enum Loopback {
    static let hosts: [String] = ["127.0.0.1"] + (ipv6Available ? ["::1"] : [])

    /// Whether a UDP socket can be bound on ::1 (checked once, synchronously, outside any loop).
    static let ipv6Available: Bool = {
        guard let channel = try? DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "::1", port: 0).wait() else { return false }
        try? channel.close().wait()
        return true
    }()
}

/// Fails `promise` with ``DeadlineExceeded`` after `within`, unless it completes first: every
/// wait in these tests is bounded by a task scheduled on the event loop.
func bound<T>(_ promise: EventLoopPromise<T>, within: TimeAmount) {
    let task = promise.futureResult.eventLoop.scheduleTask(in: within) { promise.fail(DeadlineExceeded()) }
    promise.futureResult.whenComplete { _ in task.cancel() }
}

/// Waits for `future`, failing with ``DeadlineExceeded`` after `within`.
func awaitBounded<T: Sendable>(_ future: EventLoopFuture<T>, within: TimeAmount = .seconds(10)) async throws -> T {
    let promise = future.eventLoop.makePromise(of: T.self)
    bound(promise, within: within)
    future.cascade(to: promise)
    return try await promise.futureResult.get()
}

/// A transaction user for transport tests: it records every event, answers requests with
/// ``answerStatus`` when set, and lets a test wait for a condition on the events.
///
/// - warning: Confined to ``eventLoop``.
final class TransportTestUser: TransactionUser, @unchecked Sendable {
    let eventLoop: any EventLoop
    /// The status to answer every new request with; nil leaves requests unanswered.
    var answerStatus: Int?
    private(set) var events: [TransactionUserEvent] = []
    private var waiters: [(condition: (TransportTestUser) -> Bool, promise: EventLoopPromise<Void>)] = []

    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func transactionLayer(_ layer: TransactionLayer, didDeliver event: TransactionUserEvent) {
        events.append(event)
        if case .request(let request, let key, _) = event, let status = answerStatus {
            var buffer = ByteBuffer()
            request.writeResponseHead(status: status, reason: "OK", toTag: "server1", into: &buffer)
            buffer.writeSIPEndOfHeaders()
            if let response = try? SIPMessage(parsing: buffer) {
                try? layer.sendResponse(response, for: key)
            }
        }
        waiters.removeAll { waiter in
            guard waiter.condition(self) else { return false }
            waiter.promise.succeed()
            return true
        }
    }

    /// Succeeds once `condition` holds (checked now and after every event); fails after `within`.
    func wait(within: TimeAmount = .seconds(10), until condition: @escaping @Sendable (TransportTestUser) -> Bool) async throws {
        let future = eventLoop.flatSubmit { () -> EventLoopFuture<Void> in
            let promise = self.eventLoop.makePromise(of: Void.self)
            bound(promise, within: within)
            if condition(self) {
                promise.succeed()
            } else {
                self.waiters.append((condition, promise))
            }
            return promise.futureResult
        }
        try await future.get()
    }

    /// The requests delivered, in order.
    var requests: [SIPMessage] {
        events.compactMap { if case .request(let request, _, _) = $0 { request } else { nil } }
    }

    /// The status codes of the responses delivered to client transactions.
    var responseStatuses: [Int] {
        events.compactMap { if case .response(let response, _) = $0 { response.statusCode } else { nil } }
    }

    /// How many transactions were reported terminated.
    var terminatedCount: Int {
        events.count(where: { if case .terminated = $0 { true } else { false } })
    }

    /// Whether any timeout or transport error was reported.
    var hasFailures: Bool {
        events.contains {
            switch $0 {
            case .timeout, .transportError: true
            default: false
            }
        }
    }
}

/// A transport layer with a transaction layer and a recording user on one event loop.
struct TransportStack: Sendable {
    let eventLoop: any EventLoop
    let transport: SIPTransportLayer
    let transactions: TransactionLayer
    let user: TransportTestUser

    static func start(
        host: String, udp: Bool = true, tcp: Bool = true, idleTimeout: TimeAmount? = .seconds(30),
        limits: SIPParserLimits = .default, keepAliveInterval: TimeAmount? = nil, udpPort: Int = 0
    ) async throws -> TransportStack {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let configuration = SIPTransportLayer.Configuration(
            host: host, udpPort: udpPort, tcpPort: 0, udp: udp, tcp: tcp, limits: limits, idleTimeout: idleTimeout,
            keepAliveInterval: keepAliveInterval)
        let transport = try await SIPTransportLayer.start(configuration: configuration, on: loop)
        return try await loop.submit {
            // Short T4 so a UDP client transaction leaves Completed (Timer K) quickly.
            let timers = TransactionTimers(t4: .milliseconds(50))
            let transactions = TransactionLayer(eventLoop: loop, transport: transport, configuration: .init(timers: timers))
            let user = TransportTestUser(eventLoop: loop)
            transactions.user = user
            transport.transactionLayer = transactions
            return TransportStack(eventLoop: loop, transport: transport, transactions: transactions, user: user)
        }.get()
    }

    /// Runs `body` on the stack's event loop.
    @discardableResult
    func run<T: Sendable>(_ body: @escaping @Sendable (TransportStack) throws -> T) async throws -> T {
        try await eventLoop.submit { try body(self) }.get()
    }

    func address(_ transport: SIPTransportKind) async throws -> SocketAddress {
        let address = try await run { $0.transport.localAddress(for: transport) }
        guard let address else { throw DeadlineExceeded() }
        return address
    }

    func shutdown() async {
        try? await run { $0.transactions.shutdown() }
        await transport.close()
    }
}

/// An OPTIONS request (RFC 3261 §11) to `host` with a placeholder Via, for stamping.
func optionsRequest(to host: String, callID: String = "options-\(UInt32.random(in: 0 ... .max))@test", cseq: Int = 1) throws -> SIPMessage {
    let uriHost = host.contains(":") ? "[\(host)]" : host
    return try SIPMessage(parsing: [
        "OPTIONS sip:\(uriHost) SIP/2.0",
        "Via: SIP/2.0/UDP placeholder.invalid",
        "Max-Forwards: 70",
        "To: <sip:\(uriHost)>",
        "From: <sip:tester@\(uriHost)>;tag=client1",
        "Call-ID: \(callID)",
        "CSeq: \(cseq) OPTIONS",
        "Content-Length: 0",
    ].joined(separator: "\r\n") + "\r\n\r\n")
}

/// Checks `condition` on `loop` every 10 ms until it holds; fails after `within`. The checks
/// are tasks scheduled on the event loop (no sleeping).
func pollUntil(on loop: any EventLoop, within: TimeAmount = .seconds(10), _ condition: @escaping @Sendable () -> Bool) async throws {
    let future = loop.flatSubmit { () -> EventLoopFuture<Void> in
        let promise = loop.makePromise(of: Void.self)
        bound(promise, within: within)
        let task = loop.scheduleRepeatedTask(initialDelay: .zero, delay: .milliseconds(10)) { _ in
            if condition() { promise.succeed() }
        }
        promise.futureResult.whenComplete { _ in task.cancel() }
        return promise.futureResult
    }
    try await future.get()
}

/// Collects the bytes a raw test connection receives and lets a test wait for them.
///
/// - warning: Confined to its channel's event loop.
final class ByteCollector: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer

    let eventLoop: any EventLoop
    private(set) var bytes = ByteBuffer()
    private var waiters: [(condition: (ByteBuffer) -> Bool, promise: EventLoopPromise<Void>)] = []

    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        bytes.writeBuffer(&incoming)
        waiters.removeAll { waiter in
            guard waiter.condition(bytes) else { return false }
            waiter.promise.succeed()
            return true
        }
    }

    /// Succeeds once `condition` holds for everything received; fails after `within`.
    func wait(within: TimeAmount = .seconds(10), until condition: @escaping @Sendable (ByteBuffer) -> Bool) async throws {
        let future = eventLoop.flatSubmit { () -> EventLoopFuture<Void> in
            let promise = self.eventLoop.makePromise(of: Void.self)
            bound(promise, within: within)
            if condition(self.bytes) {
                promise.succeed()
            } else {
                self.waiters.append((condition, promise))
            }
            return promise.futureResult
        }
        try await future.get()
    }

    /// Everything received so far, as text.
    func text() async throws -> String {
        try await eventLoop.submit { String(buffer: self.bytes) }.get()
    }
}

/// Drops the datagrams a raw UDP test socket receives.
final class DatagramDiscarder: ChannelInboundHandler, Sendable {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
}

/// A plain TCP or UDP socket for feeding a transport layer raw bytes; for UDP, ``collector``
/// stays empty.
struct RawClient: Sendable {
    let channel: any Channel
    let collector: ByteCollector

    static func tcp(to address: SocketAddress) async throws -> RawClient {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let collector = ByteCollector(eventLoop: loop)
        let connecting = ClientBootstrap(group: loop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(collector) }
            }
            .connect(to: address)
        let channel = try await awaitBounded(connecting)
        return RawClient(channel: channel, collector: collector)
    }

    static func udp(host: String) async throws -> RawClient {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let collector = ByteCollector(eventLoop: loop)
        let binding = DatagramBootstrap(group: loop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(DatagramDiscarder()) }
            }
            .bind(host: host, port: 0)
        let channel = try await awaitBounded(binding)
        return RawClient(channel: channel, collector: collector)
    }

    /// Writes `bytes` on the TCP connection.
    func send(_ bytes: ByteBuffer) async throws {
        try await awaitBounded(channel.writeAndFlush(bytes))
    }

    /// Sends `bytes` as one datagram to `address`.
    func send(_ bytes: ByteBuffer, to address: SocketAddress) async throws {
        try await awaitBounded(channel.writeAndFlush(AddressedEnvelope(remoteAddress: address, data: bytes)))
    }

    /// Waits until the peer closes the connection.
    func waitForClose(within: TimeAmount = .seconds(10)) async throws {
        try await awaitBounded(channel.closeFuture, within: within)
    }

    func close() async {
        try? await channel.close()
    }
}
