import Foundation
import InteropSupport
import NIOCore
import NIOPosix
import SIPMessage
import SIPStack
import Testing

/// Interop with a real Kamailio (issue 3): ``RegistrationClient`` registers with digest
/// authentication over UDP, TCP, TLS, WS and WSS on 127.0.0.1, Kamailio holds the binding, and
/// ``RegistrationClient/stop()`` removes it; with a wrong password the client gives up after one
/// answered challenge instead of looping.
///
/// Every test starts its own Kamailio (Tests/Interop/kamailio/start.sh, config kamailio.cfg) on
/// its own port and run directory, and stops it by PID (stop.sh) whatever happens. The suite is
/// serialised so that at most one Kamailio of this suite runs at a time. `make test` installs
/// the `kamailio` package; without it the tests fail, unless `SWIFTSIP_SKIP_INTEROP=1` skips
/// them.
@Suite(
    "Kamailio interop: RegistrationClient registers with digest auth and unregisters",
    .serialized,
    .enabled(if: !KamailioInterop.isSkipped, "SWIFTSIP_SKIP_INTEROP=1 skips the interop tests"),
    .timeLimit(.minutes(1))
)
struct KamailioRegistrationTests {
    /// The test user of kamailio.cfg and its password.
    static let user = "door"
    static let password = "door-secret"

    @Test("register with digest auth, Kamailio holds the contact, unregister removes it", arguments: SIPTransportKind.allCases)
    func registerAndUnregister(transport kind: SIPTransportKind) async throws {
        // One Kamailio with every listener: UDP and TCP on its port, TLS (and WSS) and WS beside.
        try await KamailioInterop.withSecureKamailio { secure in
            let kamailio = secure.kamailio
            let stack =
                if kind == .udp || kind == .tcp {
                    try await InteropStack.start(kind: kind, kamailio: kamailio, password: Self.password)
                } else {
                    try await InteropStack.startSecure(kind: kind, kamailio: secure, tls: TLSFixtures.client())
                }
            try await stack.whileRunning {
                var states = stack.client.states.makeAsyncIterator()
                try await stack.run { $0.client.start() }

                let registered = try await stack.next(of: &states, within: .seconds(10)) { state in
                    switch state {
                    case .registering: false
                    default: true
                    }
                }
                guard case .registered(let expires, let contacts) = registered else {
                    Issue.record("expected registered, got \(registered); Kamailio log:\n\(kamailio.logTail())")
                    return
                }
                #expect(expires > 0 && expires <= 60)
                #expect(contacts.contains { $0.lowercased() == stack.contactURI.lowercased() }, "contacts: \(contacts)")

                let bound = try await kamailio.pollBindings(tries: 50) { $0.contains(stack.contactURI) }
                #expect(bound, "ul.dump never listed \(stack.contactURI)")
                if kind != .udp {
                    // The binding was made over the listener of that transport (Kamailio names a
                    // WebSocket listener by its TCP or TLS socket), over one connection.
                    let dump = try await kamailio.bindingsDump()
                    let socket = "\(kind.isSecure ? "tls" : "tcp"):127.0.0.1:\(secure.port(for: kind))"
                    #expect(dump.contains("Socket: \(socket)"), "ul.dump:\n\(dump)")
                    #expect(try await stack.run { $0.transport.connectionCount } == 1, "one \(kind) connection to Kamailio")
                }

                try await stack.run { $0.client.stop() }
                let unregistered = try await stack.next(of: &states, within: .seconds(10)) { state in
                    switch state {
                    case .unregistering: false
                    default: true
                    }
                }
                #expect(unregistered == .unregistered)
                let gone = try await kamailio.pollBindings(tries: 50) { !$0.contains(stack.contactURI) }
                #expect(gone, "ul.dump still lists \(stack.contactURI)")
                // REGISTER, its answer to the 401, and the unregistration (answering a new challenge
                // or not); over UDP retransmissions may add to them.
                let count = try await kamailio.registerCount()
                let allowed = kind == .udp ? 3...8 : 3...4
                #expect(allowed.contains(count), "REGISTERs seen by Kamailio: \(count)")
            }
        }
    }

