/// Everything `intercom` runs from: the decoded configuration file (YAML), with every key
/// optional and its default the built-in behaviour of `intercom` without arguments: SIP on
/// UDP and TCP 5060 on all interfaces, every caller answered within a second, audio from ALSA
/// `default`, no account, no door, the control interface on 127.0.0.1.
///
/// The file's keys are these properties' names (`sip.listen[0].port`, `answer.delayMs`...).
public struct IntercomConfiguration: Sendable, Hashable {
    public var log = LogConfiguration()
    public var sip = SIPConfiguration()
    /// Registrations; none for direct (peer-to-peer) calls only.
    public var accounts: [AccountConfiguration] = []
    public var answer = AnswerConfiguration()
    public var audio = AudioConfiguration()
    public var buttons: [ButtonConfiguration] = []
    public var doors: [DoorConfiguration] = []
    /// Wrong door codes: how many, how fast, and how long a caller is then locked out.
    public var lockout = LockoutConfiguration()
    public var control = ControlConfiguration()

    public init() {}

    /// The built-in defaults (what `intercom` runs with no arguments).
    public static let defaults = IntercomConfiguration()
}

/// Log output: the level of the agent's log lines.
public struct LogConfiguration: Sendable, Hashable {
    /// trace, debug, info, notice, warning, error or critical.
    public var level = "info"
    public init() {}
}

/// The SIP side: where the agent listens and who it is.
public struct SIPConfiguration: Sendable, Hashable {
    /// Sockets to listen on.
    public var listen: [ListenAddress] = [
        ListenAddress(transport: .udp, address: "0.0.0.0", port: 5060),
        ListenAddress(transport: .tcp, address: "0.0.0.0", port: 5060),
    ]
    /// The user part of the agent's own URI for direct calls (`sip:door@host`).
    public var user = "intercom"
    /// The display name in From headers.
    public var displayName: String? = "Intercom"
    /// The User-Agent / Server header value.
    public var userAgent = "SwiftSIP intercom"
    /// The host or address put in Contact and Via when the listening address is a wildcard
    /// (nil: the address the traffic arrived on / the interface's).
    public var advertise: String?
    /// TLS material for a `tls` listener and TLS accounts.
    public var tls: TLSFiles?
    /// Refuse every plain transport: listen on tls and wss only, register over TLS only, place
    /// no call whose first hop is not TLS, and serve no request that arrived over UDP, TCP or
    /// WS (see docs/hardening.md).
    public var requireTLS = false
    /// New INVITE, REGISTER and MESSAGE requests one source address may send per second, past
    /// ``rateLimitBurst``; 0 for no limit. The accounts' registrars and proxies are exempt.
    public var rateLimitPerSecond = 10
    /// How many such requests one source may send at once.
    public var rateLimitBurst = 20
    /// The DNS server (`IPv4:port`, or an IPv4 address for port 53) asked to locate registrars
    /// and proxies given by name (RFC 3263: SRV, then A/AAAA); nil: the servers of
    /// /etc/resolv.conf.
    public var dnsServer: String?
    /// The shortest time, in seconds, between two lookups of the registrars and proxies given
    /// by name: they are located again when their records' TTL runs out, but not sooner than
    /// this (TTLs of 0 are common), nor later than a day.
    public var dnsRefreshMinimumSeconds = 60
    public init() {}
}

/// One listening socket.
public struct ListenAddress: Sendable, Hashable {
    public var transport: SIPTransportName
    /// An IPv4 or IPv6 literal; 0.0.0.0 or :: for every interface.
    public var address: String
    public var port: Int

    public init(transport: SIPTransportName, address: String, port: Int) {
        self.transport = transport
        self.address = address
        self.port = port
    }
}

/// A SIP transport as the file names it.
public enum SIPTransportName: String, Sendable, Hashable, CaseIterable {
    case udp, tcp, tls, ws, wss
}

/// Certificate, key and trust anchors (PEM files).
public struct TLSFiles: Sendable, Hashable {
    public var certificate: String?
    public var privateKey: String?
    /// CA bundle to verify peers with; nil for the system store.
    public var caFile: String?
    /// Whether peers' certificates are verified (on by default).
    public var verifyPeer = true
    public init() {}
}

