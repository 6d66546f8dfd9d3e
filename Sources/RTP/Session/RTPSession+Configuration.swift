import NIOCore

extension RTPSession {
    /// Where an ``RTPSession`` listens, what it sends, and its RTCP rules.
    ///
    /// Fill it from the SDP layer's negotiated media: payload type and clock rate of the codec,
    /// the telephone-event type, the remote addresses, rtcp-mux and the packet time.
    public struct Configuration: Sendable {
        /// The local address to bind (`127.0.0.1`, `::1`, `0.0.0.0`...).
        public var host: String
        /// The RTP port: even, or 0 for any free even port with the next one free for RTCP.
        public var port: Int
        /// Whether RTP and RTCP share the RTP port (RFC 5761); else RTCP uses port + 1.
        public var rtcpMux: Bool
        /// The payload type of the audio codec we send.
        public var payloadType: UInt8
        /// The RTP clock rate of the codec, in Hz (8000 for G.711, 48000 for opus).
        public var clockRate: UInt32
        /// The telephone-event payload type (at ``clockRate``), or nil when none was agreed.
        public var telephoneEventPayloadType: UInt8?
        /// The time one packet carries; RFC 4733 updates are sent at this pace too.
        public var packetTime: TimeAmount
        /// Where to send RTP, or nil until known (or latched).
        public var remoteRTP: SocketAddress?
        /// Where to send RTCP; nil means the RTP address (muxed) or its port + 1.
        public var remoteRTCP: SocketAddress?
        /// Whether to latch the remote address to the source of the first RTP packet received
        /// and then ignore other sources (symmetric RTP through NAT, RFC 4961 §2). Latching
        /// starts once a remote address is signaled (``remoteRTP`` or `setRemote`): packets
        /// before that are dropped, and a packet from the signaled address itself always wins
        /// back the latch, so that a stray or forged packet that came first cannot take the
        /// call's media.
        public var latchRemote: Bool
        /// The RTCP interval rule (minimum 5 s by default, RFC 3550 §6.2).
        public var rtcpInterval: RTCPInterval
        /// The CNAME written in SDES (RFC 3550 §6.5.1).
        public var cname: String
        /// Packets needed before a new remote source counts in statistics (RFC 3550 A.1); 0
        /// by default because a call's remote is known from signalling.
        public var sourceProbation: Int
        /// How long a telephone event may go without packets before it counts as ended.
        public var telephoneEventTimeout: TimeAmount
        /// How many random ports to try when ``port`` is 0.
        public var bindAttempts: Int

        /// A configuration for one audio stream.
        public init(
            host: String, port: Int = 0, rtcpMux: Bool = false, payloadType: UInt8, clockRate: UInt32,
            telephoneEventPayloadType: UInt8? = nil, packetTime: TimeAmount = .milliseconds(20),
            remoteRTP: SocketAddress? = nil, remoteRTCP: SocketAddress? = nil, latchRemote: Bool = true,
            rtcpInterval: RTCPInterval = RTCPInterval(), cname: String = "swiftsip", sourceProbation: Int = 0,
            telephoneEventTimeout: TimeAmount = .seconds(1), bindAttempts: Int = 32
        ) {
            self.host = host
            self.port = port
            self.rtcpMux = rtcpMux
            self.payloadType = payloadType
            self.clockRate = clockRate
            self.telephoneEventPayloadType = telephoneEventPayloadType
            self.packetTime = packetTime
            self.remoteRTP = remoteRTP
            self.remoteRTCP = remoteRTCP
            self.latchRemote = latchRemote
            self.rtcpInterval = rtcpInterval
            self.cname = cname
            self.sourceProbation = sourceProbation
            self.telephoneEventTimeout = telephoneEventTimeout
            self.bindAttempts = bindAttempts
        }

        /// The ticks one packet carries at ``clockRate``.
        var ticksPerPacket: UInt32 { RTPSession.ticks(packetTime, clockRate: clockRate) }
    }
}
