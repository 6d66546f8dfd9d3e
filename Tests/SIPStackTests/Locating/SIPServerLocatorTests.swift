import InteropSupport
import NIOCore
import SIPStack
import Testing

/// RFC 3263 server location against a real DNS server: a dnsmasq started on 127.0.0.1 with the
/// test's records (Tests/Interop/dnsmasq), asked through libresolv like any name server.
@Suite(
    "SIPServerLocator: SRV, then A/AAAA, against dnsmasq on loopback",
    .serialized,
    .enabled(if: !KamailioInterop.isSkipped, "SWIFTSIP_SKIP_INTEROP=1 skips the interop tests"),
    .timeLimit(.minutes(1))
)
struct SIPServerLocatorTests {
    static let records = [
        // Two servers for UDP at priority 10 (weights 3:1), a backup at 20.
        "srv-host=_sip._udp.pbx.test,a.pbx.test,5080,10,30",
        "srv-host=_sip._udp.pbx.test,b.pbx.test,5082,10,10",
        "srv-host=_sip._udp.pbx.test,backup.pbx.test,5090,20,0",
        "host-record=a.pbx.test,127.0.0.1",
        "host-record=b.pbx.test,127.0.0.2,::1",
        "host-record=backup.pbx.test,127.0.0.3",
        // TLS has its own service name and server.
        "srv-host=_sips._tcp.pbx.test,tls.pbx.test,5071,0,0",
        "host-record=tls.pbx.test,127.0.0.4",
        // A domain with no SRV records at all, only an address.
        "host-record=plain.test,127.0.0.5",
        // A domain that says it offers no SIP over UDP (target \".\").
        "srv-host=_sip._udp.none.test,.,0,0,0",
    ]

    static func locate(_ uri: String, _ transport: SIPTransportKind = .udp, server: String) throws -> [String] {
        let resolver = try DNSResolver(server: server)
        var generator = SystemRandomNumberGenerator()
        return try SIPServerLocator.destinations(for: uri, defaultTransport: transport, resolver: resolver, using: &generator)
            .map { "\($0.transport) \($0.address.ipAddress ?? "?"):\($0.address.port ?? 0)" }
    }

    @Test("a domain without a port: its SRV targets by priority, each on its record's port")
    func serviceRecords() async throws {
        try await DnsmasqInterop.withDnsmasq(records: Self.records) { dns in
            let found = try Self.locate("sip:pbx.test", server: dns.server)
            // a and b (and b's IPv6 address) in either order, then the backup.
            #expect(Set(found.prefix(3)) == ["UDP 127.0.0.1:5080", "UDP 127.0.0.2:5082", "UDP ::1:5082"], "\(found)")
            #expect(found.last == "UDP 127.0.0.3:5090")
            #expect(found.count == 4)
            let found1 = try Self.locate("sip:pbx.test;transport=tls", server: dns.server)
            #expect(found1 == ["TLS 127.0.0.4:5071"], "\(found1)")

            let found2 = try Self.locate("sips:door@pbx.test", .tcp, server: dns.server)
            #expect(found2 == ["TLS 127.0.0.4:5071"], "\(found2)")
        }
    }

    @Test("no SRV records: the host's addresses on the default port; an explicit port skips SRV")
    func addressRecords() async throws {
        try await DnsmasqInterop.withDnsmasq(records: Self.records) { dns in
            let found3 = try Self.locate("sip:plain.test", server: dns.server)
            #expect(found3 == ["UDP 127.0.0.5:5060"], "\(found3)")

            let found4 = try Self.locate("sip:plain.test", .tls, server: dns.server)
            #expect(found4 == ["TLS 127.0.0.5:5061"], "\(found4)")

            let found5 = try Self.locate("sip:a.pbx.test:5999", server: dns.server)
            #expect(found5 == ["UDP 127.0.0.1:5999"], "\(found5)")

            let found6 = try Self.locate("sip:127.0.0.9:5070;transport=tcp", server: dns.server)
            #expect(found6 == ["TCP 127.0.0.9:5070"], "\(found6)")
        }
    }

    @Test("the location lasts as long as the shortest TTL of the records it came from; a literal for ever")
    func timeToLive() async throws {
        // Configured records get dnsmasq's local-ttl; a host-record may give its own.
        let records = [
            "local-ttl=600",
            "srv-host=_sip._udp.pbx.test,a.pbx.test,5080,10,0",
            "srv-host=_sip._udp.pbx.test,b.pbx.test,5082,20,0",
            "host-record=a.pbx.test,127.0.0.1",
            "host-record=b.pbx.test,127.0.0.2,45",
            "host-record=plain.test,127.0.0.5,120",
        ]
        try await DnsmasqInterop.withDnsmasq(records: records) { dns in
            func located(_ uri: String) throws -> SIPServerLocation {
                let resolver = try DNSResolver(server: dns.server)
                var generator = SystemRandomNumberGenerator()
                return try SIPServerLocator.locate(uri, defaultTransport: .udp, resolver: resolver, using: &generator)
            }
            // The SRV records (600 s) and a's address (600 s), but b's address lasts 45 s.
            let service = try located("sip:pbx.test")
            #expect(service.destinations.count == 2)
            #expect(service.timeToLive == 45)
            #expect(try located("sip:plain.test").timeToLive == 120)
            #expect(try located("sip:a.pbx.test:5080").timeToLive == 600)
            #expect(try located("sip:127.0.0.1:5060").timeToLive == nil)
        }
    }

    @Test("a name that does not exist and a domain without the service fail, naming why")
    func failures() async throws {
        try await DnsmasqInterop.withDnsmasq(records: Self.records) { dns in
            let missing = #expect(throws: SIPUserAgentError.self) { try Self.locate("sip:nowhere.test", server: dns.server) }
            #expect(missing?.code == .unresolvableHost)
            #expect(missing?.detail.contains("nowhere.test") == true, "\(String(describing: missing))")
            let refused = #expect(throws: SIPUserAgentError.self) { try Self.locate("sip:none.test", server: dns.server) }
            #expect(refused?.detail.contains("no such service") == true, "\(String(describing: refused))")
        }
    }

    @Test("a server setting that is not IPv4:port is refused")
    func badServer() {
        for server in ["localhost:53", "127.0.0.1:0", "127.0.0.1:99999", "[::1]:53", ""] {
            #expect(throws: DNSError.self, "\(server)") { _ = try DNSResolver(server: server) }
        }
    }
}
