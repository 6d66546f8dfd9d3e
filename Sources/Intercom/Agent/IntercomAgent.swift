import Audio
import Foundation
import Logging
import NIOCore
import NIOPosix
import RTP
import SDP
import SIPMessage
import SIPStack
import SRTP

/// The door phone: a SIP endpoint that registers its accounts, answers allowed callers after a
/// short ring, streams two-way audio through the ``Audio/AudioEngine``, opens doors for the
/// right DTMF code or MESSAGE, calls out when a button is pressed, and reports every event.
///
/// All state lives on the SIP event loop; the public methods hop there. Build one with
/// ``start(configuration:logger:group:onEvent:)``, stop it with ``shutdown()`` (unregisters,
/// hangs up with BYE), and ``reload(_:)`` a new configuration without dropping calls.
public final class IntercomAgent: @unchecked Sendable {
    /// The SIP event loop.
    public let eventLoop: any EventLoop
    /// The sockets bound (UDP, TCP, TLS... in the order of the configuration).
    public let localAddresses: [SIPTransportKind: SocketAddress]
    let logger: Logger
    let transport: SIPTransportLayer
    let userAgent: SIPUserAgent
    let mediaHost: String
    private let ports: MediaPorts
    let transactionLayer: TransactionLayer
    /// The Contact URI for each transport.
    let contactURIs: [SIPTransportKind: String]
    private let onEvent: @Sendable (AgentEvent) -> Void

    // Event loop only.
    private(set) var configuration: IntercomConfiguration
    /// The servers DNS gave for ``configuration``'s accounts (set with it, and when they are
    /// located again: ``adoptServers(_:)``).
    var servers = LocatedServers()
    /// The next lookup of ``servers``, and how many sets of servers were adopted: a lookup
    /// that ends after a reload (which located them anew) is dropped.
    var relocation: Scheduled<Void>?
    var serversGeneration = 0
    private var policy: CallerPolicy
    private var doors: DoorController
    private var devices: AudioDevices
    private(set) var registrations: [(name: String, client: RegistrationClient)] = []
    private(set) var registrationStates: [String: RegistrationState] = [:]
    /// Why each account's registration failed, in words (a TLS handshake's error, MD5 not
    /// allowed...), when its state alone does not say.
    private(set) var registrationReasons: [String: String] = [:]
    /// Per account, its last failure in words, until it registers again: the status keeps
    /// saying why while the retry is on its way (the state itself goes back to registering).
    private(set) var registrationLastErrors: [String: String] = [:]
    private(set) var calls: [SIPCallHandle: AgentCall] = [:]
    private var attempts: [String: ButtonAttempt] = [:]
    private var doorOpens: [String: (count: Int, last: NIODeadline?)] = [:]
    private(set) var shuttingDown = false
    private var buttonInputs: [any ButtonSource] = []
    /// An RTP session bound ahead of the next incoming call, with the router its handler feeds,
    /// so that answering an INVITE binds nothing: binding two sockets through NIO's bootstrap
    /// (a name resolution and hops between threads) took most of the INVITE to 200 OK time.
    private var spareMedia: (session: RTPSession, router: RTPEventRouter)?
    private var bindingSpareMedia = false
    let startedAt = NIODeadline.now()

    private init(
        eventLoop: any EventLoop, localAddresses: [SIPTransportKind: SocketAddress], logger: Logger,
        transport: SIPTransportLayer, userAgent: SIPUserAgent, mediaHost: String, configuration: IntercomConfiguration,
        devices: AudioDevices, contactURIs: [SIPTransportKind: String], transactionLayer: TransactionLayer,
        onEvent: @escaping @Sendable (AgentEvent) -> Void
    ) {
        self.eventLoop = eventLoop
        self.localAddresses = localAddresses
        self.logger = logger
        self.transport = transport
        self.userAgent = userAgent
        self.mediaHost = mediaHost
        self.configuration = configuration
        self.policy = CallerPolicy(configuration.answer.allow)
        self.doors = DoorController(doors: configuration.doors, lockout: configuration.lockout)
        self.devices = devices
        self.ports = MediaPorts(minimum: configuration.audio.rtpPortMin, maximum: configuration.audio.rtpPortMax)
        self.onEvent = onEvent
        self.contactURIs = contactURIs
        self.transactionLayer = transactionLayer
    }

    private func contactURI(for kind: SIPTransportKind) -> String {
        contactURIs[kind] ?? contactURIs.values.first ?? "sip:\(configuration.sip.user)@\(mediaHost)"
    }

    // MARK: - Starting and stopping

    /// Binds the SIP sockets of `configuration.sip.listen`, starts the stack and the accounts'
    /// registrations.
    ///
    /// - Throws: ``AgentError`` for a configuration the stack cannot run (an address that does
    ///   not bind, a registrar that does not resolve, devices that do not parse).
    public static func start(
        configuration: IntercomConfiguration, logger: Logger,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        onEvent: @escaping @Sendable (AgentEvent) -> Void = { _ in }
    ) async throws -> IntercomAgent {
        let loop = group.next()
        let devices = try AudioDevices(audio: configuration.audio)
        let listen = configuration.sip.listen
        guard let host = listen.first?.address else { throw AgentError("sip.listen: no address to listen on") }
        func port(_ kind: SIPTransportName) -> Int? { listen.first { $0.transport == kind }?.port }
        let advertised = configuration.sip.advertise ?? AdvertisedAddress.choose(listeningOn: host)
        var tls = SIPTLSConfiguration()
        if let files = configuration.sip.tls {
            tls = try Self.tlsConfiguration(files)
        }
        let transport: SIPTransportLayer
        do {
            transport = try await SIPTransportLayer.start(
                configuration: .init(
                    host: host, udpPort: port(.udp) ?? 0, tcpPort: port(.tcp) ?? 0, udp: port(.udp) != nil,
                    tcp: port(.tcp) != nil, advertisedHost: advertised, tlsPort: port(.tls), wsPort: port(.ws),
                    wssPort: port(.wss), tls: tls),
                on: loop, logger: logger)
        } catch {
            throw AgentError("sip.listen: cannot listen on \(host): \(error)")
        }
        // DNS blocks: located here, off the event loop, once for everything that needs it.
        let servers = LocatedServers(locating: configuration)
        do {
            return try await loop.submit { () throws -> IntercomAgent in
                try Self.assemble(
                    configuration: configuration, servers: servers, logger: logger, loop: loop, transport: transport,
                    advertised: advertised, devices: devices, onEvent: onEvent)
            }.get()
        } catch {
            await transport.close()
            throw error
        }
    }

