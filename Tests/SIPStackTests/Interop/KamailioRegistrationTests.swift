import Foundation
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

// MARK: - Kamailio

/// A Kamailio started for one test by Tests/Interop/kamailio/start.sh in its own run directory,
/// on its own port; read through `kamcmd` on its ctl socket; stopped by stop.sh (by PID).
struct KamailioInterop: Sendable {
    /// Whether `SWIFTSIP_SKIP_INTEROP=1` is set.
    static var isSkipped: Bool { ProcessInfo.processInfo.environment["SWIFTSIP_SKIP_INTEROP"] == "1" }

    /// The repository root, four levels above this file (Tests/SIPStackTests/Interop/).
    static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// Tests/Interop/kamailio: kamailio.cfg, start.sh, stop.sh.
    static let scriptDirectory = repositoryRoot.appendingPathComponent("Tests/Interop/kamailio")

    /// The port Kamailio listens on (UDP and TCP, 127.0.0.1).
    let port: Int
    /// Its run directory: kamailio.pid, kamailio.log, kamailio_ctl.
    let runDirectory: URL
    /// The `kamcmd` binary.
    let kamcmd: String

    /// The address REGISTERs go to.
    var address: SocketAddress {
        get throws { try SocketAddress(ipAddress: "127.0.0.1", port: port) }
    }

