import Foundation
import Hummingbird
import HummingbirdTesting
import Intercom
import NIOCore
import Prometheus
import ServiceLifecycle
import Testing

@Suite("control interface routes")
struct ControlServerTests {
    let agent = FakeIntercom()

    func server(metrics: IntercomMetrics? = nil, metricsEnabled: Bool = true) throws -> ControlServer {
        try ControlServer(
            configuration: ControlTestSupport.configuration(metrics: metricsEnabled),
            agent: agent, metrics: metrics, logger: ControlTestSupport.quietLogger)
    }

    @Test("GET /health is 200 ok")
    func health() async throws {
        try await server().application.test(.router) { client in
            let response = try await client.execute(uri: "/health", method: .get)
            #expect(response.status == .ok)
            #expect(String(buffer: response.body) == "ok")
        }
    }

    @Test("GET /status is the agent's status as JSON")
    func status() async throws {
        try await server().application.test(.router) { client in
            let response = try await client.execute(uri: "/status", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json; charset=utf-8")
            let decoded = try JSONDecoder().decode(IntercomStatus.self, from: Data(response.body.readableBytesView))
            #expect(decoded == FakeIntercom.sampleStatus)
            let text = String(buffer: response.body)
            #expect(text.contains(#""time":"2023-11-14T22:13:20.250Z""#))
            #expect(text.contains(#""lastOpened":"2023-11-14T22:15:00.000Z""#))
        }
    }

    @Test("POST /calls dials the target and answers 201 with the call's id")
    func dial() async throws {
        try await server().application.test(.router) { client in
            let response = try await client.execute(
                uri: "/calls", method: .post, body: ByteBuffer(string: #"{"target":"sip:flat3@192.0.2.1"}"#))
            #expect(response.status == .created)
            #expect(try JSONDecoder().decode([String: String].self, from: Data(response.body.readableBytesView)) == ["id": "c2"])
        }
        #expect(agent.requests == [.dial("sip:flat3@192.0.2.1", account: nil)])
    }

    @Test("POST /calls with an account dials from that account")
    func dialFromAccount() async throws {
        try await server().application.test(.router) { client in
            let response = try await client.execute(
                uri: "/calls", method: .post, body: ByteBuffer(string: #"{"target":"sip:flat3@192.0.2.1","account":"office"}"#))
            #expect(response.status == .created)
        }
        #expect(agent.requests == [.dial("sip:flat3@192.0.2.1", account: "office")])
    }

    @Test(
        "POST /calls with a malformed body is 400 naming what is wrong",
        arguments: [
            ("", "empty body"),
            ("{", "not valid JSON"),
            ("[1]", "must be a JSON object"),
            (#"{"to":"sip:a@b"}"#, #"missing "target""#),
            (#"{"target":5}"#, #""target" must be a string"#),
            (#"{"target":null}"#, #""target" must not be null"#),
            (#"{"target":"tel:+4930123"}"#, "sip: or sips: URI"),
            (#"{"target":"sip:a@b","account":""}"#, #""account" must not be empty"#),
            (#"{"target":"sip:a@b","account":7}"#, #""account" must be a string"#),
        ])
    func dialMalformed(body: String, expected: String) async throws {
        try await server().application.test(.router) { client in
            let response = try await client.execute(uri: "/calls", method: .post, body: ByteBuffer(string: body))
            #expect(response.status == .badRequest)
            let reason = ControlTestSupport.errorReason(response.body)
            #expect(reason?.contains(expected) == true, "\(reason ?? "no error")")
        }
        #expect(agent.requests.isEmpty)
    }

    @Test("a body over the limit is 413")
    func bodyTooLarge() async throws {
        let padding = String(repeating: "a", count: ControlServer.maximumBodySize)
        try await server().application.test(.router) { client in
            let response = try await client.execute(
                uri: "/calls", method: .post, body: ByteBuffer(string: #"{"target":"sip:\#(padding)@b"}"#))
            #expect(response.status == .contentTooLarge)
            #expect(ControlTestSupport.errorReason(response.body)?.contains("4096 bytes") == true)
        }
        #expect(agent.requests.isEmpty)
    }

    @Test("DELETE /calls/{id} hangs up that call: 204, or the agent's 404")
    func hangUpOne() async throws {
        try await server().application.test(.router) { client in
            let known = try await client.execute(uri: "/calls/c1", method: .delete)
            #expect(known.status == .noContent)
            let unknown = try await client.execute(uri: "/calls/c9", method: .delete)
            #expect(unknown.status == .notFound)
            #expect(ControlTestSupport.errorReason(unknown.body) == "no call c9")
        }
        #expect(agent.requests == [.hangUp("c1"), .hangUp("c9")])
    }

    @Test("DELETE /calls hangs up every call")
    func hangUpAll() async throws {
        try await server().application.test(.router) { client in
            let response = try await client.execute(uri: "/calls", method: .delete)
            #expect(response.status == .noContent)
        }
        #expect(agent.requests == [.hangUp(nil)])
    }

    @Test("POST /buttons/{name}/press presses it (percent-decoded): 202, or 404")
    func press() async throws {
        try await server().application.test(.router) { client in
            let known = try await client.execute(uri: "/buttons/flat%203/press", method: .post)
            #expect(known.status == .accepted)
            let unknown = try await client.execute(uri: "/buttons/lobby/press", method: .post)
            #expect(unknown.status == .notFound)
            #expect(ControlTestSupport.errorReason(unknown.body) == "no button lobby")
        }
        #expect(agent.requests == [.press("flat 3"), .press("lobby")])
    }

    @Test("POST /doors/{name}/open fires it: 202, or the agent's 404 and 409")
    func openDoor() async throws {
        try await server().application.test(.router) { client in
            let status = try await client.execute(uri: "/doors/front/open", method: .post).status
            #expect(status == .accepted)
            let unknown = try await client.execute(uri: "/doors/back/open", method: .post)
            #expect(unknown.status == .notFound)
            let busy = try await client.execute(uri: "/doors/jammed/open", method: .post)
            #expect(busy.status == .conflict)
            #expect(ControlTestSupport.errorReason(busy.body) == "door jammed is already opening")
        }
        #expect(agent.requests == [.openDoor("front"), .openDoor("back"), .openDoor("jammed")])
    }

    @Test("an unknown route or method is a JSON 404")
    func unknownRoute() async throws {
        try await server().application.test(.router) { client in
            let response = try await client.execute(uri: "/nothing", method: .get)
            #expect(response.status == .notFound)
            #expect(ControlTestSupport.errorReason(response.body) == "no route GET /nothing")
            let status = try await client.execute(uri: "/calls", method: .get).status
            #expect(status == .notFound)
        }
    }

    @Test("GET /metrics renders the registry; 404 when metrics are off or absent")
    func metrics() async throws {
        let metrics = IntercomMetrics(registry: PrometheusCollectorRegistry())
        metrics.wrongCode()
        try await server(metrics: metrics).application.test(.router) { client in
            let response = try await client.execute(uri: "/metrics", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
            #expect(ControlTestSupport.series(String(buffer: response.body))["intercom_door_wrong_codes_total"] == 1)
        }
        try await server(metrics: metrics, metricsEnabled: false).application.test(.router) { client in
            let status = try await client.execute(uri: "/metrics", method: .get).status
            #expect(status == .notFound)
        }
        try await server(metrics: nil).application.test(.router) { client in
            let status = try await client.execute(uri: "/metrics", method: .get).status
            #expect(status == .notFound)
        }
    }

    @Test("run() serves on an ephemeral loopback port and reports it", .timeLimit(.minutes(1)))
    func standalone() async throws {
        let server = try server()
        let port = try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            let port = try #require(await server.listeningPort())
            let response = try await TestClient.withClient(host: "127.0.0.1", port: port) { client in
                try await client.get("/health")
            }
            #expect(response.status == .ok)
            group.cancelAll()
            return port
        }
        #expect(port > 0)
        // Stopped: the port it had stays reported.
        #expect(await server.listeningPort() == port)
    }

    @Test("in a ServiceGroup it serves until graceful shutdown", .timeLimit(.minutes(1)))
    func inServiceGroup() async throws {
        let server = try server()
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(services: [server], logger: ControlTestSupport.quietLogger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let port = try #require(await server.listeningPort())
            let response = try await TestClient.withClient(host: "127.0.0.1", port: port) { client in
                try await client.get("/status")
            }
            #expect(response.status == .ok)
            await group.triggerGracefulShutdown()
            // The group, and with it the server, returns by itself.
            try await tasks.next()
        }
    }

    @Test("a port already taken: run() throws and listeningPort() is nil", .timeLimit(.minutes(1)))
    func portTaken() async throws {
        let first = try server()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await first.run() }
            let port = try #require(await first.listeningPort())
            var configuration = ControlTestSupport.configuration()
            configuration.port = port
            let second = try ControlServer(
                configuration: configuration, agent: agent, logger: ControlTestSupport.quietLogger)
            await #expect(throws: (any Error).self) { try await second.run() }
            #expect(await second.listeningPort() == nil)
            group.cancelAll()
        }
    }
}
