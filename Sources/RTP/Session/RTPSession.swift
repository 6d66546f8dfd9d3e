import NIOCore
import NIOPosix

/// One audio stream over UDP (RFC 3550): sends RTP built from encoded frames, receives and
/// parses RTP and RTCP, sends SR or RR reports at the RFC 3550 interval, and reports DTMF
/// digits (RFC 4733).
///
/// ```
///  sendAudio(frame) ──RTP──> remote          remote ──RTP──> .audio(packet) / .telephoneEvent(digit)
///  timer (A.7) ──SR/RR + SDES──> remote       remote ──RTCP──> statistics (loss, jitter, RTT), .rtcp
/// ```
///
/// - Port pairs: RTP on an even port, RTCP on the next one (RFC 3550 §11), or both on one
///   port with ``Configuration/rtcpMux`` (RFC 5761).
/// - Symmetric RTP (RFC 4961): everything is sent from the socket it is received on. With
///   ``Configuration/latchRemote`` the remote address follows the source of the first RTP
///   packet, and packets from other sources are dropped afterwards.
/// - The consumer is one `@Sendable` closure called on the event loop with each
///   ``RTPSessionEvent``; the jitter buffer plugs in there.
///
/// - warning: The session is confined to ``eventLoop``: call every method but
///   ``start(configuration:on:handler:)`` and ``close()`` there.
public final class RTPSession: @unchecked Sendable {
    /// The event loop the session runs on.
    public let eventLoop: any EventLoop
    /// The configuration it started with (remote addresses may have changed since).
    public private(set) var configuration: Configuration

    /// Our SSRC (random, RFC 3550 §8), fixed for the session's life; readable from any thread.
    public let ssrc: UInt32

    let handler: @Sendable (RTPSessionEvent) -> Void
    var rtpChannel: (any Channel)?
    /// The address family both sockets were bound in. A datagram to an address of the other
    /// family fails in `sendmsg`, and NIO closes a datagram channel on such a failure: the
    /// call's media would be gone for good, incoming included. Set by ``attach(rtp:rtcp:addHandlers:)``.
    var localProtocol: NIOBSDSocket.ProtocolFamily?
    /// The ports the sockets were bound to, to bind again after NIO closed one.
    var boundPorts: [RTPChannelHandler.Role: Int] = [:]
    /// The remotes a socket was sending to when NIO closed it: refused by the kernel, they are
    /// not sent to again from either socket (until the signaling names a remote anew), so that
    /// a socket is not closed and bound again at every packet. One per socket at a time: the
    /// RTCP socket refusing its remote must not make the RTP socket forget its own. At most
    /// ``refusedRemotesKept`` (latching can move the remotes); past that, the record starts over.
    var refusedRemotes: Set<SocketAddress> = []
    static let refusedRemotesKept = 8
    var rtcpChannel: (any Channel)?
    var sender: RTPSenderState
    /// Ticks of media sent so far (the next packet's timestamp offset).
    var mediaTime: UInt64 = 0
    var lastSent: (timestamp: UInt32, at: NIODeadline)?
    var sentSinceReport = false
    var remoteRTP: SocketAddress?
    var remoteRTCP: SocketAddress?
    /// The RTP address the signaling gave (the configuration's or `setRemote`'s), which
    /// latching never loses to another source.
    var signaledRTP: SocketAddress?
    var rtpLatched = false
    var rtcpLatched = false
    var receiver: RTPReceiverStatistics?
    var remoteSenderReport: (middle32: UInt32, at: NIODeadline)?
    var events: TelephoneEventReceiver
    var eventExpiry: Scheduled<Void>?
    var digitQueue: [(event: UInt8, duration: TimeAmount, volume: UInt8)] = []
    var digitTask: RepeatedTask?
    var digitSender: TelephoneEventSender?
    /// The end of the last event on the media clock: the next event starts no earlier.
    var digitEnd: UInt64 = 0
    var rtcpTimer: Scheduled<Void>?
    var initialReport = true
    /// Replaces the random factor of the RTCP interval (tests only).
    var fixedRandomFactor: Double?
    var averageRTCPSize: Double = 128
    var stats = RTPSessionStatistics()
    var sendBuffer: ByteBuffer
    /// Transforms packets on their way out and in (SRTP); nil for plain RTP.
    var protector: (any RTPPacketProtector)?
    /// Where a received datagram is copied to be unprotected in place (reused).
    var unprotectBuffer: ByteBuffer
    var closed = false
    let clockBase: (ntp: NTPTimestamp, deadline: NIODeadline)

