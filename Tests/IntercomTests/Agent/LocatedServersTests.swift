import NIOCore
import SIPStack
import Testing

@testable import Intercom

/// The servers of a configuration's accounts, located once when it is applied.
@Suite("LocatedServers: each account's registrar and proxy, located once")
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
    }
}
