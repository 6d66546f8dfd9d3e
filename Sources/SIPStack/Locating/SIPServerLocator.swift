import NIOCore

/// Locating SIP servers (RFC 3263 §4): the destinations a request to a URI may go to, in the
/// order to try them.
///
/// - An IP literal host is the destination itself (its port, or 5060 / 5061 for TLS).
/// - A host name with a port: its A and AAAA records, on that port (§4.2).
/// - A host name without a port: the SRV records of `_sip._udp`, `_sip._tcp` or `_sips._tcp`
///   (TLS) for the URI's transport (its `transport=` parameter, `sips`, or the caller's
///   default; the transport is always known here, so NAPTR is not asked), ordered by priority
///   and weight (RFC 2782), each target's addresses on the record's port; with no SRV records
///   at all, the host's A and AAAA records on the default port. WebSocket transports have no
///   SRV names (RFC 7118) and take the second path.
/// Addresses come from the SRV answer's additional section when the server put them there,
/// else from A and AAAA queries; for a resolver of the system's configuration, a name no DNS
/// query resolves is tried through getaddrinfo too (/etc/hosts).
public enum SIPServerLocator {
    /// The destinations for `uriText`, best first.
    ///
    /// - Throws: ``SIPUserAgentError`` with ``SIPUserAgentError/Code/invalidURI`` for a URI
    ///   that is not a usable next hop, or ``SIPUserAgentError/Code/unresolvableHost`` naming
    ///   the host and why DNS gave nothing.
    public static func destinations<G: RandomNumberGenerator>(
        for uriText: String, defaultTransport: SIPTransportKind, resolver: borrowing DNSResolver,
        using generator: inout G
    ) throws(SIPUserAgentError) -> [TransactionDestination] {
        try locate(uriText, defaultTransport: defaultTransport, resolver: resolver, using: &generator).destinations
    }

    /// The destinations for `uriText`, best first, and how long DNS lets them be used.
    ///
    /// - Throws: as ``destinations(for:defaultTransport:resolver:using:)``.
    public static func locate<G: RandomNumberGenerator>(
        _ uriText: String, defaultTransport: SIPTransportKind, resolver: borrowing DNSResolver,
        using generator: inout G
    ) throws(SIPUserAgentError) -> SIPServerLocation {
        let (host, explicitPort, transport, defaultPort) = try SIPNextHop.target(of: uriText, defaultTransport: defaultTransport)
        if let literal = try? SocketAddress(ipAddress: host, port: explicitPort ?? defaultPort) {
            return SIPServerLocation(destinations: [TransactionDestination(address: literal, transport: transport)], timeToLive: nil)
        }
        if let port = explicitPort {
            let found = try addresses(of: host, port: port, resolver: resolver, additional: [])
            return SIPServerLocation(
                destinations: found.addresses.map { TransactionDestination(address: $0, transport: transport) },
                timeToLive: found.timeToLive)
        }
        if let service = serviceName(for: transport, host: host) {
            let answer: (answers: [DNSRecord], additional: [DNSRecord])?
            do {
                answer = try resolver.query(service, .srv)
            } catch let error where error.code == .noSuchName || error.code == .noData {
                answer = nil  // no SRV records: the host itself (§4.2)
            } catch {
                throw SIPUserAgentError(.unresolvableHost, "\(host): \(error)")
            }
            if let answer {
                let services = answer.answers.compactMap { record -> SRVRecord? in
                    if case .service(let srv) = record.data { return srv }
                    return nil
                }
                if !services.isEmpty {
                    if services.count == 1, services[0].target.isEmpty {
                        throw SIPUserAgentError(.unresolvableHost, "\(service): the domain offers no such service (target \".\")")
                    }
                    var result: [TransactionDestination] = []
                    var failures: [String] = []
                    var timeToLive = answer.answers.map(\.ttl).min()
                    for srv in SRVRecord.ordered(services.filter { !$0.target.isEmpty }, using: &generator) {
                        do {
                            let found = try addresses(of: srv.target, port: Int(srv.port), resolver: resolver, additional: answer.additional)
                            for address in found.addresses {
                                let destination = TransactionDestination(address: address, transport: transport)
                                if !result.contains(destination) { result.append(destination) }
                            }
                            timeToLive = SIPServerLocation.shorter(timeToLive, found.timeToLive)
                        } catch {
                            failures.append(error.detail)
                        }
                    }
                    guard !result.isEmpty else {
                        throw SIPUserAgentError(.unresolvableHost, "\(service): no target resolves (\(failures.joined(separator: "; ")))")
                    }
                    return SIPServerLocation(destinations: result, timeToLive: timeToLive)
                }
            }
        }
        let found = try addresses(of: host, port: defaultPort, resolver: resolver, additional: [])
        return SIPServerLocation(
            destinations: found.addresses.map { TransactionDestination(address: $0, transport: transport) },
            timeToLive: found.timeToLive)
    }

    /// `_sip._udp.host`, `_sip._tcp.host` or `_sips._tcp.host` (RFC 3263 §4.2); nil for
    /// WebSocket transports.
    static func serviceName(for transport: SIPTransportKind, host: String) -> String? {
        let domain = host.hasSuffix(".") ? String(host.dropLast()) : host
        switch transport {
        case .udp: return "_sip._udp.\(domain)"
        case .tcp: return "_sip._tcp.\(domain)"
        case .tls: return "_sips._tcp.\(domain)"
        case .ws, .wss: return nil
        }
    }

    /// The IPv4 then IPv6 addresses of `host` on `port`: from `additional` records when they
    /// name it, else A and AAAA queries, else (system resolver only) getaddrinfo; with the
    /// shortest TTL of the records used (nil from getaddrinfo, which tells none).
    static func addresses(
        of host: String, port: Int, resolver: borrowing DNSResolver, additional: [DNSRecord]
    ) throws(SIPUserAgentError) -> (addresses: [SocketAddress], timeToLive: UInt32?) {
        let key = host.lowercased()
        let given = additional.compactMap { record in
            record.name.lowercased() == key ? record.socketAddress(port: port).map { (address: $0, ttl: record.ttl) } : nil
        }
        if !given.isEmpty {
            return (given.map(\.address).sorted { $0.protocol == .inet && $1.protocol != .inet }, given.map(\.ttl).min())
        }
        var found: [SocketAddress] = []
        var timeToLive: UInt32?
        var reasons: [String] = []
        for type in [DNSResolver.RecordType.a, .aaaa] {
            do {
                for record in try resolver.query(host, type).answers {
                    guard let address = record.socketAddress(port: port) else { continue }
                    found.append(address)
                    timeToLive = SIPServerLocation.shorter(timeToLive, record.ttl)
                }
            } catch {
                reasons.append(error.reason)
            }
        }
        if found.isEmpty, resolver.server == nil, let system = try? SocketAddress.makeAddressResolvingHost(host, port: port) {
            return ([system], nil)
        }
        guard !found.isEmpty else {
            throw SIPUserAgentError(.unresolvableHost, "\(host) does not resolve (\(reasons.joined(separator: "; ")))")
        }
        return (found, timeToLive)
    }
}