    /// A session with nothing bound (``start(configuration:on:handler:)`` binds; tests attach
    /// embedded channels).
    init(eventLoop: any EventLoop, configuration: Configuration, handler: @escaping @Sendable (RTPSessionEvent) -> Void) {
        self.eventLoop = eventLoop
        self.configuration = configuration
        self.handler = handler
        self.sender = RTPSenderState()
        self.ssrc = sender.ssrc
        self.remoteRTP = configuration.remoteRTP
        self.signaledRTP = configuration.remoteRTP
        self.remoteRTCP = configuration.remoteRTCP
        self.events = TelephoneEventReceiver(timeout: configuration.telephoneEventTimeout)
        self.sendBuffer = ByteBufferAllocator().buffer(capacity: 1_500)
        self.unprotectBuffer = ByteBufferAllocator().buffer(capacity: 1_500)
        self.clockBase = (NTPTimestamp.now(), eventLoop.now)
        if remoteRTCP == nil, let rtp = remoteRTP {
            remoteRTCP = configuration.rtcpMux ? rtp : Self.nextPort(after: rtp)
        }
    }

    /// Binds the RTP socket (and the RTCP socket unless muxed) and starts the RTCP timer.
    ///
    /// - Throws: ``RTPSessionError`` for an odd port or when no port pair could be found, or
    ///   the socket error when an address cannot be bound.
    public static func start(
        configuration: Configuration, on eventLoop: any EventLoop,
        handler: @escaping @Sendable (RTPSessionEvent) -> Void
    ) async throws -> RTPSession {
        guard configuration.port % 2 == 0 else { throw RTPSessionError(.oddPort, "the RTP port must be even") }
        let session = RTPSession(eventLoop: eventLoop, configuration: configuration, handler: handler)
        let attempts = configuration.port == 0 ? max(configuration.bindAttempts, 1) : 1
        for _ in 0..<attempts {
            let rtp = try await session.bind(port: configuration.port, role: .rtp)
            guard let port = rtp.localAddress?.port, port % 2 == 0 else {
                try? await rtp.close()
                continue
            }
            var rtcp: (any Channel)?
            if !configuration.rtcpMux {
                do {
                    rtcp = try await session.bind(port: port + 1, role: .rtcp)
                } catch {
                    try? await rtp.close()
                    if configuration.port != 0 { throw error }
                    continue
                }
            }
            let rtcpChannel = rtcp
            try await eventLoop.submit { session.attach(rtp: rtp, rtcp: rtcpChannel) }.get()
            return session
        }
        throw RTPSessionError(.noPortPair, "no even port with a free port above it was found")
    }

    /// Binds without SO_REUSEADDR: on Linux that option lets a second UDP socket bind a port
    /// in use, and the two then split the datagrams (two calls, or a call and another program,
    /// hearing each other's packets); a port in use must fail so that the next one is taken.
    private func bind(port: Int, role: RTPChannelHandler.Role) async throws -> any Channel {
        try await bindSocket(port: port, role: role).get()
    }

