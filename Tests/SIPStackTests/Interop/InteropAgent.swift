import Foundation
import InteropSupport
import NIOCore
import NIOPosix
import SIPMessage
import SIPStack
import Testing

/// Our side of a call interop test: a ``SIPTransportLayer`` on 127.0.0.1 (ephemeral UDP and TCP
/// ports), its ``TransactionLayer``, a ``SIPUserAgent`` for the test user `door`, optionally a
/// ``RegistrationClient`` registering `door` at Kamailio, and a UDP socket standing in for the
/// RTP port of its SDP, counting the packets the peer sends there.
final class InteropAgent: Sendable {
    let eventLoop: any EventLoop
    let transport: SIPTransportLayer
    let agent: SIPUserAgent
    let registration: RegistrationClient?
    let rtp: any Channel
    let rtpCounter: PacketCounter
    let kind: SIPTransportKind
    /// The contact URI the agent uses.
    let contactURI: String

    private init(
        eventLoop: any EventLoop, transport: SIPTransportLayer, agent: SIPUserAgent, registration: RegistrationClient?,
        rtp: any Channel, rtpCounter: PacketCounter, kind: SIPTransportKind, contactURI: String
    ) {
        self.eventLoop = eventLoop
        self.transport = transport
        self.agent = agent
        self.registration = registration
        self.rtp = rtp
        self.rtpCounter = rtpCounter
        self.kind = kind
        self.contactURI = contactURI
    }

