import NIOCore
import SIPStack

/// The servers DNS gave (RFC 3263, ``SIPServerLocator``) for every account's registrar and
/// outbound proxy of one configuration, best first, or why it gave none.
///
/// Located once per configuration, when it is applied (at start, on each reload) and before
/// the agent's event loop is involved: the lookups block (libresolv), and the registrations,
/// the first hop of calls and the rate limit's exemptions all read the same answers.
struct LocatedServers: Sendable {
    private struct Key: Hashable, Sendable {
        var uri: String
        var transport: SIPTransportKind
    }

    private var found: [Key: [TransactionDestination]] = [:]
    private var failures: [Key: String] = [:]

    /// No servers at all (a configuration without accounts).
    init() {}

    /// Locates the registrar and outbound proxy of every account of `configuration`, each once,
    /// asking `sip.dnsServer` or the system's name servers.
    init(locating configuration: IntercomConfiguration) {
        for account in configuration.accounts {
            let transport = IntercomAgent.kind(account.transport)
            for uri in [account.registrar] + (account.outboundProxy.map { [$0] } ?? []) {
                let key = Key(uri: uri, transport: transport)
                guard found[key] == nil, failures[key] == nil else { continue }
                do {
                    let resolver = try DNSResolver(server: configuration.sip.dnsServer)
                    var generator = SystemRandomNumberGenerator()
                    let destinations = try SIPServerLocator.destinations(
                        for: uri, defaultTransport: transport, resolver: resolver, using: &generator)
                    if destinations.isEmpty { failures[key] = "no destination" } else { found[key] = destinations }
                } catch {
                    failures[key] = "\(error)"
                }
            }
        }
    }

    /// The servers for `uri` over `transport`, best first; never empty.
    ///
    /// - Throws: ``AgentError`` naming the URI and why DNS gave nothing (or that it was not
    ///   located with this configuration).
    func destinations(of uri: String, transport: SIPTransportKind) throws -> [TransactionDestination] {
        let key = Key(uri: uri, transport: transport)
        if let destinations = found[key] { return destinations }
        throw AgentError("\(uri): \(failures[key] ?? "not located")")
    }

    /// Every address located: the registrars and proxies the rate limit exempts.
    var addresses: Set<SocketAddress> {
        Set(found.values.joined().map(\.address))
    }
}