    /// The socket of `role` bound on `port` of the configured host, read by a handler of this
    /// session.
    private func bindSocket(port: Int, role: RTPChannelHandler.Role) -> EventLoopFuture<any Channel> {
        DatagramBootstrap(group: eventLoop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(RTPChannelHandler(session: self, role: role))
                }
            }
            .bind(host: configuration.host, port: port)
    }

    /// Takes bound channels whose pipelines end in ``RTPChannelHandler`` (or adds one to an
    /// embedded channel) and starts the RTCP timer. On the event loop.
    func attach(rtp: any Channel, rtcp: (any Channel)?, addHandlers: Bool = false) {
        eventLoop.preconditionInEventLoop()
        if addHandlers {
            try? rtp.pipeline.syncOperations.addHandler(RTPChannelHandler(session: self, role: .rtp))
            if let rtcp { try? rtcp.pipeline.syncOperations.addHandler(RTPChannelHandler(session: self, role: .rtcp)) }
        }
        rtpChannel = rtp
        rtcpChannel = rtcp
        localProtocol = rtp.localAddress?.protocol
        boundPorts[.rtp] = rtp.localAddress?.port
        boundPorts[.rtcp] = rtcp?.localAddress?.port
        scheduleReport()
    }

    /// Whether a datagram to `remote` can leave the session's sockets: the same address family
    /// (a datagram to the other one fails in `sendmsg`, and NIO then closes the channel; an
    /// unknown local family, as in tests' embedded channels, does not hold it back), a port,
    /// and not the IPv4 limited broadcast address (refused without SO_BROADCAST).
    func canSend(to remote: SocketAddress) -> Bool {
        if let localProtocol, remote.protocol != localProtocol { return false }
        if refusedRemotes.contains(remote) { return false }
        if remote.port == 0 { return false }
        if case .v4(let address) = remote {
            // sockaddr_in: family (2 bytes), port (2), then the address (4).
            let broadcast = withUnsafeBytes(of: address.address) { $0[4] == 0xFF && $0[5] == 0xFF && $0[6] == 0xFF && $0[7] == 0xFF }
            if broadcast { return false }
        }
        return true
    }

    /// A socket of the session closed while the session was not: NIO closes a datagram channel
    /// when `sendmsg` fails with anything but EMSGSIZE or EHOSTUNREACH, so one packet to an
    /// address the kernel refuses (a broadcast address, port 0, an unreachable network) would
    /// end the call's media both ways. The port is bound again at once, as the same role, and
    /// the remote and latching are kept. On the event loop.
    func channelClosed(_ channel: any Channel, role: RTPChannelHandler.Role) {
        eventLoop.preconditionInEventLoop()
        let current = role == .rtp ? rtpChannel : rtcpChannel
        guard !closed, let current, current === channel, let port = boundPorts[role] else { return }
        stats.socketsReopened += 1
        if let refused = role == .rtp ? remoteRTP : remoteRTCP {
            if refusedRemotes.count >= Self.refusedRemotesKept { refusedRemotes.removeAll() }
            refusedRemotes.insert(refused)
        }
        bindSocket(port: port, role: role).whenComplete { result in
            switch result {
            case .success(let reopened):
                guard !self.closed else {
                    reopened.close(promise: nil)
                    return
                }
                if role == .rtp { self.rtpChannel = reopened } else { self.rtcpChannel = reopened }
            case .failure:
                self.stats.reopenFailures += 1
            }
        }
    }

    /// Sends RTCP BYE when the remote is known, stops the timers and closes the sockets.
    /// Safe to call from any thread, more than once.
    public func close() async {
        let channels = (try? await eventLoop.submit { self.stop() }.get()) ?? []
        for channel in channels {
            try? await channel.close()
        }
    }

    /// Sends BYE, stops the timers and marks the session closed; returns the channels to
    /// close. On the event loop.
    func stop() -> [any Channel] {
        eventLoop.preconditionInEventLoop()
        guard !closed else { return [] }
        sendGoodbye()
        closed = true
        rtcpTimer?.cancel()
        eventExpiry?.cancel()
        digitTask?.cancel()
        return [rtpChannel, rtcpChannel].compactMap { $0 }
    }

    // MARK: - State (on the event loop)

    /// The local RTP address (with the real port).
    public var localRTPAddress: SocketAddress? {
        eventLoop.preconditionInEventLoop()
        return rtpChannel?.localAddress
    }

    /// The local RTCP address: the RTCP socket's, or the RTP one when muxed.
    public var localRTCPAddress: SocketAddress? {
        eventLoop.preconditionInEventLoop()
        return (rtcpChannel ?? rtpChannel)?.localAddress
    }


    /// Where RTP goes now (configured or latched), or nil.
    public var remoteRTPAddress: SocketAddress? {
        eventLoop.preconditionInEventLoop()
        return remoteRTP
    }

    /// Where RTCP goes now, or nil.
    public var remoteRTCPAddress: SocketAddress? {
        eventLoop.preconditionInEventLoop()
        return remoteRTCP
    }

    /// Counts and the latest RTCP figures.
    public var statistics: RTPSessionStatistics {
        eventLoop.preconditionInEventLoop()
        var snapshot = stats
        if var copy = receiver {
            snapshot.reception = copy.makeReportBlock()
        }
        return snapshot
    }

    /// Switches the stream to the codec an answer chose (an offer's session is started before
    /// the answer says which of the offered payload types will be used). On the event loop.
    public func setCodec(payloadType: UInt8, clockRate: UInt32, telephoneEventPayloadType: UInt8?) {
        eventLoop.preconditionInEventLoop()
        configuration.payloadType = payloadType
        configuration.clockRate = clockRate
        configuration.telephoneEventPayloadType = telephoneEventPayloadType
    }

    /// Sets the transform every packet sent and received goes through from now on (SRTP), or
    /// nil for plain RTP. On the event loop.
    ///
    /// Received packets that fail to unprotect are dropped and counted
    /// (``RTPSessionStatistics/authenticationFailures``, ``RTPSessionStatistics/replaysDropped``,
    /// ``RTPSessionStatistics/unprotectFailures``); they do not latch the remote address.
    public func setProtector(_ protector: (any RTPPacketProtector)?) {
        eventLoop.preconditionInEventLoop()
        self.protector = protector
    }

    /// The protector in use, or nil. On the event loop.
    public var packetProtector: (any RTPPacketProtector)? {
        eventLoop.preconditionInEventLoop()
        return protector
    }

    /// Points the session at a new remote (a re-INVITE moved the media); latching starts over.
    ///
    /// - Parameter rtcpMux: whether the offer/answer agreed to RTP and RTCP on one port
    ///   (RFC 5761); nil keeps the current setting. When they do, RTCP arriving on the RTP
    ///   socket is read as RTCP (not as an RTP packet of another source), and ours goes out of
    ///   the RTP socket. A session bound ahead of the call keeps its RTCP socket open either way.
    public func setRemote(rtp: SocketAddress?, rtcp: SocketAddress?, rtcpMux: Bool? = nil) {
        eventLoop.preconditionInEventLoop()
        if let rtcpMux { configuration.rtcpMux = rtcpMux }
        remoteRTP = rtp
        signaledRTP = rtp
        remoteRTCP = rtcp ?? rtp.map { configuration.rtcpMux ? $0 : Self.nextPort(after: $0) }
        refusedRemotes.removeAll()
        rtpLatched = false
        rtcpLatched = false
    }

    /// `address` with its port plus one (the RTCP port of an RTP address).
    static func nextPort(after address: SocketAddress) -> SocketAddress {
        var next = address
        if let port = address.port, port < 65_535 { next.port = port + 1 }
        return next
    }

    // MARK: - Clocks

    /// The wall clock now, moved on by the event loop's clock (virtual time in tests).
    func ntpNow() -> NTPTimestamp {
        clockBase.ntp.adding(.nanoseconds((eventLoop.now - clockBase.deadline).nanoseconds))
    }

    /// `amount` in ticks of a `clockRate` clock, in microsecond steps, clamped to 0...UInt32.max
    /// (no overflow for any amount).
    static func ticks(_ amount: TimeAmount, clockRate: UInt32) -> UInt32 {
        let microseconds = max(amount.nanoseconds / 1_000, 0)
        let (product, overflow) = microseconds.multipliedReportingOverflow(by: Int64(clockRate))
        return overflow ? UInt32.max : UInt32(clamping: product / 1_000_000)
    }

    /// The event loop's time in ticks of the RTP clock (the receiver's arrival clock, A.8).
    func arrivalTicks(_ time: NIODeadline) -> UInt32 {
        let microseconds = (time - clockBase.deadline).nanoseconds / 1_000
        return UInt32(truncatingIfNeeded: microseconds * Int64(configuration.clockRate) / 1_000_000)
    }
}