    private static func tlsConfiguration(_ files: TLSFiles) throws -> SIPTLSConfiguration {
        var tls = SIPTLSConfiguration()
        tls.certificateChainFile = files.certificate
        tls.privateKeyFile = files.privateKey
        if let ca = files.caFile { tls.trustRoots = .caFile(ca) }
        tls.verification = files.verifyPeer ? .full : .disabled
        return tls
    }

    /// Builds the agent around a started transport (on the loop).
    private static func assemble(
        configuration: IntercomConfiguration, servers: LocatedServers, logger: Logger, loop: any EventLoop,
        transport: SIPTransportLayer,
        advertised: String, devices: AudioDevices, onEvent: @escaping @Sendable (AgentEvent) -> Void
    ) throws -> IntercomAgent {
        let layer = TransactionLayer(eventLoop: loop, transport: transport, logger: logger)
        transport.transactionLayer = layer
        var ports: [SIPTransportKind: Int] = [:]
        var addresses: [SIPTransportKind: SocketAddress] = [:]
        for kind in [SIPTransportKind.udp, .tcp, .tls, .ws, .wss] {
            if let address = transport.localAddress(for: kind) {
                addresses[kind] = address
                if let port = address.port { ports[kind] = port }
            }
        }
        let literal = advertised.contains(":") ? "[\(advertised)]" : advertised
        let account = configuration.accounts.first
        let user = account?.user ?? configuration.sip.user
        let aor = account.flatMap { Self.addressOfRecord(for: $0) } ?? "sip:\(user)@\(literal)"
        let proxies = try account.map { try Self.proxyURIs(for: $0, servers: servers) } ?? []
        var challenger: DigestChallenger?
        if let challenge = configuration.answer.challenge {
            do {
                // SHA-256 first (RFC 8760 §2: the preferred algorithm leads); MD5 only when
                // allowed.
                challenger = try DigestChallenger(
                    configuration: .init(realm: challenge.realm, algorithms: challenge.allowMD5 ? [.sha256, .md5] : [.sha256]))
            } catch {
                throw AgentError("answer.challenge: \(error)")
            }
        }
        let defaultTransport = Self.kind(OutgoingTransportPolicy(configuration).defaultTransport)
        let agentConfiguration = SIPUserAgent.Configuration(
            addressOfRecord: aor, displayName: account?.displayName ?? configuration.sip.displayName, host: advertised,
            ports: ports, defaultTransport: defaultTransport, outboundProxy: proxies.first,
            alternativeProxies: Array(proxies.dropFirst()),
            product: configuration.sip.userAgent,
            credentials: account.flatMap { account in
                account.password.map {
                    DigestClient(
                        credentials: DigestCredentials(username: account.authUser ?? account.user, password: $0),
                        allowMD5: account.allowMD5)
                }
            },
            challenger: challenger, passwords: configuration.answer.challenge?.users ?? [:],
            sessionExpires: configuration.answer.sessionExpiresSeconds)
        let userAgent = SIPUserAgent(configuration: agentConfiguration, layer: layer, transport: transport, logger: logger)
        let agent = IntercomAgent(
            eventLoop: loop, localAddresses: addresses, logger: logger, transport: transport, userAgent: userAgent,
            mediaHost: advertised, configuration: configuration, devices: devices,
            contactURIs: Dictionary(uniqueKeysWithValues: ports.keys.map { ($0, agentConfiguration.contactURI(for: $0)) }),
            transactionLayer: layer, onEvent: onEvent)
        userAgent.onEvent = { [weak agent] event in agent?.handle(event) }
        agent.adoptServers(servers)
        for account in configuration.accounts {
            try agent.addRegistration(account, layer: layer)
        }
        layer.rateLimit = rateLimit(for: configuration, servers: servers)
        if configuration.answer.allow == nil && configuration.answer.autoAnswer {
            logger.warning("no answer.allow list: every caller is answered")
        }
        if configuration.doors.isEmpty { logger.warning("no doors configured: no door action until one is") }
        devices.probe(audio: configuration.audio, logger: logger)
        agent.restoreLockouts()
        agent.openButtonInputs()
        agent.prepareSpareMedia()
        return agent
    }

    /// The per-source limit of `configuration.sip`, exempting every account's registrar and
    /// outbound proxy (a PBX relays all its calls from one address: every server DNS gave for
    /// them), or nil when it is off.
    static func rateLimit(for configuration: IntercomConfiguration, servers: LocatedServers) -> SIPRequestRateLimit? {
        guard configuration.sip.rateLimitPerSecond > 0 else { return nil }
        return SIPRequestRateLimit(
            requestsPerSecond: Double(configuration.sip.rateLimitPerSecond), burst: configuration.sip.rateLimitBurst,
            exempt: servers.addresses)
    }

    /// Who a call placed from `account` is: its address of record, the PBX as its first hop
    /// (every server located for it, `registered` first: the one its registration is with),
    /// its credentials for the PBX's challenges.
    static func callIdentity(
        for account: AccountConfiguration, sip: SIPConfiguration, servers: LocatedServers,
        registered: TransactionDestination? = nil
    ) throws -> SIPCallIdentity {
        guard let aor = addressOfRecord(for: account) else { throw AgentError("account \(account.name): its registrar is not a SIP URI") }
        let proxies = try proxyURIs(for: account, servers: servers, registered: registered)
        return SIPCallIdentity(
            addressOfRecord: aor, displayName: account.displayName ?? sip.displayName,
            outboundProxy: proxies.first, alternativeProxies: Array(proxies.dropFirst()),
            defaultTransport: kind(account.transport),
            credentials: account.password.map {
                DigestClient(credentials: DigestCredentials(username: account.authUser ?? account.user, password: $0), allowMD5: account.allowMD5)
            })
    }

    private static func addressOfRecord(for account: AccountConfiguration) -> String? {
        guard let uri = try? SIPURI(parsing: account.registrar) else { return nil }
        let scheme = uri.scheme == .sips ? "sips" : "sip"
        return "\(scheme):\(account.user)@\(uri.host.string)"
    }

    /// Loose-routing proxy URIs, one per server located for the account's outbound proxy, else
    /// its registrar, best first, so that calls go through the PBX and move on to its next
    /// server when one fails (the user agent's next hops must be IP literals). Without an
    /// outbound proxy, `registered` (the registrar server the account's registration is with)
    /// leads: a server that stopped answering REGISTERs is not the one to call through.
    private static func proxyURIs(
        for account: AccountConfiguration, servers: LocatedServers, registered: TransactionDestination? = nil
    ) throws -> [String] {
        var destinations = try servers.destinations(of: account.outboundProxy ?? account.registrar, transport: kind(account.transport))
        if account.outboundProxy == nil, let registered, let index = destinations.firstIndex(of: registered) {
            destinations.insert(destinations.remove(at: index), at: 0)
        }
        return destinations.map { destination in
            let host = destination.address.ipAddress ?? "127.0.0.1"
            let literal = host.contains(":") ? "[\(host)]" : host
            return "sip:\(literal):\(destination.address.port ?? 5060);transport=\(destination.transport.uriParameter);lr"
        }
    }