/// A registration with a registrar (PBX).
public struct AccountConfiguration: Sendable, Hashable {
    /// A name for logs, status and metrics.
    public var name: String
    /// The registrar's URI (`sip:pbx.example.com`, `sip:10.0.0.1:5070;transport=tcp`).
    public var registrar: String
    /// The address-of-record's user part.
    public var user: String
    /// The authentication user name when it differs from `user`.
    public var authUser: String?
    public var password: String?
    /// How the registrar (and outbound proxy) is reached; when left out, `tls` for a `sips:`
    /// registrar and `udp` otherwise.
    public var transport: SIPTransportName = .udp
    /// TLS settings for this account's connections (server name, client certificate, CA);
    /// nil: `sip.tls` and the registrar's host.
    public var tls: AccountTLSConfiguration?
    /// Whether an MD5 digest challenge may be answered (RFC 8760 §3 keeps MD5 for backward
    /// compatibility only); off by default, so that only SHA-256 (and SHA-256-sess) is.
    public var allowMD5 = false
    /// Every request of this account goes there first (a URI).
    public var outboundProxy: String?
    /// Registration lifetime asked for [s].
    public var expiresSeconds = 600
    /// The longest time between two REGISTERs [s], 0 to refresh only when the binding is due: a
    /// registrar that restarted and forgot its bindings learns this one again within it.
    public var refreshMaximumSeconds = 60
    public var displayName: String?

    public init(name: String, registrar: String, user: String) {
        self.name = name
        self.registrar = registrar
        self.user = user
    }
}

/// Who is answered, how fast, and for how long.
public struct AnswerConfiguration: Sendable, Hashable {
    /// Answer allowed callers by itself (else calls are refused 480 unless answered through
    /// the control interface).
    public var autoAnswer = true
    /// Ring this long before answering [ms].
    public var delayMs = 500
    /// Callers answered; nil: everyone (with a warning at start). Others get 403.
    public var allow: AllowList?
    /// Digest-challenge callers with these credentials before anything else.
    public var challenge: CallerChallenge?
    /// Calls at once; the next caller gets 486 Busy Here.
    public var maxCalls = 1
    /// A call is hung up after this long [s]; 0 for no limit.
    public var maxDurationSeconds = 600
    /// The RFC 4028 session interval asked for and granted [s]: the call is refreshed by
    /// re-INVITE every half interval, and a peer that stops refreshing (or answering
    /// refreshes) is hung up within one interval, so that a lost BYE never keeps the door
    /// line busy; 0 turns session timers off.
    public var sessionExpiresSeconds = 1800
    public init() {}
}

/// Callers by SIP URI pattern and by source network.
public struct AllowList: Sendable, Hashable {
    /// `sip:alice@example.com`, `sip:*@pbx.example.com`, `*@10.0.0.5`: `*` matches any run of
    /// characters; compared with the From URI without parameters.
    public var uris: [String] = []
    /// CIDR blocks (`192.168.1.0/24`, `::1/128`) of the packet's source address.
    public var networks: [String] = []
    public init() {}
}

/// Digest credentials callers must prove (RFC 3261 §22 as a UAS).
public struct CallerChallenge: Sendable, Hashable {
    public var realm = "intercom"
    /// User name to password.
    public var users: [String: String] = [:]
    /// Offer MD5 after SHA-256 (RFC 8760 §2: the preferred algorithm first), for callers that
    /// know no better; off by default: SHA-256 only.
    public var allowMD5 = false
    public init() {}
}

/// The sound devices and what runs between them and the network.
public struct AudioConfiguration: Sendable, Hashable {
    /// Device strings (`alsa:default`, `alsa:plughw:1,0`, `wav:/path.wav`, `wav-loop:/path`,
    /// `null`). With the defaults, when no sound card exists the agent falls back to `null`
    /// with a warning.
    public var capture = "alsa:default"
    public var playback = "alsa:default"
    /// Device rate [Hz]: 8000, 16000, 32000 or 48000.
    public var sampleRate = 48_000
    public var channels = 1
    /// 10 or 20 [ms].
    public var periodMs = 20
    public var echoCancellation = true
    public var noiseSuppression = true
    /// Codecs offered and accepted, in order of preference: opus, pcmu, pcma.
    public var codecs = ["opus", "pcmu", "pcma"]
    /// Ringback while calling out: `europe`, `north-america`, `none` or a WAV file.
    public var ringback = "europe"
    /// A chime on the loudspeaker (and to the caller) when a door opens.
    public var doorOpenedTone = true
    /// A WAV file played to the caller right after answering; nil for none.
    public var announcement: String?
    /// SCHED_FIFO priority of the audio thread; nil for none.
    public var realtimePriority: Int? = 50
    /// UDP ports for RTP (even ports from this range).
    public var rtpPortMin = 20_000
    public var rtpPortMax = 20_999
    /// A call whose peer sends no RTP or RTCP for this long is hung up [s], 0 to never: a
    /// caller that vanished without BYE does not keep the line busy.
    public var rtpTimeoutSeconds = 30
    /// SRTP with SDES key exchange (RFC 4568): `off`, `optional` (the default: encrypt whenever
    /// the peer agrees, plain RTP otherwise) or `required` (refuse unencrypted calls with 488).
    public var srtp: SRTPMode = .optional
    /// SRTP crypto suites offered and accepted, in order of preference.
    public var srtpSuites = ["AES_CM_128_HMAC_SHA1_80", "AES_CM_128_HMAC_SHA1_32"]
    public init() {}
}

