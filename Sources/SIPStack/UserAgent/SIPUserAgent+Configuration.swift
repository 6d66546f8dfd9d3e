import NIOCore
import SIPMessage

extension SIPUserAgent {
    /// Who a ``SIPUserAgent`` is and how it behaves: its address of record, where it can be
    /// reached (for Via and Contact), the checks it makes on requests, credentials for
    /// challenges it receives and the challenge it may put to callers.
    public struct Configuration: Sendable {
        /// The address of record, the From of requests it starts: `sip:door@example.com`.
        public var addressOfRecord: String
        /// A display name for From, or nil.
        public var displayName: String?
        /// The host this agent advertises in Via sent-by and Contact (an IP literal or a name
        /// that resolves to this machine).
        public var host: String
        /// The port it listens on for each transport; Via and Contact use the port of the
        /// transport a message goes over.
        public var ports: [SIPTransportKind: Int]
        /// The transport for a next hop whose URI names none (RFC 3263 would pick UDP).
        public var defaultTransport: SIPTransportKind
        /// Requests that start a dialog or stand alone go through this proxy (a Route with
        /// `lr` is added, RFC 3261 §8.1.2), as a URI: `sip:127.0.0.1:5070;transport=tcp`.
        public var outboundProxy: String?
        /// Further servers of the outbound proxy, tried in order by a call's INVITE when the
        /// one before fails (see ``SIPCallIdentity/alternativeProxies``).
        public var alternativeProxies: [String]
        /// The checks made on every request before it is processed (RFC 3261 §8.2): methods
        /// (others 405 or 501), URI schemes (416), extensions (420), body types (415, 406).
        public var profile: SIPEndpointProfile
        /// The User-Agent and Server header value.
        public var product: String
        /// Credentials for 401 and 407 challenges to this agent's requests (RFC 3261 §22.2).
        public var credentials: DigestClient?
        /// When set, incoming INVITEs and out-of-dialog MESSAGEs must carry valid digest
        /// credentials (401 with a challenge otherwise, 403 for wrong ones), checked against
        /// ``passwords``.
        public var challenger: DigestChallenger?
        /// The password of each user name the challenger accepts.
        public var passwords: [String: String]
        /// T1 for the 2xx retransmissions of an answered call (RFC 3261 §13.3.1.4), and T2.
        public var timers: TransactionTimers
        /// How long an incoming call may wait for answer() or reject() before it is refused
        /// with 480 (Temporarily Unavailable); nil waits for ever (the caller's proxy or the
        /// caller gives up first).
        public var unansweredTimeout: TimeAmount?
        /// How long a re-INVITE from the peer may wait for answer() before it is refused with
        /// 500 and the session kept.
        public var reofferTimeout: TimeAmount
        /// The session interval of RFC 4028 session timers, in seconds: asked for in the
        /// INVITEs this agent sends and granted in the 2xx it answers with, so that a call
        /// whose peer vanished without a BYE ends by itself. Nil or 0 turns session timers
        /// off (no `timer` option tag; a Require: timer then gets 420). A value below
        /// ``minSE`` counts as ``minSE``.
        public var sessionExpires: Int?
        /// The smallest session interval this agent accepts (its Min-SE, RFC 4028 §5), in
        /// seconds: a peer supporting timers that asks for less gets 422. Values below the
        /// RFC's floor of 90 count as 90.
        public var minSE: Int

        public init(
            addressOfRecord: String, displayName: String? = nil, host: String,
            ports: [SIPTransportKind: Int] = [.udp: 5060, .tcp: 5060], defaultTransport: SIPTransportKind = .udp,
            outboundProxy: String? = nil, alternativeProxies: [String] = [], profile: SIPEndpointProfile = SIPUserAgent.defaultProfile,
            product: String = "SwiftSIP/0.1", credentials: DigestClient? = nil,
            challenger: DigestChallenger? = nil, passwords: [String: String] = [:],
            timers: TransactionTimers = .default, unansweredTimeout: TimeAmount? = .seconds(180),
            reofferTimeout: TimeAmount = .seconds(10), sessionExpires: Int? = 1800, minSE: Int = 90
        ) {
            self.addressOfRecord = addressOfRecord
            self.displayName = displayName
            self.host = host
            self.ports = ports
            self.defaultTransport = defaultTransport
            self.outboundProxy = outboundProxy
            self.alternativeProxies = alternativeProxies
            self.profile = profile
            self.product = product
            self.credentials = credentials
            self.challenger = challenger
            self.passwords = passwords
            self.timers = timers
            self.unansweredTimeout = unansweredTimeout
            self.reofferTimeout = reofferTimeout
            self.sessionExpires = sessionExpires
            self.minSE = minSE
        }

        /// Whether RFC 4028 session timers are on.
        public var sessionTimersEnabled: Bool { (sessionExpires ?? 0) > 0 }

        /// ``minSE`` raised to the RFC's 90 s floor (and kept within 32 bits).
        var effectiveMinSE: UInt32 { UInt32(clamping: max(minSE, SIPUserAgent.sessionTimerFloor)) }

        /// ``sessionExpires`` raised to ``effectiveMinSE``.
        var effectiveSessionExpires: UInt32 { max(UInt32(clamping: sessionExpires ?? 0), effectiveMinSE) }

        /// `host:port` for Via over `transport` (IPv6 literals in brackets); the UDP port
        /// stands in for a transport without a port of its own.
        public func sentBy(for transport: SIPTransportKind) -> String {
            let port = ports[transport] ?? ports[.udp] ?? 5060
            return "\(bracketed(host)):\(port)"
        }

        /// The Contact URI for a dialog over `transport`: the user of the address of record
        /// at this host and port, with `transport=` for anything but UDP.
        public func contactURI(for transport: SIPTransportKind) -> String {
            contactURI(for: transport, user: addressOfRecord)
        }

        /// The Contact URI for a dialog over `transport` with the user of `aor` (the account
        /// a call is placed from).
        func contactURI(for transport: SIPTransportKind, user aor: String) -> String {
            var user = ""
            if let uri = try? SIPURI(parsing: aor), let name = uri.user { user = name.string + "@" }
            let scheme = transport.isSecure ? "sips" : "sip"
            var contact = "\(scheme):\(user)\(sentBy(for: transport))"
            if transport != .udp && transport != .tls { contact += ";transport=\(transport.uriParameter)" }
            return contact
        }

        /// The From value without tag: `"Name" <aor>`.
        var fromValue: String { SIPCallIdentity.fromValue(addressOfRecord, displayName: displayName) }

        private func bracketed(_ host: String) -> String {
            host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        }
    }
}

extension SIPUserAgent {
    /// What the user agent core implements, for the checks of RFC 3261 §8.2: INVITE, ACK,
    /// CANCEL, BYE, OPTIONS, MESSAGE and INFO; SDP bodies; no option tags (a Require of
    /// `100rel`, `replaces`... gets 420 with Unsupported). The agent adds `timer` (RFC 4028)
    /// to whatever profile it is given while ``Configuration/sessionExpires`` is on.
    public static let defaultProfile = SIPEndpointProfile(
        allowedMethods: [.invite, .ack, .bye, .cancel, .options, .message, .info], supportedExtensions: [])
}
