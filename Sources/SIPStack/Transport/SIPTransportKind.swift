/// The transport protocol a SIP message travels over (RFC 3261 §18, the `transport` of a Via
/// sent-protocol).
///
/// UDP is unreliable, one message per datagram. TCP and TLS are byte streams cut with
/// `SIPStreamFramer` (RFC 3261 §18, §26.2; RFC 5630). WS and WSS carry one message per
/// WebSocket message (RFC 7118). Every kind but UDP is reliable: the transaction layer does not
/// retransmit over it (RFC 3261 §17.1.1.1), and responses go back on the connection their
/// request came in on (§18.2.2). Code that switches over this enum should expect further cases
/// (SCTP, say).
public enum SIPTransportKind: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// UDP (RFC 3261 §18.1.1): unreliable, so the transaction layer retransmits.
    case udp = "UDP"
    /// TCP (RFC 3261 §18): reliable and connection-oriented; responses go back on the
    /// connection the request came in on (§18.2.2).
    case tcp = "TCP"
    /// TLS over TCP (RFC 3261 §26.2, RFC 5630): a TCP stream, encrypted and authenticated.
    case tls = "TLS"
    /// WebSocket (RFC 7118): an HTTP/1.1 upgrade to the `sip` subprotocol, then one SIP message
    /// per WebSocket message.
    case ws = "WS"
    /// WebSocket over TLS (RFC 7118 §3).
    case wss = "WSS"

    /// Whether the transport is reliable (RFC 3261 §17.1.1.1): no retransmissions needed.
    public var isReliable: Bool {
        switch self {
        case .udp: false
        case .tcp, .tls, .ws, .wss: true
        }
    }

    /// Whether the transport runs over TLS (TLS and WSS).
    public var isSecure: Bool {
        switch self {
        case .tls, .wss: true
        case .udp, .tcp, .ws: false
        }
    }

    /// Whether the transport is a WebSocket (WS and WSS, RFC 7118).
    public var isWebSocket: Bool {
        switch self {
        case .ws, .wss: true
        case .udp, .tcp, .tls: false
        }
    }

    /// The token of a Via sent-protocol (`SIP/2.0/UDP`): `UDP`, `TCP`, `TLS`, `WS` or `WSS`
    /// (RFC 3261 §20.42, RFC 7118 §5.1).
    public var viaToken: String { rawValue }

    /// The value of a SIP URI `transport` parameter for this kind (`udp`, `tcp`, `tls`, `ws`,
    /// `wss`; RFC 3261 §19.1.1, RFC 7118 §5.2).
    public var uriParameter: String { rawValue.lowercased() }

    public var description: String { rawValue }
}
