import Hummingbird
import HummingbirdTesting
import Intercom
import NIOCore
import Testing

@Suite("control interface authentication")
struct ControlAuthTests {
    let agent = FakeIntercom()

    func server(token: String?, address: String = "127.0.0.1") throws(ControlServerError) -> ControlServer {
        try ControlServer(
            configuration: ControlTestSupport.configuration(token: token, address: address),
            agent: agent, logger: ControlTestSupport.quietLogger)
    }

    @Test("with a token, a request without one is 401 with WWW-Authenticate: Bearer")
    func missingToken() async throws {
        try await server(token: "s3cret").application.test(.router) { client in
            let response = try await client.execute(uri: "/status", method: .get)
            #expect(response.status == .unauthorized)
            #expect(response.headers[.wwwAuthenticate] == "Bearer")
            #expect(ControlTestSupport.errorReason(response.body) == "missing or wrong bearer token")
            let door = try await client.execute(uri: "/doors/front/open", method: .post)
            #expect(door.status == .unauthorized)
        }
        #expect(agent.requests.isEmpty)
    }

    @Test(
        "a wrong token or scheme is 401",
        arguments: ["Bearer s3cre", "Bearer s3cret2", "Bearer S3CRET", "Basic s3cret", "Bearer", "Bearer ", "s3cret", "Bearers3cret"])
    func wrongToken(header: String) async throws {
        try await server(token: "s3cret").application.test(.router) { client in
            let response = try await client.execute(
                uri: "/doors/front/open", method: .post, headers: [.authorization: header])
            #expect(response.status == .unauthorized)
        }
        #expect(agent.requests.isEmpty)
    }

    @Test("the right token is accepted, the scheme in any case", arguments: ["Bearer s3cret", "bearer s3cret", "BEARER  s3cret"])
    func rightToken(header: String) async throws {
        try await server(token: "s3cret").application.test(.router) { client in
            let response = try await client.execute(
                uri: "/doors/front/open", method: .post, headers: [.authorization: header])
            #expect(response.status == .accepted)
        }
        #expect(agent.requests == [.openDoor("front")])
    }

    @Test("/health needs no token")
    func healthOpen() async throws {
        try await server(token: "s3cret").application.test(.router) { client in
            let status = try await client.execute(uri: "/health", method: .get).status
            #expect(status == .ok)
        }
    }

    @Test("without a token, loopback needs none", arguments: ["127.0.0.1", "127.1.2.3", "::1", "localhost"])
    func loopbackWithoutToken(address: String) async throws {
        try await server(token: nil, address: address).application.test(.router) { client in
            let status = try await client.execute(uri: "/status", method: .get).status
            #expect(status == .ok)
        }
    }

    @Test(
        "a non-loopback address without a token is refused, naming control.token",
        arguments: ["0.0.0.0", "::", "192.0.2.10", "intercom.example.com", "::ffff:192.0.2.1"])
    func nonLoopbackRefused(address: String) {
        let error = #expect(throws: ControlServerError.self) {
            try server(token: nil, address: address)
        }
        #expect(error?.code == .tokenRequired)
        #expect(error?.message.contains("control.token") == true)
    }

    @Test("a non-loopback address with a token starts")
    func nonLoopbackWithToken() throws {
        _ = try server(token: "s3cret", address: "0.0.0.0")
    }

    @Test("an empty token, an empty address or a bad port is refused, naming the key")
    func badConfiguration() {
        #expect(throws: ControlServerError.self) { try server(token: " ") }
        do {
            _ = try server(token: "")
            Issue.record("an empty token was accepted")
        } catch {
            #expect(error.code == .emptyToken)
            #expect(error.message.contains("control.token"))
        }
        var configuration = ControlTestSupport.configuration()
        configuration.port = 65536
        let portError = #expect(throws: ControlServerError.self) {
            try ControlServer(configuration: configuration, agent: agent, logger: ControlTestSupport.quietLogger)
        }
        #expect(portError?.code == .invalidPort)
        #expect(portError?.message.contains("control.port") == true)
        configuration = ControlTestSupport.configuration(address: "")
        let addressError = #expect(throws: ControlServerError.self) {
            try ControlServer(configuration: configuration, agent: agent, logger: ControlTestSupport.quietLogger)
        }
        #expect(addressError?.code == .invalidAddress)
    }

    @Test("isLoopback", arguments: [
        ("127.0.0.1", true), ("127.255.0.9", true), ("::1", true), ("::ffff:127.0.0.1", true), ("LOCALHOST", true),
        ("0.0.0.0", false), ("::", false), ("10.0.0.1", false), ("128.0.0.1", false), ("localhost.example", false), ("", false),
    ])
    func loopback(address: String, expected: Bool) {
        #expect(ControlServer.isLoopback(address) == expected)
    }
}