    static func kind(_ name: SIPTransportName) -> SIPTransportKind {
        switch name {
        case .udp: .udp
        case .tcp: .tcp
        case .tls: .tls
        case .ws: .ws
        case .wss: .wss
        }
    }

    private func addRegistration(_ account: AccountConfiguration, layer: TransactionLayer) throws {
        let kind = Self.kind(account.transport)
        // The registrar's other servers are tried when the first fails (RFC 3263 §4.3).
        let located = try servers.destinations(of: account.registrar, transport: kind)
        let destination = located[0]
        // The account's own TLS settings for its registrar and its proxy (the user agent's
        // calls go there); other peers keep sip.tls.
        var hops = located.map { (account.registrar, $0) }
        if let proxy = account.outboundProxy, let found = try? servers.destinations(of: proxy, transport: kind) {
            hops += found.map { (proxy, $0) }
        }
        for (uri, hop) in hops where hop.transport.isSecure {
            transport.setOutgoingTLS(Self.outgoingTLS(for: account, uri: uri, global: configuration.sip.tls), for: hop.address)
        }
        guard let sentBy = transport.sentBy(for: destination.transport) else {
            throw AgentError("accounts \(account.name): no \(destination.transport) listener for its transport")
        }
        let aor = Self.addressOfRecord(for: account) ?? "sip:\(account.user)@\(mediaHost)"
        let client = RegistrationClient(
            configuration: RegistrationConfiguration(
                registrarURI: account.registrar, addressOfRecord: aor,
                contactURI: contactURI(for: destination.transport),
                expires: UInt32(max(60, account.expiresSeconds)),
                credentials: account.password.map { DigestCredentials(username: account.authUser ?? account.user, password: $0) },
                outboundProxy: account.outboundProxy, userAgent: configuration.sip.userAgent,
                viaTransport: destination.transport.viaToken, viaSentBy: sentBy,
                retryInitial: .seconds(1), retryMaximum: .seconds(30), unreachableRetryMaximum: .seconds(4),
                refreshMaximum: account.refreshMaximumSeconds > 0 ? .seconds(Int64(account.refreshMaximumSeconds)) : nil,
                allowMD5: account.allowMD5),
            layer: layer, destination: destination, alternatives: Array(located.dropFirst()))
        let name = account.name
        client.onStateChange = { [weak self, weak client] (state: RegistrationState) in
            guard let self else { return }
            registrationStates[name] = state
            let reason = registrationFailureReason(state, destination: client?.destination ?? destination)
            registrationReasons[name] = reason
            let described = "\(state)" + (reason.map { ": \($0)" } ?? "")
            switch RegistrationPhase(state) {
            case .failed: registrationLastErrors[name] = described
            case .registered: registrationLastErrors[name] = nil
            case .registering, .unregistered: break
            }
            emit(.registrationChanged(account: name, state: described, phase: RegistrationPhase(state)))
        }
        userAgent.addRegistration(client)
        registrations.append((name, client))
        client.start()
    }

    /// Opens the inputs of the configured buttons (closing the previous ones). An input that
    /// does not open is logged and left out; the button still works from the control interface.
    func openButtonInputs() {
        for input in buttonInputs { input.close() }
        buttonInputs = []
        func open(_ name: String, _ make: (Logger, @escaping @Sendable () -> Void) throws -> any ButtonSource) {
            do {
                buttonInputs.append(
                    try make(logger) { [weak self] in
                        guard let agent = self else { return }
                        agent.eventLoop.execute {
                            do {
                                try agent.press(button: name)
                            } catch {
                                agent.logger.warning("button \(name): \(error)")
                            }
                        }
                    })
            } catch {
                logger.error("button \(name): \(error)")
            }
        }
        for button in configuration.buttons {
            switch button.input {
            case .none:
                break
            case .fifo(let path):
                open(button.name) { logger, press in try ButtonFIFO(path: path, logger: logger, press: press) }
            case .gpio(let chip, let line, let activeLow):
                open(button.name) { logger, press in
                    try ButtonGPIO(chip: chip, line: line, activeLow: activeLow, logger: logger, press: press)
                }
            }
        }
    }

    /// Hangs up every call with BYE (or CANCEL), unregisters every account, closes the sockets.
    public func shutdown() async {
        let media: [CallMedia] = (try? await eventLoop.submit { () -> [CallMedia] in
            self.shuttingDown = true
            self.relocation?.cancel()
            for input in self.buttonInputs { input.close() }
            self.buttonInputs = []
            // stop(), not shutdown(): shutdown() sends nothing, and the user agent's own stop
            // comes just before the socket closes, too late to read (or answer a challenge of)
            // the un-REGISTER's response.
            for (_, registration) in self.registrations { registration.stop() }
            let media = self.calls.values.compactMap(\.media)
            if let spare = self.spareMedia {
                self.spareMedia = nil
                Task { await spare.session.close() }
            }
            for call in self.calls.values {
                call.ringbackEngine?.stop()
                try? self.userAgent.hangUp(call.handle)
            }
            return media
        }.get()) ?? []
        for call in media { await call.stop() }
        // Let the BYEs and the un-REGISTERs leave (and their answers come) before closing.
        try? await eventLoop.scheduleTask(in: .milliseconds(300)) {}.futureResult.get()
        try? await eventLoop.submit { for (_, registration) in self.registrations { registration.shutdown() } }.get()
        await userAgent.shutdownGracefully()
        await transport.close()
    }