/// Whether calls use SRTP (RFC 3711) with SDES keys (RFC 4568).
public enum SRTPMode: String, Sendable, Hashable, CaseIterable {
    /// Plain RTP only: offers carry no `a=crypto`, `RTP/SAVP` offers are refused.
    case off
    /// Best effort: offers are `RTP/AVP` with `a=crypto`; encrypted when the peer answers with
    /// a key, plain otherwise. Offers with usable crypto are answered encrypted.
    case optional
    /// Encrypted or nothing: offers are `RTP/SAVP`; plain offers and answers are refused.
    case required
}

/// A call button and whom it calls.
public struct ButtonConfiguration: Sendable, Hashable {
    public var name: String
    /// What presses it besides the control interface.
    public var input: ButtonInput = .none
    /// SIP URIs to call.
    public var targets: [String] = []
    public var strategy: CallStrategy = .parallel
    /// How long each attempt rings before it is given up [s].
    public var ringTimeoutSeconds = 30
    /// A press while its call is ringing or up.
    public var whilePressedAgain: PressAgain = .ignore
    /// The name of the account (`accounts[].name`) the calls are placed from; nil: the
    /// account whose registrar is the target's host, else the first (see
    /// ``IntercomConfiguration/callingAccount(for:named:)``).
    public var account: String?

    public init(name: String) {
        self.name = name
    }
}

/// Where button presses come from.
public enum ButtonInput: Sendable, Hashable {
    /// Only the control interface.
    case none
    /// A line written to this FIFO (created if missing) is a press.
    case fifo(path: String)
    /// A GPIO input line of the kernel's GPIO character device, pressed on its active edge
    /// (debounced by the kernel for 10 ms where the chip allows, and 200 ms between presses).
    case gpio(chip: String, line: Int, activeLow: Bool)
}

/// Parallel rings every target at once; sequential tries them in order.
public enum CallStrategy: String, Sendable, Hashable, CaseIterable {
    case parallel, sequential
}

/// What a second press does while the button's call is ringing or up.
public enum PressAgain: String, Sendable, Hashable, CaseIterable {
    case ignore, cancel
}

/// A door: what opens it and which codes or messages trigger that.
public struct DoorConfiguration: Sendable, Hashable {
    public var name: String
    public var action: DoorAction
    /// Codes entered as DTMF (RFC 4733 or SIP INFO) during a call.
    public var codes: [DoorCode] = []
    /// A SIP MESSAGE with exactly this body from an allowed caller opens the door; nil: none.
    public var message: String?

    public init(name: String, action: DoorAction) {
        self.name = name
        self.action = action
    }
}

/// How a door opens.
public enum DoorAction: Sendable, Hashable {
    /// Drives a GPIO output line (the kernel's GPIO character device) active for `pulseMs`.
    case gpio(chip: String, line: Int, pulseMs: Int, activeLow: Bool)
    /// Runs the program with these arguments (no shell); the caller is in its environment
    /// (`INTERCOM_CALLER`, `INTERCOM_DOOR`, `INTERCOM_SOURCE`).
    case command([String])
}

/// A door code and who may use it.
public struct DoorCode: Sendable, Hashable {
    /// Digits 0-9, *, #, A-D.
    public var code: String
    /// URI patterns of callers (as in ``AllowList/uris``); empty: any allowed caller.
    public var callers: [String] = []

    public init(code: String, callers: [String] = []) {
        self.code = code
        self.callers = callers
    }
}

/// Lockout after wrong codes.
public struct LockoutConfiguration: Sendable, Hashable {
    public var maxWrongCodes = 3
    public var windowSeconds = 300
    public var lockoutSeconds = 900
    /// A JSON file keeping the running lockouts across restarts, or nil to keep them in
    /// memory only.
    public var stateFile: String?
    public init() {}
}

/// The local control and status interface (HTTP, JSON) and the Prometheus metrics.
public struct ControlConfiguration: Sendable, Hashable {
    public var enabled = true
    public var address = "127.0.0.1"
    public var port = 8080
    /// Bearer token; required when `address` is not a loopback address.
    public var token: String?
    /// Serve `/metrics`.
    public var metrics = true
    public init() {}
}
