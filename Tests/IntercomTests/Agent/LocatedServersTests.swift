import InteropSupport
import NIOCore
import SIPStack
import Testing

@testable import Intercom

/// The servers of a configuration's accounts, located when it is applied and again when the
/// answers expire.
@Suite("LocatedServers: each account's registrar and proxy, located once per answer's life")
struct LocatedServersTests {
    @Test("IP literals locate without DNS; every address is exempt; an unknown URI is refused")
    func literals() throws {
        var configuration = IntercomConfiguration()
        var pbx = AccountConfiguration(name: "pbx", registrar: "sip:192.0.2.10:5070", user: "door")
        pbx.outboundProxy = "sip:192.0.2.20;transport=tcp"
        pbx.transport = .tcp
        configuration.accounts = [pbx, AccountConfiguration(name: "second", registrar: "sip:192.0.2.10:5070", user: "gate")]
        let servers = LocatedServers(locating: configuration)
        let registrar = try servers.destinations(of: "sip:192.0.2.10:5070", transport: .tcp)
        #expect(registrar.map { "\($0.transport) \($0.address.ipAddress ?? "?"):\($0.address.port ?? 0)" } == ["TCP 192.0.2.10:5070"])
        #expect(try servers.destinations(of: "sip:192.0.2.20;transport=tcp", transport: .tcp).first?.address.port == 5060)
        #expect(servers.addresses.count == 2)
        let error = #expect(throws: AgentError.self) { try servers.destinations(of: "sip:192.0.2.99", transport: .udp) }
        #expect(error?.description.contains("not located") == true)
        // Nothing came from DNS: nothing to look up again.
        #expect(servers.refreshDelay(minimumSeconds: 60) == nil)
        #expect(servers.sameServers(as: LocatedServers(locating: configuration)))
        #expect(!servers.sameServers(as: LocatedServers()))
    }

    @Test("a name the DNS server cannot answer for is a problem naming the URI, not a crash")
    func unanswered() throws {
        var configuration = IntercomConfiguration()
        // Port 1 of 127.0.0.1: no name server there (the query is refused or times out).
        configuration.sip.dnsServer = "127.0.0.1:1"
        configuration.accounts = [AccountConfiguration(name: "pbx", registrar: "sip:pbx.invalid", user: "door")]
        let servers = LocatedServers(locating: configuration)
        #expect(servers.addresses.isEmpty)
        // The error names the URI and the lookup's own reason (not "not located").
        let error = #expect(throws: AgentError.self) { try servers.destinations(of: "sip:pbx.invalid", transport: .udp) }
        let text = error.map { "\($0)" } ?? ""
        #expect(text.hasPrefix("sip:pbx.invalid: ") && !text.contains("not located"), "\(text)")
        // Its account waits for it: asked again at the shortest interval.
        #expect(servers.refreshDelay(minimumSeconds: 30) == .seconds(30))
    }

    @Test(
        "names from DNS are looked up again at their shortest TTL, within the minimum and a day; the same servers in another order are the same",
        .enabled(if: !KamailioInterop.isSkipped, "SWIFTSIP_SKIP_INTEROP=1 skips the interop tests"))
    func timeToLive() async throws {
        let records = [
            "local-ttl=600",
            // Equal priority and weight: each lookup may order them differently.
            "srv-host=_sip._udp.pbx.test,a.pbx.test,5080,10,10",
            "srv-host=_sip._udp.pbx.test,b.pbx.test,5082,10,10",
            "host-record=a.pbx.test,127.0.0.1",
            "host-record=b.pbx.test,127.0.0.2,45",
            "host-record=proxy.test,127.0.0.3,200000",
        ]
        try await DnsmasqInterop.withDnsmasq(records: records) { dns in
            var configuration = IntercomConfiguration()
            configuration.sip.dnsServer = dns.server
            configuration.accounts = [AccountConfiguration(name: "pbx", registrar: "sip:pbx.test", user: "door")]
            let servers = LocatedServers(locating: configuration)
            let found = try servers.destinations(of: "sip:pbx.test", transport: .udp)
            #expect(found.count == 2)
            #expect(servers.refreshDelay(minimumSeconds: 10) == .seconds(45))
            #expect(servers.refreshDelay(minimumSeconds: 60) == .seconds(60))
            for _ in 0..<8 { #expect(servers.sameServers(as: LocatedServers(locating: configuration))) }

            var proxied = configuration
            proxied.accounts[0].registrar = "sip:proxy.test"
            let far = LocatedServers(locating: proxied)
            #expect(far.refreshDelay(minimumSeconds: 60) == .seconds(86_400))
            #expect(!far.sameServers(as: servers))

            // The name server out of reach: the servers found before are kept, and asked for
            // again at the shortest interval.
            var unreachable = configuration
            unreachable.sip.dnsServer = "127.0.0.1:1"
            let failed = LocatedServers(locating: unreachable)
            #expect(!failed.sameServers(as: servers))
            let kept = failed.keepingAnswers(of: servers)
            #expect(kept.sameServers(as: servers))
            #expect(kept.keptFromBefore == ["sip:pbx.test"])
            #expect(try kept.destinations(of: "sip:pbx.test", transport: .udp) == found)
            #expect(kept.refreshDelay(minimumSeconds: 60) == .seconds(60))
            // Nothing to keep from answers that never had the name.
            #expect(failed.keepingAnswers(of: LocatedServers()).keptFromBefore.isEmpty)
        }
    }
}
