import NIOCore
import NIOEmbedded
import SIPMessage
import SIPStack

/// An in-memory network on one `EmbeddedEventLoop` (virtual time): each endpoint is a
/// ``TransactionLayer`` plus a ``SIPUserAgent`` at its own address, and what one sends is
/// queued and delivered to the other by ``flush()``. Packets can be dropped by a filter;
/// packets to an address without an agent (a scripted peer) wait in ``inbox``.
final class UserAgentWire {
    /// One message on the wire.
    struct Packet {
        let from: SocketAddress
        let to: TransactionDestination
        let message: SIPMessage
        var summary: String { UserAgentWire.summary(of: message) }
    }

    /// An agent on the wire, with the events it reported.
    final class Endpoint {
        let address: SocketAddress
        let layer: TransactionLayer
        let agent: SIPUserAgent
        var events: [SIPUserAgentEvent] = []

        init(address: SocketAddress, layer: TransactionLayer, agent: SIPUserAgent) {
            self.address = address
            self.layer = layer
            self.agent = agent
        }

        /// The states each call went through, in order.
        func states(of call: SIPCallHandle) -> [String] {
            events.compactMap { event in
                if case .callStateChanged(let handle, let state) = event, handle == call { return state.description }
                return nil
            }
        }

        /// The first incoming call reported.
        var incomingCall: SIPIncomingCall? {
            for case .incomingCall(let call) in events { return call }
            return nil
        }

        var lastState: SIPCallState? {
            for event in events.reversed() {
                if case .callStateChanged(_, let state) = event { return state }
            }
            return nil
        }
    }

    /// The transport of one endpoint: it queues what it is given.
    final class Transport: TransactionTransport {
        weak var wire: UserAgentWire?
        let address: SocketAddress

        init(address: SocketAddress) {
            self.address = address
        }

        func send(_ bytes: ByteBuffer, to destination: TransactionDestination) throws(TransactionError) {
            guard let wire else { throw TransactionError(.transportFailed, "no wire") }
            guard let message = try? SIPMessage(parsing: bytes) else {
                throw TransactionError(.transportFailed, "the agent sent bytes that do not parse")
            }
            wire.queue.append(Packet(from: address, to: destination, message: message))
        }
    }

    let loop = EmbeddedEventLoop()
    var endpoints: [SocketAddress: Endpoint] = [:]
    var queue: [Packet] = []
    /// Every packet delivered or dropped, in order.
    var log: [Packet] = []
    /// Packets sent to an address without an agent.
    var inbox: [Packet] = []
    /// Returns true for a packet to drop.
    var drop: (Packet) -> Bool = { _ in false }

    /// Adds an agent named `user` at 192.0.2.`octet`:5060.
    func addAgent(
        _ user: String, octet: Int, layer layerConfiguration: TransactionLayer.Configuration = .init(),
        configure: (inout SIPUserAgent.Configuration) -> Void = { _ in }
    ) throws -> Endpoint {
        let address = try SocketAddress(ipAddress: "192.0.2.\(octet)", port: 5060)
        let transport = Transport(address: address)
        transport.wire = self
        let layer = TransactionLayer(eventLoop: loop, transport: transport, configuration: layerConfiguration)
        var configuration = SIPUserAgent.Configuration(addressOfRecord: "sip:\(user)@192.0.2.\(octet)", host: "192.0.2.\(octet)")
        configure(&configuration)
        let agent = SIPUserAgent(configuration: configuration, layer: layer, transport: transport)
        let endpoint = Endpoint(address: address, layer: layer, agent: agent)
        agent.onEvent = { [weak endpoint] event in endpoint?.events.append(event) }
        endpoints[address] = endpoint
        retained.append(transport)
        return endpoint
    }
    private var retained: [Transport] = []

    /// Delivers queued packets (and what they cause) until the wire is quiet.
    func flush() {
        var rounds = 0
        while !queue.isEmpty, rounds < 10_000 {
            rounds += 1
            let packet = queue.removeFirst()
            log.append(packet)
            if drop(packet) { continue }
            guard let endpoint = endpoints[packet.to.address] else {
                inbox.append(packet)
                continue
            }
            let source = TransactionDestination(address: packet.from, isReliable: packet.to.isReliable)
            endpoint.layer.receive(packet.message, from: source)
        }
    }

    /// Sends `text` (CRLF line ends added) from `from` to the agent at `to`, and flushes.
    func inject(_ text: String, from: SocketAddress, to endpoint: Endpoint, reliable: Bool = false) throws {
        let message = try SIPMessage(parsing: UserAgentWire.crlf(text))
        queue.append(Packet(from: from, to: TransactionDestination(address: endpoint.address, isReliable: reliable), message: message))
        flush()
    }

    /// Advances virtual time by `milliseconds` in 10 ms steps, flushing after each.
    func advance(milliseconds: Int64) {
        flush()
        var left = milliseconds
        while left > 0 {
            let step = min(left, 10)
            loop.advanceTime(by: .milliseconds(step))
            flush()
            left -= step
        }
    }

    /// Summaries of the delivered packets between two addresses (either direction when
    /// `to` is nil).
    func summaries(from: SocketAddress? = nil, to: SocketAddress? = nil) -> [String] {
        log.filter { (from == nil || $0.from == from) && (to == nil || $0.to.address == to) }.map(\.summary)
    }

    func finish() {
        for endpoint in endpoints.values {
            endpoint.agent.shutdown()
            endpoint.layer.shutdown()
        }
        try? loop.syncShutdownGracefully()
    }

    /// `INVITE`, `ACK`, `200/INVITE`, `487/INVITE`...
    static func summary(of message: SIPMessage) -> String {
        if message.isRequest { return message.methodToken?.string ?? "?" }
        return "\(message.statusCode ?? 0)/\(message.cseqMethodToken?.string ?? "?")"
    }

    static func crlf(_ text: String) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        while lines.last == "" { lines.removeLast() }
        let bodyStart = lines.firstIndex(of: "") ?? lines.count
        let head = lines[..<bodyStart].joined(separator: "\r\n")
        let body = bodyStart < lines.count ? lines[(bodyStart + 1)...].joined(separator: "\r\n") : ""
        let withLength = head.contains("Content-Length") ? head : head + "\r\nContent-Length: \(body.utf8.count)"
        return withLength + "\r\n\r\n" + body
    }
}