    func makeSnapshot() -> Snapshot {
        let now = eventLoop.now
        return Snapshot(
            registrations: registrations.map { registration in
                let state = registrationStates[registration.name]
                let reason = registrationReasons[registration.name].map { ": \($0)" } ?? ""
                return (
                    registration.name, state.map { "\($0)\(reason)" } ?? "starting", RegistrationPhase(state),
                    registrationLastErrors[registration.name]
                )
            },
            calls: calls.values.sorted { $0.started < $1.started }.map { call in
                let engine = call.media.map { media in
                    let statistics = media.engine.statistics
                    var realtime = false
                    if case .realtime? = media.engine.realtimeStatus { realtime = true }
                    return AudioEngineStatisticsSummary(
                        cycles: statistics.cycles, lateCycles: statistics.lateCycles, concealed: statistics.framesConcealed,
                        realtime: realtime)
                }
                var entry = Snapshot.Call(
                    id: call.id, direction: call.direction.rawValue, remoteURI: call.remoteURI,
                    state: call.answered == nil ? "ringing" : (call.ending ? "ending" : "answered"),
                    codec: call.media?.codecName,
                    durationSeconds: call.answered.map { Double((now - $0).nanoseconds) / 1e9 } ?? 0, engine: engine)
                if let session = call.session, session.eventLoop.inEventLoop {
                    let statistics = session.statistics
                    entry.packetsSent = statistics.packetsSent
                    entry.packetsReceived = statistics.packetsReceived
                    entry.srtpSuite = call.protector?.outbound.suite.name
                    entry.packetsUnprotected = statistics.packetsUnprotected
                    entry.authenticationFailures = statistics.authenticationFailures
                    entry.firstAuthenticationFailure = statistics.firstAuthenticationFailure?.description
                    entry.replaysDropped = statistics.replaysDropped
                    if let reception = statistics.reception {
                        entry.packetsLost = Int(max(0, reception.cumulativeLost))
                        entry.jitterMs = Double(reception.jitter) * 1_000 / Double(session.configuration.clockRate)
                    }
                }
                return entry
            },
            doors: configuration.doors.map { door in
                let opens = doorOpens[door.name]
                return (door.name, opens?.count ?? 0, opens?.last.map { Double((now - $0).nanoseconds) / 1e9 })
            },
            lockedOutCallers: doors.lockedOutCount(now: now),
            uptimeSeconds: Double((now - startedAt).nanoseconds) / 1e9,
            captureDevice: configuration.audio.capture, playbackDevice: configuration.audio.playback)
    }

    /// Applies a new configuration without touching calls in progress: answering, doors (the
    /// lockouts carry over), buttons, audio for the next calls, log level and accounts (a
    /// changed account registers anew). Listening sockets need a restart: the notes say so.
    /// Returns the notes for the log.
    public func reload(_ new: IntercomConfiguration) async throws -> [String] {
        let devices = try AudioDevices(audio: new.audio)
        // DNS blocks: the new accounts' servers are located here, off the event loop.
        let servers = LocatedServers(locating: new)
        return try await eventLoop.submit { () throws -> [String] in
            var notes: [String] = []
            let old = self.configuration
            var restartOnly = new.sip
            restartOnly.rateLimitPerSecond = old.sip.rateLimitPerSecond
            restartOnly.rateLimitBurst = old.sip.rateLimitBurst
            if restartOnly != old.sip { notes.append("sip.* changes (but the rate limit) take effect after a restart") }
            if new.answer.challenge != old.answer.challenge { notes.append("answer.challenge changes take effect after a restart") }
            if new.audio.rtpPortMin != old.audio.rtpPortMin || new.audio.rtpPortMax != old.audio.rtpPortMax {
                notes.append("audio.rtpPort* changes take effect after a restart")
            }
            self.configuration = new
            self.adoptServers(servers)
            self.policy = CallerPolicy(new.answer.allow)
            self.doors.reconfigure(doors: new.doors, lockout: new.lockout)
            self.devices = devices
            if new.buttons != old.buttons { self.openButtonInputs() }
            if new.accounts != old.accounts {
                if new.accounts.first != old.accounts.first {
                    notes.append("the first account's credentials for challenges within incoming calls change after a restart")
                }
                self.replaceRegistrations(with: new.accounts)
                notes.append("accounts registered anew")
            }
            self.transactionLayer.rateLimit = Self.rateLimit(for: new, servers: servers)
            self.emit(.configurationReloaded(notes: notes))
            return notes
        }.get()
    }

    /// Un-REGISTERs the current bindings, then registers `accounts` once every un-REGISTER is
    /// answered (or after 5 s): registering first could let an un-REGISTER of the same contact
    /// remove the new binding.
    func replaceRegistrations(with accounts: [AccountConfiguration]) {
        let old = registrations
        registrations = []
        registrationStates = [:]
        registrationReasons = [:]
        registrationLastErrors = [:]
        var started = false
        let startNew = { [weak self] in
            guard let self, !started, !self.shuttingDown else { return }
            started = true
            for (_, client) in old { client.shutdown() }
            for account in accounts {
                do {
                    try self.addRegistration(account, layer: self.transactionLayer)
                } catch {
                    self.logger.error("account \(account.name): \(error)")
                }
            }
        }
        guard !old.isEmpty else { return startNew() }
        var pending = old.count
        for (name, client) in old {
            client.onStateChange = { [weak self] (state: RegistrationState) in
                self?.emit(.registrationChanged(account: name, state: "\(state)", phase: RegistrationPhase(state)))
                switch state {
                case .unregistered, .failed:
                    pending -= 1
                    if pending == 0 { startNew() }
                default:
                    break
                }
            }
            client.stop()
        }
        // On the event loop (reload submits this): the closure and its state stay there.
        eventLoop.assumeIsolated().scheduleTask(in: .seconds(5)) { startNew() }
    }

    // MARK: - Events

    func emit(_ event: AgentEvent) {
        switch event {
        case .doorActionFailed, .configurationRefused, .lockedOut, .callNotPlaced:
            logger.warning("\(event.kind): \(event.detail)")
        default:
            logger.info("\(event.kind): \(event.detail)")
        }
        onEvent(event)
    }

    private func handle(_ event: SIPUserAgentEvent) {
        switch event {
        case .incomingCall(let call):
            incoming(call)
        case .callStateChanged(let handle, let state):
            stateChanged(handle, state)
        case .offerReceived(let handle, let body):
            reoffer(handle, body: body)
        case .infoReceived(let handle, let body):
            guard let body, let call = calls[handle] else { return }
            for digit in Self.dtmfRelayDigits(body) { self.digit(digit, call: call) }
        case .messageReceived(let message):
            messageReceived(message)
        case .reofferCompleted:
            break
        }
    }

    // MARK: - Incoming calls

    private func incoming(_ call: SIPIncomingCall) {
        let id = "\(call.handle)"
        emit(.incomingCall(id: id, from: call.from, source: "\(call.source.address)"))
        let answer = configuration.answer
        func refuse(_ status: Int, _ reason: String, _ why: String) {
            try? userAgent.reject(call.handle, status: status, reason: reason)
            emit(.callRefused(id: id, from: call.from, status: status, reason: why))
        }
        guard !shuttingDown else { return refuse(503, "Service Unavailable", "shutting down") }
        guard !configuration.sip.requireTLS || call.source.transport.isSecure else {
            return refuse(403, "Forbidden", "arrived over \(call.source.transport) and sip.requireTLS is on")
        }
        guard policy.allows(uri: call.from, source: call.source.address) else {
            return refuse(403, "Forbidden", "not on the allow list")
        }
        guard calls.count < answer.maxCalls else { return refuse(486, "Busy Here", "\(calls.count) call(s) in progress") }
        guard answer.autoAnswer else { return refuse(480, "Temporarily Unavailable", "auto-answer is off") }
        let entry = AgentCall(
            handle: call.handle, direction: .incoming, remoteURI: call.from, source: call.source.address,
            started: eventLoop.now, negotiator: SDPNegotiator(username: "intercom", address: mediaHost),
            security: CallSecurity.make(configuration.audio))
        calls[call.handle] = entry
        try? userAgent.ring(call.handle)
        if answer.delayMs >= 200 { startRingback(entry) }
        let offer = call.offer
        entry.timers.append(
            eventLoop.scheduleTask(in: .milliseconds(Int64(answer.delayMs))) { [weak self] in
                self?.answerCall(entry, offer: offer)
            })
    }