    /// Finds an executable on PATH or in the sbin directories (where Debian puts kamailio).
    static func executable(named name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/usr/local/sbin", "/sbin"]
        for directory in directories where !directory.isEmpty {
            let candidate = directory + "/" + name
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Starts Kamailio, runs `body`, and stops Kamailio whether `body` returns or throws. When
    /// `body` throws, the end of Kamailio's log is recorded as an issue and the run directory
    /// is kept.
    static func withKamailio(secure: Bool = false, _ body: (KamailioInterop) async throws -> Void) async throws {
        let kamailio = try await start(secure: secure)
        do {
            try await body(kamailio)
        } catch {
            Issue.record("Kamailio run directory \(kamailio.runDirectory.path), log:\n\(kamailio.logTail())")
            await kamailio.stop(keepRunDirectory: true)
            throw error
        }
        await kamailio.stop(keepRunDirectory: false)
    }

    /// Starts a Kamailio on a random port below the ephemeral range (21000-29999), trying
    /// another port when start-up fails (the port may be taken), three times at most. A
    /// `secure` one also listens on TLS and WSS (port + 1) and WS (port + 2) with the test
    /// certificate of Fixtures/tls.
    static func start(secure: Bool = false) async throws -> KamailioInterop {
        guard let kamailio = executable(named: "kamailio"), let kamcmd = executable(named: "kamcmd") else {
            throw InteropFailure(
                "kamailio (and kamcmd) is not installed: run `make test`, which installs the Debian package "
                    + "`kamailio` (or `apt-get install kamailio`), or set SWIFTSIP_SKIP_INTEROP=1 to skip the interop tests")
        }
        var failures: [String] = []
        for _ in 0..<3 {
            let port = Int.random(in: 21_000...29_997)
            let runDirectory = FileManager.default.temporaryDirectory
                .appendingPathComponent("swiftsip-kamailio-\(UUID().uuidString.prefix(8))")
            var environment = ["KAMAILIO": kamailio, "KAMCMD": kamcmd]
            if secure {
                environment["TLS_PORT"] = String(port + 1)
                environment["WS_PORT"] = String(port + 2)
                environment["TLS_CERT_DIR"] = TLSFixtures.directory.path
            }
            let result = try await run(
                "/bin/bash", [scriptDirectory.appendingPathComponent("start.sh").path, runDirectory.path, String(port)],
                environment: environment)
            if result.status == 0 {
                return KamailioInterop(port: port, runDirectory: runDirectory, kamcmd: kamcmd)
            }
            failures.append("port \(port): start.sh exited \(result.status):\n\(result.output)")
            try? FileManager.default.removeItem(at: runDirectory)
        }
        throw InteropFailure("Kamailio did not start:\n" + failures.joined(separator: "\n"))
    }

    /// Stops Kamailio by its PID (stop.sh) and removes the run directory unless asked to keep it.
    func stop(keepRunDirectory: Bool) async {
        let script = Self.scriptDirectory.appendingPathComponent("stop.sh").path
        let result = try? await Self.run("/bin/bash", [script, runDirectory.path])
        if result?.status != 0 {
            Issue.record("stop.sh failed: \(result.map { "\($0.status): \($0.output)" } ?? "did not run")")
            return
        }
        if !keepRunDirectory { try? FileManager.default.removeItem(at: runDirectory) }
    }

    /// Runs `kamcmd -s unix:RUNDIR/kamailio_ctl ARGUMENTS` and returns its output.
    func kamcmd(_ arguments: String...) async throws -> String {
        let socket = "unix:" + runDirectory.appendingPathComponent("kamailio_ctl").path
        let result = try await Self.run(kamcmd, ["-s", socket] + arguments)
        guard result.status == 0 else {
            throw InteropFailure("kamcmd \(arguments.joined(separator: " ")) exited \(result.status): \(result.output)")
        }
        return result.output
    }

    /// `ul.dump`: the bindings Kamailio holds.
    func bindingsDump() async throws -> String {
        try await kamcmd("ul.dump")
    }

    /// The REGISTER requests Kamailio received (`core:rcv_requests_register`), retransmissions
    /// included.
    func registerCount() async throws -> Int {
        let output = try await kamcmd("stats.get_statistics", "rcv_requests_register")
        guard let value = output.split(separator: "=").last.flatMap({ Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
        else { throw InteropFailure("unexpected statistics output: \(output)") }
        return value
    }

    /// Reads `ul.dump` every 100 ms, `tries` times at most, until `condition` holds for it;
    /// returns whether it did. `condition` is given the contact URIs of the dump's `Address:`
    /// lines, so that a URI is matched whole.
    func pollBindings(tries: Int, until condition: @Sendable (Set<String>) -> Bool) async throws -> Bool {
        for attempt in 0..<tries {
            if attempt > 0 { try await Self.pause(.milliseconds(100)) }
            if condition(Self.contactAddresses(in: try await bindingsDump())) { return true }
        }
        return false
    }

    /// Reads the REGISTER count every 100 ms, `tries` times, and returns whether `condition`
    /// held for one reading.
    func pollRegisterCount(tries: Int, until condition: @Sendable (Int) -> Bool) async throws -> Bool {
        for attempt in 0..<tries {
            if attempt > 0 { try await Self.pause(.milliseconds(100)) }
            if condition(try await registerCount()) { return true }
        }
        return false
    }

    /// The contact URIs of the `Address: ...` lines of an `ul.dump` output.
    static func contactAddresses(in dump: String) -> Set<String> {
        var addresses: Set<String> = []
        for line in dump.split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("Address: ") { addresses.insert(String(trimmed.dropFirst("Address: ".count))) }
        }
        return addresses
    }

    /// The last 60 lines of Kamailio's log.
    func logTail() -> String {
        let log = runDirectory.appendingPathComponent("kamailio.log")
        guard let data = FileManager.default.contents(atPath: log.path) else { return "(no log at \(log.path))" }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").suffix(60).joined(separator: "\n")
    }

    /// Waits `delay` on an event loop's timer (the poll interval when asking kamcmd).
    static func pause(_ delay: TimeAmount) async throws {
        try await MultiThreadedEventLoopGroup.singleton.next().scheduleTask(in: delay) {}.futureResult.get()
    }

    /// Runs `executable` with `arguments` (stdin from /dev/null) and returns its exit status
    /// and its stdout and stderr together. The output goes through a temporary file, not a
    /// pipe, so that a process the child leaves running cannot hold the output open; the exit
    /// is awaited with a termination handler, off the Swift concurrency pool.
    static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:]
    ) async throws -> (status: Int32, output: String) {
        let outputPath = FileManager.default.temporaryDirectory
            .appendingPathComponent("swiftsip-interop-\(UUID().uuidString).out").path
        guard FileManager.default.createFile(atPath: outputPath, contents: nil),
              let output = FileHandle(forWritingAtPath: outputPath)
        else { throw InteropFailure("cannot create \(outputPath)") }
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
            process.standardOutput = output
            process.standardError = output
            process.standardInput = FileHandle.nullDevice
            process.terminationHandler = { finished in continuation.resume(returning: finished.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: InteropFailure("cannot run \(executable): \(error)"))
            }
        }
        try? output.close()
        let data = FileManager.default.contents(atPath: outputPath) ?? Data()
        return (status, String(decoding: data, as: UTF8.self))
    }
}

/// An interop test could not set up or talk to its peer.
struct InteropFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
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
