import Foundation
import Logging
import NIOCore
import SIPStack

/// Registrars and proxies given by name located again when DNS says their answers are stale
/// (RFC 3263 §4 with the records' TTL), so that an agent running for months follows a PBX that
/// moved without a reload.
extension IntercomAgent {
    /// Uses `servers`, just located for the configuration being applied, and schedules their
    /// next lookup. On the event loop.
    func adoptServers(_ servers: LocatedServers) {
        self.servers = servers
        serversGeneration += 1
        scheduleRelocation(after: servers)
    }

    /// Schedules the next lookup when `located` (the latest answers) expires.
    private func scheduleRelocation(after located: LocatedServers) {
        relocation?.cancel()
        relocation = nil
        guard !shuttingDown, let delay = located.refreshDelay(minimumSeconds: configuration.sip.dnsRefreshMinimumSeconds)
        else { return }
        let generation = serversGeneration
        relocation = eventLoop.scheduleTask(in: delay) { [weak self] in self?.relocate(generation) }
    }

    /// Looks the servers of the current configuration up again, on a thread of its own (DNS
    /// blocks), and hands the answers back to the event loop.
    private func relocate(_ generation: Int) {
        let configuration = self.configuration
        // Held for the lookup's few seconds at most.
        let agent = self
        let lookup = Thread {
            let located = LocatedServers(locating: configuration)
            agent.eventLoop.execute { agent.relocated(located, generation: generation) }
        }
        lookup.name = "intercom-dns"
        lookup.start()
    }

    /// New answers: the same servers keep the registrations and their order as they are; other
    /// servers (moved, added, removed, or a name that now resolves) take over and every
    /// account registers anew with them. A name that no longer resolves keeps its servers.
    private func relocated(_ fresh: LocatedServers, generation: Int) {
        guard !shuttingDown, generation == serversGeneration else { return }
        let located = fresh.keepingAnswers(of: servers)
        if !located.keptFromBefore.isEmpty {
            logger.warning("dns: \(located.keptFromBefore.joined(separator: ", ")) did not resolve; keeping the servers found before")
        }
        defer { scheduleRelocation(after: located) }
        guard !located.sameServers(as: servers) else { return }
        logger.notice("dns: the accounts' servers changed; registering anew")
        servers = located
        serversGeneration += 1
        transactionLayer.rateLimit = Self.rateLimit(for: configuration, servers: located)
        replaceRegistrations(with: configuration.accounts)
    }
}
