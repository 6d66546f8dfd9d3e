import NIOCore
import SIPStack

/// The servers DNS gave (RFC 3263, ``SIPServerLocator``) for every account's registrar and
/// outbound proxy of one configuration, best first, or why it gave none.
///
/// Located when a configuration is applied (at start, on each reload) and again when the
/// answers expire (``refreshDelay(minimumSeconds:)``), always off the agent's event loop: the
/// lookups block (libresolv), and the registrations, the first hop of calls and the rate
/// limit's exemptions all read the same answers.
struct LocatedServers: Sendable {
    private struct Key: Hashable, Sendable {
        var uri: String
        var transport: SIPTransportKind
    }

    private var found: [Key: [TransactionDestination]] = [:]
    private var failures: [Key: String] = [:]
    /// The shortest TTL of every record used; nil when no answer came from DNS.
    private var timeToLive: UInt32?
    /// The URIs whose servers were kept from an earlier lookup because this one failed.
    private(set) var keptFromBefore: [String] = []

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
                    let location = try SIPServerLocator.locate(
                        uri, defaultTransport: transport, resolver: resolver, using: &generator)
                    if location.destinations.isEmpty {
                        failures[key] = "no destination"
                    } else {
                        found[key] = location.destinations
                        timeToLive = SIPServerLocation.shorter(timeToLive, location.timeToLive)
                    }
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

    /// When to locate the servers again: at the shortest TTL of the answers, but not sooner
    /// than `minimumSeconds` (a TTL of 0 is common) nor later than a day; at `minimumSeconds`
    /// when a name did not resolve (its account is waiting for it); nil when nothing came from
    /// DNS (IP literals, /etc/hosts).
    func refreshDelay(minimumSeconds: Int) -> TimeAmount? {
        if !failures.isEmpty || !keptFromBefore.isEmpty { return .seconds(Int64(minimumSeconds)) }
        guard let timeToLive else { return nil }
        return .seconds(Int64(min(max(Int(timeToLive), minimumSeconds), 86_400)))
    }

    /// These answers, with the servers `previous` found for each URI this lookup failed for:
    /// a name server out of reach for a while must not unregister the door (as RFC 8767 serves
    /// stale answers). Those URIs are asked again at the shortest interval.
    func keepingAnswers(of previous: LocatedServers) -> LocatedServers {
        var merged = self
        for key in failures.keys {
            guard let before = previous.found[key] else { continue }
            merged.found[key] = before
            merged.failures[key] = nil
            merged.keptFromBefore.append(key.uri)
        }
        return merged
    }

    /// Whether `other` found the same servers for every URI, in any order (RFC 2782's weighted
    /// draw orders them anew on every lookup), and failed for the same ones.
    func sameServers(as other: LocatedServers) -> Bool {
        Set(failures.keys) == Set(other.failures.keys) && found.count == other.found.count
            && found.allSatisfy { key, destinations in other.found[key].map(Set.init) == Set(destinations) }
    }

    /// Every address located: the registrars and proxies the rate limit exempts.
    var addresses: Set<SocketAddress> {
        Set(found.values.joined().map(\.address))
    }
}
