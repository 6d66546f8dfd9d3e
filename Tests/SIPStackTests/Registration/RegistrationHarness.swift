import NIOCore
import NIOEmbedded
import SIPMessage
import SIPStack

/// A ``RegistrationClient`` on an `EmbeddedEventLoop` (virtual time from 0) with a real
/// ``TransactionLayer`` whose transport is a ``RegistrarTransport``. Use it from the test's
/// own thread only, and call ``finish()``.
final class RegistrationHarness {
    let loop = EmbeddedEventLoop()
    let transport = RegistrarTransport()
    let layer: TransactionLayer
    let client: RegistrationClient
    let registrar: TransactionDestination
    /// Every state the client reported through `onStateChange`.
    private(set) var states: [RegistrationState] = []

    init(
        configuration: RegistrationConfiguration, reliable: Bool = true, seed: UInt64 = 42,
        alternatives: [TransactionDestination] = []
    ) throws {
        let address = try SocketAddress(ipAddress: "192.0.2.10", port: 5060)
        registrar = reliable ? .reliable(address) : .udp(address)
        layer = TransactionLayer(eventLoop: loop, transport: transport)
        client = RegistrationClient(
            machine: RegistrationFixtures.machine(configuration, seed: seed), layer: layer, destination: registrar,
            alternatives: alternatives)
        layer.user = client
        client.onStateChange = { [weak self] state in self?.states.append(state) }
    }

    /// The last REGISTER sent.
    var lastRequest: SIPMessage? { transport.sent.last }

    /// Answers the last REGISTER through the layer, as the server it went to would.
    func answer(status: Int, reason: String = "Reason", headers: [(SIPHeaderName, String)] = []) throws {
        guard let request = lastRequest else { throw HarnessError.nothingSent }
        layer.receive(
            try RegistrationFixtures.response(to: request, status: status, reason: reason, headers: headers),
            from: transport.sentTo.last ?? registrar)
    }

    /// Answers the last REGISTER with `message`, built from it.
    func answer(_ build: (SIPMessage) throws -> SIPMessage) throws {
        guard let request = lastRequest else { throw HarnessError.nothingSent }
        layer.receive(try build(request), from: transport.sentTo.last ?? registrar)
    }

    /// Moves virtual time to `nanoseconds` after the start, running every timer due.
    func advance(toNanoseconds nanoseconds: Int64) {
        loop.advanceTime(to: .uptimeNanoseconds(UInt64(nanoseconds)))
    }

    /// Moves virtual time to `milliseconds` after the start.
    func advance(to milliseconds: Int64) {
        advance(toNanoseconds: milliseconds * 1_000_000)
    }

    /// The virtual time in nanoseconds.
    var now: Int64 { Int64(loop.now.uptimeNanoseconds) }

    func finish() {
        client.shutdown()
        layer.shutdown()
        try? loop.syncShutdownGracefully()
    }

    enum HarnessError: Error { case nothingSent }
}
