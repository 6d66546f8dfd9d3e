import NIOCore
import SIPMessage

/// Where a request goes when its next hop is a URI (RFC 3261 §8.1.2, RFC 3263 §4 without
/// DNS): the URI's host as an IP literal, its port (5060, or 5061 for sips and TLS) and its
/// transport (`transport=` parameter, `sips` means TLS, else the agent's default).
///
/// Host names are not resolved here: a next hop with a name needs an outbound proxy given as
/// an IP literal, or the application resolves names before it configures the agent.
public enum SIPNextHop {
    /// The destination of `uriText`.
    ///
    /// - Throws: ``SIPUserAgentError/Code/invalidURI`` when it does not parse or is not sip or
    ///   sips, or names a transport this stack does not carry;
    ///   ``SIPUserAgentError/Code/unresolvableHost`` for a host name.
    public static func destination(
        for uriText: String, defaultTransport: SIPTransportKind
    ) throws(SIPUserAgentError) -> TransactionDestination {
        let target = try target(of: uriText, defaultTransport: defaultTransport)
        guard let address = try? SocketAddress(ipAddress: target.host, port: target.port ?? target.defaultPort) else {
            throw SIPUserAgentError(.unresolvableHost, "\(target.host) is not an IP address; configure an outbound proxy")
        }
        return TransactionDestination(address: address, transport: target.transport)
    }

    /// What a next-hop URI names: its host (IPv6 literals without brackets), its port if it
    /// gives one, its transport, and the transport's default port (5060, or 5061 for TLS).
    static func target(
        of uriText: String, defaultTransport: SIPTransportKind
    ) throws(SIPUserAgentError) -> (host: String, port: Int?, transport: SIPTransportKind, defaultPort: Int) {
        let uri: SIPURI
        do {
            uri = try SIPURI(parsing: uriText)
        } catch {
            throw SIPUserAgentError(.invalidURI, "\(uriText) does not parse: \(error)")
        }
        let transport = try transport(of: uri, defaultTransport: defaultTransport)
        var host = uri.host.string
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host, uri.port, transport, transport.isSecure ? 5061 : 5060)
    }

    /// The transport a request to `uri` uses.
    static func transport(of uri: SIPURI, defaultTransport: SIPTransportKind) throws(SIPUserAgentError) -> SIPTransportKind {
        guard uri.scheme != .tel else {
            throw SIPUserAgentError(.invalidURI, "a tel URI cannot be a next hop")
        }
        var kind = defaultTransport
        if let name = uri.transport {
            guard let named = SIPTransportKind(rawValue: name.uppercased()) else {
                throw SIPUserAgentError(.invalidURI, "transport=\(name) is not carried by this stack")
            }
            kind = named
        }
        guard uri.scheme == .sips else { return kind }
        // RFC 3261 §26.2.2, RFC 5630: sips asks for TLS on every hop (WSS for WebSocket).
        switch kind {
        case .tcp, .tls: return .tls
        case .ws, .wss: return .wss
        case .udp:
            if uri.transport == nil { return .tls }
            throw SIPUserAgentError(.invalidURI, "a sips URI cannot use transport=udp")
        }
    }
}
