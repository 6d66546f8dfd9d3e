/// The transport protocol a SIP message travels over (RFC 3261 §18, the `transport` of a Via
/// sent-protocol).
///
/// Today the transport layer carries UDP (unreliable, one message per datagram) and TCP
/// (reliable, a byte stream cut with `SIPStreamFramer`). TLS (`SIP/2.0/TLS`, RFC 3261 §26.2)
/// and WebSocket (`SIP/2.0/WS` and `WSS`, RFC 7118) are meant to arrive as further cases of
/// this enum, each with its own channel pipeline in ``SIPTransportLayer``; code that switches
/// over it should expect them.
public enum SIPTransportKind: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// UDP (RFC 3261 §18.1.1): unreliable, so the transaction layer retransmits.
    case udp = "UDP"
    /// TCP (RFC 3261 §18): reliable and connection-oriented; responses go back on the
    /// connection the request came in on (§18.2.2).
    case tcp = "TCP"

    /// Whether the transport is reliable (RFC 3261 §17.1.1.1): no retransmissions needed.
    public var isReliable: Bool {
        switch self {
        case .udp: false
        case .tcp: true
        }
    }

    /// The token of a Via sent-protocol (`SIP/2.0/UDP`): `UDP` or `TCP`.
    public var viaToken: String { rawValue }

    public var description: String { rawValue }
}