    /// Starts the agent over `kind`; with `kamailio`, it registers there (at `kamailioPort`,
    /// by default Kamailio's UDP/TCP port) and sends its out-of-dialog requests through it as
    /// outbound proxy. Over TLS it also listens on TLS with the test certificate, so that
    /// Kamailio can open connections to it, and trusts the test CA.
    static func start(
        kind: SIPTransportKind, kamailio: KamailioInterop?, kamailioPort: Int? = nil, expires: UInt32 = 60,
        sessionExpires: Int? = 1800
    ) async throws -> InteropAgent {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let counter = PacketCounter()
        let rtp = try await DatagramBootstrap(group: loop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(counter) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let transport: SIPTransportLayer
        do {
            let tls = kind == .tls
            transport = try await SIPTransportLayer.start(
                configuration: .init(
                    host: "127.0.0.1", udpPort: 0, tcpPort: 0, tlsPort: tls ? 0 : nil, tls: tls ? TLSFixtures.server : SIPTLSConfiguration()),
                on: loop)
        } catch {
            try? await rtp.close()
            throw error
        }
        do {
            return try await loop.submit { () throws -> InteropAgent in
                let layer = TransactionLayer(eventLoop: loop, transport: transport)
                transport.transactionLayer = layer
                guard let udpPort = transport.localAddress(for: .udp)?.port, let tcpPort = transport.localAddress(for: .tcp)?.port,
                      let sentBy = transport.sentBy(for: kind), let ownPort = transport.localAddress(for: kind)?.port
                else { throw InteropFailure("the transport layer is not bound") }
                let parameter = kind == .udp ? "" : ";transport=\(kind.uriParameter)"
                var ports: [SIPTransportKind: Int] = [.udp: udpPort, .tcp: tcpPort]
                ports[kind] = ownPort
                let registrarPort = kamailioPort ?? kamailio?.port ?? 0
                var configuration = SIPUserAgent.Configuration(
                    addressOfRecord: "sip:door@127.0.0.1", displayName: "Door", host: "127.0.0.1",
                    ports: ports, defaultTransport: kind,
                    product: "SwiftSIP-interop",
                    credentials: DigestClient(credentials: DigestCredentials(username: "door", password: "door-secret")),
                    sessionExpires: sessionExpires)
                var registration: RegistrationClient?
                if kamailio != nil {
                    configuration.outboundProxy = "sip:127.0.0.1:\(registrarPort)\(parameter)"
                }
                let agent = SIPUserAgent(configuration: configuration, layer: layer, transport: transport)
                let contactURI = configuration.contactURI(for: kind)
                if kamailio != nil {
                    let registrar = try SocketAddress(ipAddress: "127.0.0.1", port: registrarPort)
                    let client = RegistrationClient(
                        configuration: RegistrationConfiguration(
                            registrarURI: "sip:127.0.0.1:\(registrarPort)\(parameter)",
                            addressOfRecord: "sip:door@127.0.0.1", contactURI: contactURI, expires: expires,
                            credentials: DigestCredentials(username: "door", password: "door-secret"),
                            userAgent: "SwiftSIP-interop", viaTransport: kind.viaToken, viaSentBy: sentBy,
                            retryInitial: .seconds(60), retryMaximum: .seconds(60)),
                        layer: layer, destination: TransactionDestination(address: registrar, transport: kind))
                    agent.addRegistration(client)
                    registration = client
                }
                return InteropAgent(
                    eventLoop: loop, transport: transport, agent: agent, registration: registration, rtp: rtp,
                    rtpCounter: counter, kind: kind, contactURI: contactURI)
            }.get()
        } catch {
            await transport.close()
            try? await rtp.close()
            throw error
        }
    }

    /// Starts the agent, runs `body`, and shuts everything down whatever happens.
    static func with(
        kind: SIPTransportKind, kamailio: KamailioInterop?, kamailioPort: Int? = nil, expires: UInt32 = 60,
        sessionExpires: Int? = 1800, _ body: (InteropAgent) async throws -> Void
    ) async throws {
        let agent = try await start(
            kind: kind, kamailio: kamailio, kamailioPort: kamailioPort, expires: expires, sessionExpires: sessionExpires)
        do {
            try await body(agent)
        } catch {
            await agent.shutdown()
            throw error
        }
        await agent.shutdown()
    }

    /// Registers and waits until Kamailio holds the binding.
    func register(at kamailio: KamailioInterop) async throws {
        try await eventLoop.submit { self.registration?.start() }.get()
        let contact = contactURI
        let bound = try await kamailio.pollBindings(tries: 100) { $0.contains(contact) }
        guard bound else { throw InteropFailure("Kamailio never listed \(contact)") }
    }

    /// An SDP offer or answer for PCMU/PCMA with the RTP sink's port.
    var sdp: SIPBody {
        let port = rtp.localAddress?.port ?? 9
        return .sdp(
            "v=0\r\no=door 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                + "m=audio \(port) RTP/AVP 0 8\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=ptime:20\r\na=sendrecv\r\n")
    }

    /// RTP packets received so far.
    func rtpPackets() async throws -> Int {
        try await eventLoop.submit { self.rtpCounter.count }.get()
    }

    /// Waits until the RTP sink has counted at least `minimum` packets, for 5 s at most.
    func waitForRTP(_ minimum: Int) async throws -> Int {
        for _ in 0..<50 {
            let count = try await rtpPackets()
            if count >= minimum { return count }
            try await KamailioInterop.pause(.milliseconds(100))
        }
        return try await rtpPackets()
    }

    func shutdown() async {
        // Ends the calls and unregisters; let the BYE, CANCEL or REGISTER leave before the
        // sockets close.
        try? await eventLoop.submit { self.agent.shutdown() }.get()
        try? await KamailioInterop.pause(.milliseconds(100))
        try? await eventLoop.submit { self.registration?.shutdown() }.get()
        await transport.close()
        try? await rtp.close()
    }

    /// The agent's next event that `predicate` accepts, within `seconds`; fails with the
    /// events seen.
    func next(
        _ iterator: inout AsyncStream<SIPUserAgentEvent>.Iterator, seconds: Int64 = 10,
        where predicate: (SIPUserAgentEvent) -> Bool
    ) async throws -> SIPUserAgentEvent {
        let deadline = eventLoop.scheduleTask(in: .seconds(seconds)) { self.agent.shutdown() }
        defer { deadline.cancel() }
        var seen: [String] = []
        while let event = await iterator.next() {
            seen.append("\(event)")
            if predicate(event) { return event }
        }
        throw InteropFailure("no awaited agent event within \(seconds) s; events: \(seen)")
    }

    /// The next incoming call.
    func nextIncomingCall(_ iterator: inout AsyncStream<SIPUserAgentEvent>.Iterator) async throws -> SIPIncomingCall {
        let event = try await next(&iterator) { if case .incomingCall = $0 { true } else { false } }
        guard case .incomingCall(let call) = event else { throw InteropFailure("not a call: \(event)") }
        return call
    }

    /// The next state of `call` that `predicate` accepts.
    func nextState(
        of call: SIPCallHandle, _ iterator: inout AsyncStream<SIPUserAgentEvent>.Iterator, seconds: Int64 = 10,
        where predicate: (SIPCallState) -> Bool
    ) async throws -> SIPCallState {
        let event = try await next(&iterator, seconds: seconds) { event in
            if case .callStateChanged(let handle, let state) = event, handle == call { return predicate(state) }
            return false
        }
        guard case .callStateChanged(_, let state) = event else { throw InteropFailure("not a state: \(event)") }
        return state
    }
}

/// Counts the datagrams a channel receives (on its event loop).
final class PacketCounter: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    var count = 0

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        count += 1
    }
}
