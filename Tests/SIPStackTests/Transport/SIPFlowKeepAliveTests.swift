import NIOCore
import NIOEmbedded
import SIPStack
import Testing

/// CRLFCRLF keep-alives on a flow (RFC 5626 §4.4.1), on virtual time.
@Suite("SIPFlowKeepAlive on virtual time")
struct SIPFlowKeepAliveTests {
    @Test("one CRLFCRLF per interval to the destination, exactly at each deadline; none after stop", arguments: [
        SIPTransportKind.udp, .tcp, .tls,
    ])
    func interval(kind: SIPTransportKind) throws {
        let destination = TransactionDestination(address: try SocketAddress(ipAddress: "192.0.2.9", port: 5060), transport: kind)
        let loop = EmbeddedEventLoop()
        defer { try? loop.syncShutdownGracefully() }
        let transport = RecordingTransactionTransport()
        let keepAlive = SIPFlowKeepAlive(destination: destination, interval: .seconds(25), transport: transport, eventLoop: loop)
        keepAlive.start()
        keepAlive.start()
        loop.advanceTime(by: .milliseconds(24_999))
        #expect(transport.sent.isEmpty)
        loop.advanceTime(by: .milliseconds(1))
        #expect(transport.sent.count == 1)
        loop.advanceTime(by: .seconds(50))
        #expect(transport.sent.count == 3)
        #expect(transport.sent.allSatisfy { String(buffer: $0.bytes) == "\r\n\r\n" && $0.destination == destination })
        #expect(keepAlive.sent == 3)
        keepAlive.stop()
        loop.advanceTime(by: .seconds(100))
        #expect(transport.sent.count == 3)
    }

    @Test("a failing send is counted and the next one is still tried")
    func failures() throws {
        let loop = EmbeddedEventLoop()
        defer { try? loop.syncShutdownGracefully() }
        let transport = RecordingTransactionTransport()
        let keepAlive = SIPFlowKeepAlive(
            destination: .udp(try SocketAddress(ipAddress: "192.0.2.9", port: 5060)), interval: .seconds(10), transport: transport,
            eventLoop: loop)
        keepAlive.start()
        transport.fails = true
        loop.advanceTime(by: .seconds(20))
        #expect(keepAlive.failures == 2)
        transport.fails = false
        loop.advanceTime(by: .seconds(10))
        #expect(keepAlive.sent == 1)
        keepAlive.stop()
    }
}