    /// Binds the media, answers the offer (or makes one for an offerless INVITE) and sends 200.
    /// On the event loop. With a spare session bound ahead (the usual case) it answers at once,
    /// without leaving the loop; otherwise it binds one first.
    private func answerCall(_ call: AgentCall, offer: SIPBody?) {
        if let spare = spareMedia {
            spareMedia = nil
            prepareSpareMedia()
            call.router = spare.router
            answer(call, offer: offer, session: spare.session, port: spare.session.localRTPAddress?.port ?? 0)
            return
        }
        Task {
            do {
                let session = try await ports.bind(host: mediaHost, on: eventLoop, router: call.router)
                let port = try await eventLoop.submit { session.localRTPAddress?.port ?? 0 }.get()
                eventLoop.execute { self.answer(call, offer: offer, session: session, port: port) }
            } catch {
                eventLoop.execute { self.refuseAnswer(call, error) }
            }
        }
    }

    /// Answers `call` with media on `session` (bound at `port`). On the event loop.
    private func answer(_ call: AgentCall, offer: SIPBody?, session: RTPSession, port: Int) {
        guard !call.ending, calls[call.handle] != nil else {
            Task { await session.close() }
            return refuseAnswer(call, AgentError("the call ended before it was answered"))
        }
        call.session = session
        let local = call.localMedia(address: mediaHost, port: port, audio: configuration.audio)
        do {
            if let offer {
                let description = try SessionDescription(parsing: offer.string)
                let answer = try call.negotiator.receiveOffer(description, local: local)
                try secure(call, session: session, negotiated: answer.media)
                try userAgent.answer(call.handle, body: .sdp(answer.description.text))
                startMedia(call, negotiated: answer.media)
            } else {
                let description = call.negotiator.makeOffer(local)
                try userAgent.answer(call.handle, body: .sdp(description.text))
            }
        } catch {
            refuseAnswer(call, error)
        }
    }

    /// Installs on `session` the SRTP protector for what `negotiated` agreed (keeping the
    /// contexts whose keys did not change), or none for plain RTP. On the event loop.
    ///
    /// - Throws: when the crypto cannot be set up, or when a renegotiation would drop the
    ///   encryption of a call that had it (a downgrade is refused, not followed).
    private func secure(_ call: AgentCall, session: RTPSession, negotiated: NegotiatedMedia) throws {
        guard let crypto = negotiated.crypto else {
            if call.protector != nil { throw AgentError("the new offer or answer drops the call's SRTP") }
            return
        }
        let protector = try CallSecurity.protector(for: crypto, replacing: call.protector)
        if protector !== call.protector {
            logger.info("\(call.id): media encrypted with SRTP \(crypto)")
        }
        call.protector = protector
        if session.eventLoop.inEventLoop {
            session.setProtector(protector)
        } else {
            session.eventLoop.execute { session.setProtector(protector) }
        }
    }

    private func refuseAnswer(_ call: AgentCall, _ error: any Error) {
        guard calls[call.handle] != nil else { return }
        logger.warning("\(call.id): cannot answer: \(error)")
        try? userAgent.reject(call.handle, status: 488, reason: "Not Acceptable Here")
    }

    /// Binds the spare session for the next incoming call, unless one is bound or binding. On
    /// the event loop. A failure leaves none: the next call binds its own (and says why if that
    /// fails too).
    private func prepareSpareMedia() {
        guard spareMedia == nil, !bindingSpareMedia, !shuttingDown else { return }
        bindingSpareMedia = true
        let router = RTPEventRouter()
        Task {
            do {
                let session = try await ports.bind(host: mediaHost, on: eventLoop, router: router)
                eventLoop.execute {
                    self.bindingSpareMedia = false
                    if self.spareMedia == nil, !self.shuttingDown {
                        self.spareMedia = (session, router)
                    } else {
                        Task { await session.close() }
                    }
                }
            } catch {
                eventLoop.execute {
                    self.bindingSpareMedia = false
                    self.logger.debug("no spare RTP session: \(error)")
                }
            }
        }
    }

    /// Starts the engine for a negotiated stream (the answer is known).
    private func startMedia(_ call: AgentCall, negotiated: NegotiatedMedia) {
        guard let session = call.session else { return }
        let audio = configuration.audio
        let devices = self.devices
        let logger = self.logger
        let ring = call.ringbackEngine
        call.ringbackEngine = nil
        Task {
            ring?.stop()
            do {
                let media = try await CallMedia.start(
                    session: session, router: call.router, negotiated: negotiated, audio: audio, devices: devices,
                    logger: logger,
                    // Weak: the bridge holding this closure is reachable from the call (through
                    // its router), and a strong capture would make a cycle that keeps every
                    // ended call's engine and devices alive.
                    onDigit: { [weak self, weak call] digit in
                        guard let agent = self, let call else { return }
                        agent.eventLoop.execute { agent.digit(digit, call: call) }
                    })
                eventLoop.execute {
                    guard !call.ending else {
                        call.router.target = nil
                        Task { await media.stop() }
                        return
                    }
                    call.media = media
                    call.peerSends = Self.peerSends(negotiated)
                    self.startWatchdog(call, session: session)
                    if call.direction == .incoming, let announcement = media.sounds.announcement {
                        media.engine.play(announcement, to: .call)
                    }
                    self.emit(.callAnswered(id: call.id, direction: call.direction.rawValue, codec: media.codecName))
                }
            } catch {
                eventLoop.execute {
                    self.logger.error("\(call.id): media failed: \(error); hanging up")
                    try? self.userAgent.hangUp(call.handle)
                }
            }
        }
    }