    @Test("a wrong password ends in retrying after one answered challenge, without a loop", arguments: [SIPTransportKind.udp, .tcp])
    func wrongPassword(transport kind: SIPTransportKind) async throws {
        try await KamailioInterop.withKamailio { kamailio in
            let stack = try await InteropStack.start(kind: kind, kamailio: kamailio, password: "not-" + Self.password)
            try await stack.whileRunning {
                var states = stack.client.states.makeAsyncIterator()
                try await stack.run { $0.client.start() }

                let outcome = try await stack.next(of: &states, within: .seconds(10)) { state in
                    switch state {
                    case .registering: false
                    default: true
                    }
                }
                switch outcome {
                case .retrying(_, 1, let reason):
                    #expect(reason.code == .credentialsRejected)
                    #expect(reason.status == 401)
                case .failed(let reason):
                    #expect(reason.status == 401)
                default:
                    Issue.record("expected retrying or failed, got \(outcome); Kamailio log:\n\(kamailio.logTail())")
                }
                let cseq = try await stack.run { $0.client.stateMachine.cseq }
                #expect(cseq == 2, "the client sent REGISTER, answered the challenge once, and stopped")

                // Kamailio saw those two REGISTERs (over UDP, a retransmission may add to them),
                // and no more arrive: the next retry is 60 s away.
                let seen = try await kamailio.registerCount()
                let allowed = kind == .udp ? 2...4 : 2...2
                #expect(allowed.contains(seen), "REGISTERs seen by Kamailio: \(seen)")
                let grew = try await kamailio.pollRegisterCount(tries: 10) { $0 != seen }
                #expect(!grew, "Kamailio kept receiving REGISTERs")
                let bindings = try await kamailio.bindingsDump()
                #expect(!bindings.contains(stack.contactURI), "a binding was saved with a wrong password")

                try await stack.run { $0.client.stop() }
                let stopped = try await stack.next(of: &states, within: .seconds(10)) { state in
                    switch state {
                    case .unregistering: false
                    default: true
                    }
                }
                #expect(stopped == .unregistered)
            }
        }
    }
}

// MARK: - Our side

/// A ``SIPTransportLayer`` on 127.0.0.1 (ephemeral ports), its ``TransactionLayer`` and a
/// ``RegistrationClient`` for the test user, registering to a ``KamailioInterop`` over one
/// transport.
struct InteropStack: Sendable {
    let eventLoop: any EventLoop
    let transport: SIPTransportLayer
    let transactions: TransactionLayer
    let client: RegistrationClient
    /// The contact URI the client binds: `sip:door@127.0.0.1:PORT`, with `;transport=tcp` for TCP.
    let contactURI: String

    /// Binds the transport and builds the client for `kind`, with expires 60 and a first retry
    /// 60 s away (so that a test sees one attempt only).
    static func start(kind: SIPTransportKind, kamailio: KamailioInterop, password: String) async throws -> InteropStack {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let transport = try await SIPTransportLayer.start(
            configuration: .init(host: "127.0.0.1", udpPort: 0, tcpPort: 0), on: loop)
        let registrar = try kamailio.address
        do {
            return try await loop.submit { () throws -> InteropStack in
                let transactions = TransactionLayer(eventLoop: loop, transport: transport)
                transport.transactionLayer = transactions
                guard let sentBy = transport.sentBy(for: kind), let port = transport.localAddress(for: kind)?.port else {
                    throw InteropFailure("the transport layer is not bound for \(kind)")
                }
                let parameter = kind == .tcp ? ";transport=tcp" : ""
                let contactURI = "sip:\(KamailioRegistrationTests.user)@127.0.0.1:\(port)\(parameter)"
                let configuration = RegistrationConfiguration(
                    registrarURI: "sip:127.0.0.1:\(kamailio.port)\(parameter)",
                    addressOfRecord: "sip:\(KamailioRegistrationTests.user)@127.0.0.1",
                    contactURI: contactURI, expires: 60,
                    credentials: DigestCredentials(username: KamailioRegistrationTests.user, password: password),
                    userAgent: "SwiftSIP-interop", viaTransport: kind.viaToken, viaSentBy: sentBy,
                    retryInitial: .seconds(60), retryMaximum: .seconds(60))
                let destination: TransactionDestination = kind.isReliable ? .reliable(registrar) : .udp(registrar)
                let client = RegistrationClient(configuration: configuration, layer: transactions, destination: destination)
                transactions.user = client
                return InteropStack(
                    eventLoop: loop, transport: transport, transactions: transactions, client: client, contactURI: contactURI)
            }.get()
        } catch {
            await transport.close()
            throw error
        }
    }

    /// Runs `body` on the event loop.
    @discardableResult
    func run<T: Sendable>(_ body: @escaping @Sendable (InteropStack) throws -> T) async throws -> T {
        try await eventLoop.submit { try body(self) }.get()
    }

    /// Runs `body`, then shuts the client, the transaction layer and the transport down, also
    /// when `body` throws.
    func whileRunning(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch {
            await shutdown()
            throw error
        }
        await shutdown()
    }

    /// Cancels the client's timers, the transactions and closes the sockets (sends nothing).
    func shutdown() async {
        try? await run {
            $0.client.shutdown()
            $0.transactions.shutdown()
        }
        await transport.close()
    }

    /// Reads `states` until a state for which `predicate` holds and returns it. The wait is
    /// bounded: a task scheduled on the event loop shuts the client down after `within`, which
    /// finishes the stream, and the wait then throws with the states seen.
    func next(
        of states: inout AsyncStream<RegistrationState>.Iterator, within: TimeAmount,
        where predicate: (RegistrationState) -> Bool
    ) async throws -> RegistrationState {
        let deadline = try await run { stack in
            stack.eventLoop.scheduleTask(in: within) { stack.client.shutdown() }
        }
        defer { deadline.cancel() }
        var seen: [RegistrationState] = []
        while let state = await states.next() {
            seen.append(state)
            if predicate(state) { return state }
        }
        throw InteropFailure("no awaited state within \(within); states seen: \(seen)")
    }
}
