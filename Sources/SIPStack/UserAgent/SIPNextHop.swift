import NIOCore
import SIPMessage

/// Where a request goes when its next hop is a URI (RFC 3261 §8.1.2, RFC 3263 §4 without
/// DNS): the URI's host as an IP literal, its port (5060, or 5061 for sips and TLS) and its
/// transport (`transport=` parameter, `sips` means TLS, else the agent's default).
///
/// Host names are not resolved here: a next hop with a name needs an outbound proxy given as
/// an IP literal, or the application resolves names before it configures the agent.
enum SIPNextHop {
    /// The destination of `uriText`.
    ///
    /// - Throws: ``SIPUserAgentError/Code/invalidURI`` when it does not parse or is not sip or
    ///   sips, or names a transport this stack does not carry;
    ///   ``SIPUserAgentError/Code/unresolvableHost`` for a host name.
    static func destination(
        for uriText: String, defaultTransport: SIPTransportKind
    ) throws(SIPUserAgentError) -> TransactionDestination {
        let uri: SIPURI
        do {
            uri = try SIPURI(parsing: uriText)
        } catch {
            throw SIPUserAgentError(.invalidURI, "\(uriText) does not parse: \(error)")
        }
        let transport = try transport(of: uri, defaultTransport: defaultTransport)
        let secure = transport.rawValue == "TLS" || transport.rawValue == "WSS"
        let port = uri.port ?? (secure ? 5061 : 5060)
        var host = uri.host.string
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard let address = try? SocketAddress(ipAddress: host, port: port) else {
            throw SIPUserAgentError(.unresolvableHost, "\(host) is not an IP address; configure an outbound proxy")
        }
        return TransactionDestination(address: address, transport: transport)
    }

    /// The transport a request to `uri` uses.
    static func transport(of uri: SIPURI, defaultTransport: SIPTransportKind) throws(SIPUserAgentError) -> SIPTransportKind {
        guard uri.scheme != .tel else {
            throw SIPUserAgentError(.invalidURI, "a tel URI cannot be a next hop")
        }
        if let name = uri.transport {
            guard let kind = SIPTransportKind(rawValue: name.uppercased()) else {
                throw SIPUserAgentError(.invalidURI, "transport=\(name) is not carried by this stack")
            }
            return kind
        }
        if uri.scheme == .sips {
            guard let tls = SIPTransportKind(rawValue: "TLS") else {
                throw SIPUserAgentError(.invalidURI, "sips needs TLS, which this stack does not carry")
            }
            return tls
        }
        return defaultTransport
    }
}

extension TransactionDestination {
    /// The transport this destination's messages go over.
    init(address: SocketAddress, transport: SIPTransportKind) {
        self.init(address: address, isReliable: transport.isReliable)
    }

    /// The transport a dialog started from this source continues on.
    var transportKind: SIPTransportKind { isReliable ? .tcp : .udp }
}