    private func stateChanged(_ handle: SIPCallHandle, _ state: SIPCallState) {
        guard let call = calls[handle] else { return }
        switch state {
        case .early, .proceeding:
            if call.direction == .outgoing, call.ringbackEngine == nil, call.media == nil { startRingback(call) }
        case .confirmed(let body):
            call.answered = eventLoop.now
            scheduleMaximumDuration(call)
            if call.direction == .outgoing { buttonCallAnswered(call) }
            if call.media == nil, call.negotiator.hasPendingOffer, let body,
                let description = try? SessionDescription(parsing: body.string)
            {
                do {
                    let negotiated = try call.negotiator.receiveAnswer(description)
                    if let session = call.session { try secure(call, session: session, negotiated: negotiated) }
                    startMedia(call, negotiated: negotiated)
                } catch {
                    logger.warning("\(call.id): unusable answer: \(error); hanging up")
                    try? userAgent.hangUp(handle)
                }
            } else if call.media == nil && call.session == nil {
                logger.warning("\(call.id): confirmed without an answer; hanging up")
                try? userAgent.hangUp(handle)
            }
        case .terminated(let end):
            ended(call, end)
        case .calling, .incoming, .answered:
            break
        }
    }

    /// Whether the peer sends media under `negotiated`: our direction receives.
    static func peerSends(_ negotiated: NegotiatedMedia) -> Bool {
        negotiated.direction == .sendrecv || negotiated.direction == .recvonly
    }

    /// Checks `call`'s media once a second: hangs up when the audio engine stopped on a device
    /// error (a sound card unplugged mid-call: the error is logged, the call ends as failed and
    /// the next call opens the devices anew), or when its peer sent no RTP and no RTCP for
    /// `audio.rtpTimeoutSeconds` (see ``MediaWatchdog``; the counters are read on the session's
    /// event loop).
    private func startWatchdog(_ call: AgentCall, session: RTPSession) {
        let seconds = configuration.audio.rtpTimeoutSeconds
        guard call.watchdog == nil else { return }
        if seconds > 0 { call.mediaWatchdog = MediaWatchdog(timeout: .seconds(Int64(seconds)), now: eventLoop.now) }
        let loop = eventLoop
        call.watchdog = eventLoop.scheduleRepeatedTask(initialDelay: .seconds(1), delay: .seconds(1)) { [weak self] task in
            guard let agent = self else { return }
            session.eventLoop.submit { session.statistics.packetsReceived + session.statistics.rtcpReceived }
                .hop(to: loop)
                .whenSuccess { received in
                    guard !call.ending, call.watchdog != nil else { return }
                    if let failure = call.media?.engine.failure {
                        task.cancel()
                        call.watchdog = nil
                        call.audioFailed = true
                        agent.logger.error("\(call.id): the audio device failed (\(failure)); hanging up")
                        try? agent.userAgent.hangUp(call.handle)
                    } else if call.mediaWatchdog?.observe(packetsReceived: received, peerSends: call.peerSends, now: loop.now) == true {
                        task.cancel()
                        call.watchdog = nil
                        call.mediaTimedOut = true
                        agent.logger.notice("\(call.id): no RTP or RTCP from the peer for \(seconds) s; hanging up")
                        try? agent.userAgent.hangUp(call.handle)
                    }
                }
        }
    }

    private func scheduleMaximumDuration(_ call: AgentCall) {
        let limit = configuration.answer.maxDurationSeconds
        guard limit > 0 else { return }
        call.timers.append(
            eventLoop.scheduleTask(in: .seconds(Int64(limit))) { [weak self] in
                self?.logger.info("\(call.id): maximum duration of \(limit) s reached")
                try? self?.userAgent.hangUp(call.handle)
            })
    }

    private func ended(_ call: AgentCall, _ end: SIPCallEnd) {
        call.ending = true
        calls[call.handle] = nil
        for timer in call.timers { timer.cancel() }
        call.watchdog?.cancel()
        call.watchdog = nil
        let abandoned = doors.callEnded(call.id, now: eventLoop.now)
        act(on: abandoned, caller: call.remoteURI, source: call.source.map { "\($0)" } ?? "", trigger: "dtmf", call: nil)
        let media = call.media
        let session = call.session
        if let protector = call.protector, let session, session.eventLoop.inEventLoop {
            let statistics = session.statistics
            var line = "\(call.id): SRTP \(protector.outbound.suite.name): \(statistics.packetsUnprotected) packets unprotected, \(statistics.authenticationFailures) failed authentication, \(statistics.replaysDropped) replays dropped, \(statistics.packetsSent) sent; \(statistics.rtcpReceived) RTCP received"
            if let first = statistics.firstAuthenticationFailure { line += "; first failure: \(first)" }
            if statistics.authenticationFailures > 1, let last = statistics.lastAuthenticationFailure { line += "; last: \(last)" }
            logger.info("\(line)")
        }
        let ringback = call.ringbackEngine
        // The call's media holds the call back (the bridge's digit handler, the router's
        // target): let go of it here, or every call's engine, jitter buffer and sounds stay
        // allocated for the life of the process.
        call.media = nil
        call.session = nil
        call.ringbackEngine = nil
        call.router.target = nil
        call.timers = []
        Task {
            ringback?.stop()
            if let media { await media.stop() } else { await session?.close() }
            Self.returnFreedMemory()
        }
        let seconds = call.answered.map { Double((eventLoop.now - $0).nanoseconds) / 1e9 } ?? 0
        if let statistics = media?.engine.statistics {
            emit(.callAudio(id: call.id, lateCycles: statistics.lateCycles, concealed: statistics.framesConcealed))
        }
        if call.direction == .outgoing, case .rejected(let status, let reason) = end {
            emit(.callRejected(id: call.id, to: call.remoteURI, status: status, reason: reason))
        }
        emit(.callEnded(id: call.id, direction: call.direction.rawValue, result: call.audioFailed ? "failed" : call.mediaTimedOut ? "timeout" : Self.result(end, answered: call.answered != nil), seconds: seconds))
        if call.direction == .outgoing { buttonCallEnded(call, answered: call.answered != nil) }
    }

    /// Hands the heap's free pages back to the system after a call (glibc `malloc_trim`): a
    /// call's engine, devices and buffers are freed in many sizes and would otherwise stay in
    /// the allocator's arenas, so that the resident memory of a board that takes calls for
    /// months creeps up with fragmentation rather than reflecting what is in use.
    static func returnFreedMemory() {
        #if os(Linux)
        _ = glibcMallocTrim(0)
        #endif
    }

    static func result(_ end: SIPCallEnd, answered: Bool) -> String {
        switch end {
        case .localHangUp, .remoteHangUp: answered ? "answered" : "cancelled"
        case .cancelled: "cancelled"
        case .rejected(let status, _): status == 486 || status == 600 ? "busy" : "rejected"
        case .timedOut: "timeout"
        case .transportFailed, .dialogLost, .unusableAnswer, .shutdown: "failed"
        }
    }

