import NIOCore
import NIOEmbedded
import SIPMessage
import SIPStack

/// A ``TransactionLayer`` on an `EmbeddedEventLoop` (virtual time starting at 0), with a
/// recording transport and TU. Use it from the test's own thread only, and call ``finish()``.
final class TransactionLayerHarness {
    let loop = EmbeddedEventLoop()
    let transport = RecordingTransactionTransport()
    let user = RecordingTransactionUser()
    let layer: TransactionLayer
    /// The peer: where requests come from and go to.
    let peer: SocketAddress

    init(configuration: TransactionLayer.Configuration = TransactionLayer.Configuration()) throws {
        peer = try SocketAddress(ipAddress: "192.0.2.10", port: 5060)
        layer = TransactionLayer(eventLoop: loop, transport: transport, configuration: configuration)
        layer.user = user
    }

    var udpPeer: TransactionDestination { .udp(peer) }
    var tcpPeer: TransactionDestination { .reliable(peer) }

    /// Moves virtual time to `milliseconds` after the start, running every timer due.
    func advance(to milliseconds: Int64) {
        loop.advanceTime(to: .uptimeNanoseconds(UInt64(milliseconds) * 1_000_000))
    }

    /// The virtual time in milliseconds.
    var now: Int64 { Int64(loop.now.uptimeNanoseconds / 1_000_000) }

    /// Forgets the transactions and stops the loop (an `EmbeddedEventLoop` must not be freed
    /// with tasks still scheduled).
    func finish() {
        layer.shutdown()
        try? loop.syncShutdownGracefully()
    }
}