    private func reoffer(_ handle: SIPCallHandle, body: SIPBody?) {
        guard let call = calls[handle], let session = call.session else { return }
        guard let body, let description = try? SessionDescription(parsing: body.string) else {
            try? userAgent.reject(handle, status: 488, reason: "Not Acceptable Here")
            return
        }
        let port = session.localRTPAddress?.port ?? 0
        let local = call.localMedia(address: mediaHost, port: port, audio: configuration.audio)
        do {
            var negotiator = call.negotiator
            let answer = try negotiator.receiveOffer(description, local: local)
            try secure(call, session: session, negotiated: answer.media)
            call.negotiator = negotiator
            try userAgent.answer(handle, body: .sdp(answer.description.text))
            call.peerSends = Self.peerSends(answer.media)
            let remoteRTP = try answer.media.remoteRTP.map { try SocketAddress(ipAddress: $0.host, port: Int($0.port)) }
            let remoteRTCP = try answer.media.remoteRTCP.map { try SocketAddress(ipAddress: $0.host, port: Int($0.port)) }
            session.setRemote(rtp: remoteRTP, rtcp: remoteRTCP, rtcpMux: answer.media.rtcpMux)
        } catch {
            try? userAgent.reject(handle, status: 488, reason: "Not Acceptable Here")
        }
    }

    // MARK: - Doors

    /// The digits of an `application/dtmf-relay` INFO body (`Signal=5`), or of
    /// `application/dtmf` (the digit alone).
    static func dtmfRelayDigits(_ body: SIPBody) -> [Character] {
        let valid = Set("0123456789*#ABCDabcd")
        if body.hasType("application/dtmf-relay") {
            for line in body.string.split(whereSeparator: \.isNewline) {
                let parts = line.split(separator: "=", maxSplits: 1)
                if parts.count == 2, parts[0].trimmingSpaces.lowercased() == "signal" {
                    let value = parts[1].trimmingSpaces
                    if value.count == 1, let digit = value.first, valid.contains(digit) { return [digit] }
                }
            }
            return []
        }
        if body.hasType("application/dtmf") {
            let value = body.string.trimmingSpaces
            if value.count == 1, let digit = value.first, valid.contains(digit) { return [digit] }
        }
        return []
    }

    private func digit(_ digit: Character, call: AgentCall) {
        guard calls[call.handle] != nil else { return }
        let decision = doors.digit(digit, callID: call.id, caller: call.remoteURI, now: eventLoop.now)
        logger.debug("\(call.id): DTMF \(digit)")
        act(on: decision, caller: call.remoteURI, source: call.source.map { "\($0)" } ?? "", trigger: "dtmf", call: call)
    }

    private func messageReceived(_ message: SIPIncomingMessage) {
        let text = message.body?.string ?? ""
        logger.info("MESSAGE from \(message.from): \(text.count) characters")
        guard !configuration.sip.requireTLS || message.source.transport.isSecure else {
            logger.notice("MESSAGE from \(message.from) ignored: it arrived over \(message.source.transport) and sip.requireTLS is on")
            return
        }
        guard policy.allows(uri: message.from, source: message.source.address) else { return }
        let decision = doors.message(text, caller: message.from, now: eventLoop.now)
        let call = message.call.flatMap { calls[$0] }
        act(on: decision, caller: message.from, source: "\(message.source.address)", trigger: "message", call: call)
    }

    private func act(on decision: DoorController.DoorDecision, caller: String, source: String, trigger: String, call: AgentCall?) {
        let audit = { (result: String) in
            self.emit(.doorAttempt(caller: caller, source: source.isEmpty ? "unknown" : source, trigger: trigger, result: result))
        }
        switch decision {
        case .open(let door):
            audit("code accepted for door \(door)")
            openDoor(door, caller: caller, source: source, trigger: trigger, call: call)
        case .wrongCode(let count):
            audit("wrong code (\(count) in the window)")
            emit(.wrongCode(caller: caller, count: count))
        case .lockedOut:
            audit("wrong code; locked out for \(configuration.lockout.lockoutSeconds) s")
            emit(.wrongCode(caller: caller, count: configuration.lockout.maxWrongCodes))
            emit(.lockedOut(caller: caller, seconds: configuration.lockout.lockoutSeconds))
            saveLockouts()
        case .ignoredLockedOut:
            audit("ignored: locked out")
            emit(.ignoredLockedOut(caller: caller))
        case .pending, .none:
            break
        }
    }

    /// Takes the lockouts kept in `lockout.stateFile` from before a restart. On the loop.
    func restoreLockouts() {
        guard let path = configuration.lockout.stateFile else { return }
        do {
            let running = try LockoutStore(path: path).load(now: Date())
            for (caller, seconds) in running { doors.restoreLockout(caller, seconds: seconds, now: eventLoop.now) }
            if !running.isEmpty { logger.notice("lockout: \(running.count) caller(s) still locked out from before the restart") }
        } catch {
            logger.warning("lockout.stateFile \(path): \(error); starting without the saved lockouts")
        }
    }

    /// Writes the running lockouts to `lockout.stateFile`. On the loop.
    private func saveLockouts() {
        guard let path = configuration.lockout.stateFile else { return }
        do {
            try LockoutStore(path: path).save(doors.lockouts(now: eventLoop.now), now: Date())
        } catch {
            logger.error("lockout.stateFile \(path): \(error); the lockout holds until a restart only")
        }
    }

    /// Fires `door`'s action (off the loop), then the chime on success.
    func openDoor(_ door: String, caller: String, source: String, trigger: String, call: AgentCall?) {
        guard let action = configuration.doors.first(where: { $0.name == door })?.action else { return }
        Task {
            let failure = await DoorActionRunner.run(action, door: door, caller: caller, source: source, trigger: trigger)
            eventLoop.execute {
                if let failure {
                    self.emit(.doorActionFailed(door: door, reason: failure))
                    return
                }
                let previous = self.doorOpens[door]?.count ?? 0
                self.doorOpens[door] = (previous + 1, self.eventLoop.now)
                self.emit(.doorOpened(door: door, caller: caller, trigger: trigger))
                if let media = call?.media, let chime = media.sounds.doorOpened {
                    media.engine.play(chime, to: .both)
                }
            }
        }
    }

    // MARK: - Outgoing calls and buttons

    /// Calls `target`: binds the media port, sends the INVITE with the offer, and returns the
    /// call's id. On any thread.
    func dial(_ target: String, attempt: ButtonAttempt?, account: String? = nil) async throws -> String {
        // The account the call is placed from, by the configuration of now (a reload may
        // have changed the accounts).
        let accountName = account ?? attempt?.button.account
        let (configuration, servers, calling, registered) = try await eventLoop.submit {
            let calling = self.configuration.callingAccount(for: target, named: accountName)
            // Where that account's registration is now: its calls go there first.
            let registered = calling.flatMap { calling in
                self.registrations.first { $0.name == calling.account.name }?.client.destination
            }
            return (self.configuration, self.servers, calling, registered)
        }.get()
        let policy = OutgoingTransportPolicy(configuration, accountIndex: calling?.index)
        var refusal = policy.refusal(toCall: target)
        if let accountName, calling == nil { refusal = "no account is named '\(accountName)'" }
        if let refusal {
            eventLoop.execute { self.emit(.callNotPlaced(to: target, reason: refusal)) }
            throw AgentError("call to \(target) refused: \(refusal)")
        }
        let identity = try calling.map {
            try Self.callIdentity(for: $0.account, sip: configuration.sip, servers: servers, registered: registered)
        }
        let router = RTPEventRouter()
        let session = try await ports.bind(host: mediaHost, on: eventLoop, router: router)
        do {
            return try await eventLoop.submit { () throws -> String in
                guard !self.shuttingDown else { throw AgentError("shutting down") }
                var negotiator = SDPNegotiator(username: "intercom", address: self.mediaHost)
                let port = session.localRTPAddress?.port ?? 0
                let security = CallSecurity.make(self.configuration.audio)
                let offer = negotiator.makeOffer(
                    SDPLocalMedia(
                        address: self.mediaHost, port: UInt16(port), codecs: CallMedia.localCodecs(self.configuration.audio),
                        security: security))
                let handle = try self.userAgent.call(target, offer: .sdp(offer.text), as: identity)
                if let calling { self.logger.debug("calling \(target) from account \(calling.account.name)") }
                let call = AgentCall(
                    handle: handle, direction: .outgoing, remoteURI: target, source: nil, started: self.eventLoop.now,
                    negotiator: negotiator, security: security)
                call.router = router
                call.session = session
                call.attempt = attempt
                self.calls[handle] = call
                if let attempt { attempt.ringing.insert(call.id) }
                self.emit(.outgoingCall(id: call.id, to: target, button: attempt?.button.name))
                if let attempt {
                    let timeout = Int64(attempt.button.ringTimeoutSeconds)
                    call.timers.append(
                        self.eventLoop.scheduleTask(in: .seconds(timeout)) { [weak self] in
                            guard let self, call.answered == nil, self.calls[handle] != nil, !call.abandoned else { return }
                            self.logger.info("\(call.id): no answer within \(timeout) s")
                            call.abandoned = true
                            try? self.userAgent.hangUp(handle)
                            self.buttonCallEnded(call, answered: false)
                        })
                }
                return call.id
            }.get()
        } catch {
            await session.close()
            throw error
        }
    }

    /// Local ringback while an outgoing call rings, or the local ring while an incoming one
    /// waits for its answer (an engine with sounds only, stopped when the call's media starts).
    private func startRingback(_ call: AgentCall) {
        let audio = configuration.audio
        let sounds = CallSounds(audio: audio, logger: logger, for: call.direction == .outgoing ? .ringback : .incomingRing)
        guard let index = call.direction == .outgoing ? sounds.ringback : sounds.incomingRing else { return }
        do {
            let engine = try devices.makeEngine(codec: nil, sounds: sounds.clips, audio: audio, logger: logger)
            engine.play(index, to: .loudspeaker)
            try engine.start()
            call.ringbackEngine = engine
        } catch {
            logger.warning("\(call.id): no ringback: \(error)")
        }
    }

    /// A button was pressed (by its input or the control interface).
    func press(button name: String) throws {
        guard let button = configuration.buttons.first(where: { $0.name == name }) else {
            throw AgentError("no button named \(name)")
        }
        if let attempt = attempts[name], !attempt.finished {
            switch button.whilePressedAgain {
            case .ignore:
                logger.info("button \(name) pressed again while calling: ignored")
            case .cancel:
                logger.info("button \(name) pressed again while calling: cancelled")
                attempt.finished = true
                for call in calls.values where call.attempt === attempt { try? userAgent.hangUp(call.handle) }
            }
            return
        }
        guard !button.targets.isEmpty else { throw AgentError("button \(name) has no targets") }
        let attempt = ButtonAttempt(button: button)
        attempts[name] = attempt
        logger.info("button \(name) pressed: calling \(button.targets.joined(separator: ", ")) (\(button.strategy.rawValue))")
        switch button.strategy {
        case .parallel:
            for target in button.targets { startAttempt(target, attempt) }
            attempt.nextTarget = button.targets.count
        case .sequential:
            nextSequentialTarget(attempt)
        }
    }

    private func startAttempt(_ target: String, _ attempt: ButtonAttempt) {
        Task {
            do {
                _ = try await self.dial(target, attempt: attempt)
            } catch {
                self.eventLoop.execute {
                    self.logger.warning("button \(attempt.button.name): cannot call \(target): \(error)")
                    if attempt.button.strategy == .sequential { self.nextSequentialTarget(attempt) } else { self.finishIfDone(attempt) }
                }
            }
        }
    }

    private func nextSequentialTarget(_ attempt: ButtonAttempt) {
        guard !attempt.finished, !attempt.answered else { return }
        guard attempt.nextTarget < attempt.button.targets.count else {
            attempt.finished = true
            logger.info("button \(attempt.button.name): nobody answered")
            return
        }
        let target = attempt.button.targets[attempt.nextTarget]
        attempt.nextTarget += 1
        startAttempt(target, attempt)
    }

    private func finishIfDone(_ attempt: ButtonAttempt) {
        if attempt.ringing.isEmpty, attempt.nextTarget >= attempt.button.targets.count, !attempt.answered {
            attempt.finished = true
            logger.info("button \(attempt.button.name): nobody answered")
        }
    }

    /// An outgoing call was answered: the other targets of its press stop ringing.
    private func buttonCallAnswered(_ call: AgentCall) {
        guard let attempt = call.attempt else { return }
        attempt.answered = true
        attempt.ringing.remove(call.id)
        for other in calls.values where other.attempt === attempt && other.handle != call.handle && other.answered == nil {
            other.abandoned = true
            attempt.ringing.remove(other.id)
            try? userAgent.hangUp(other.handle)
        }
    }

    /// An outgoing call ended: a sequential press moves to its next target if nobody answered.
    private func buttonCallEnded(_ call: AgentCall, answered: Bool) {
        guard let attempt = call.attempt, attempt.ringing.contains(call.id) || answered else { return }
        attempt.ringing.remove(call.id)
        if answered {
            attempt.finished = true
            return
        }
        if attempt.button.strategy == .sequential { nextSequentialTarget(attempt) } else { finishIfDone(attempt) }
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        var text = Substring(self)
        while let first = text.first, first == " " || first == "\t" || first == "\r" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" || last == "\r" { text = text.dropLast() }
        return String(text)
    }
}

#if os(Linux)
/// glibc's `int malloc_trim(size_t pad)` (malloc.h, which the Glibc module does not export).
@_silgen_name("malloc_trim")
private func glibcMallocTrim(_ pad: Int) -> Int32
#endif
