import NIOCore
import NIOEmbedded
@testable import RTP
import SRTP
import Synchronization
import Testing

/// An ``RTP/RTPSession`` with an ``SRTPProtector`` on embedded channels and virtual time: what
/// it sends is SRTP and SRTCP under our key, what it receives is unprotected under the peer's,
/// and forged or replayed packets are dropped and counted.
@Suite("SRTP: an RTP session with a protector (virtual time)")
struct SRTPSessionTests {
    static let remote = try! SocketAddress(ipAddress: "192.0.2.50", port: 5_000)
    static let forger = try! SocketAddress(ipAddress: "198.51.100.66", port: 6_000)

    /// The audio packets the session handed on.
    final class Received: Sendable {
        let packets = Mutex<[[UInt8]]>([])
        var handler: @Sendable (RTPSessionEvent) -> Void {
            { [self] event in
                if case .audio(let packet, _) = event {
                    packets.withLock { $0.append(Array(packet.payload.readableBytesView)) }
                }
            }
        }
    }

    struct Harness {
        let loop = EmbeddedEventLoop()
        let channel: EmbeddedChannel
        let received = Received()
        let session: RTPSession
        let ours = SRTPMasterKey.random(for: .aesCM128HMACSHA1_80)
        let theirs = SRTPMasterKey.random(for: .aesCM128HMACSHA1_80)

        init() throws {
            channel = EmbeddedChannel(loop: loop)
            try channel.bind(to: SocketAddress(ipAddress: "127.0.0.1", port: 40_000)).wait()
            let configuration = RTPSession.Configuration(
                host: "127.0.0.1", rtcpMux: true, payloadType: 0, clockRate: 8_000, remoteRTP: SRTPSessionTests.remote)
            session = RTPSession(eventLoop: loop, configuration: configuration, handler: received.handler)
            session.fixedRandomFactor = 1
            session.attach(rtp: channel, rtcp: nil, addHandlers: true)
            session.setProtector(try SRTPProtector(sending: ours, receiving: theirs))
        }

        func sent() throws -> [ByteBuffer] {
            var result: [ByteBuffer] = []
            while let envelope = try channel.readOutbound(as: AddressedEnvelope<ByteBuffer>.self) { result.append(envelope.data) }
            return result
        }

        func receive(_ bytes: ByteBuffer, from source: SocketAddress = SRTPSessionTests.remote) throws {
            try channel.writeInbound(AddressedEnvelope(remoteAddress: source, data: bytes))
        }
    }

    @Test("sent RTP and RTCP are SRTP under our key: the peer unprotects them, the payload is not plain")
    func sending() throws {
        let harness = try Harness()
        let peer = try SRTPContext(key: harness.ours, direction: .inbound)
        let frame = ByteBuffer(bytes: [UInt8](repeating: 0x55, count: 160))
        for _ in 0..<3 { harness.session.sendAudio(frame, samples: 160) }
        let packets = try harness.sent()
        #expect(packets.count == 3)
        for var packet in packets {
            #expect(packet.readableBytes == 12 + 160 + 10)
            #expect(packet.getBytes(at: 12, length: 160) != [UInt8](repeating: 0x55, count: 160))
            try peer.unprotectRTP(&packet)
            #expect(try RTPPacket(parsing: packet).payload.readableBytesView.elementsEqual([UInt8](repeating: 0x55, count: 160)))
        }
        harness.loop.advanceTime(by: .seconds(3))
        let reports = try harness.sent()
        #expect(reports.count == 1)
        var report = try #require(reports.first)
        try peer.unprotectRTCP(&report)
        let compound = try RTCPCompoundPacket(parsing: report)
        guard case .senderReport(let sr) = compound.packets.first else {
            Issue.record("expected an SR, got \(compound.packets)")
            return
        }
        #expect(sr.senderInfo.packetCount == 3)
    }

    @Test("received SRTP under the peer's key is handed on; forged, replayed and plain packets are dropped and counted")
    func receiving() throws {
        let harness = try Harness()
        let peer = try SRTPContext(key: harness.theirs, direction: .outbound)
        func packet(_ sequence: UInt16, payload: UInt8) throws -> ByteBuffer {
            var buffer = ByteBuffer()
            let header = RTPHeader(payloadType: 0, sequenceNumber: sequence, timestamp: UInt32(sequence) * 160, ssrc: 0x1111_2222)
            [UInt8](repeating: payload, count: 160).withUnsafeBytes { _ = buffer.writeRTPPacket(header, payload: $0) }
            try peer.protectRTP(&buffer)
            return buffer
        }
        let first = try packet(1, payload: 0x11)
        try harness.receive(first)
        try harness.receive(try packet(2, payload: 0x22))
        var forged = try packet(3, payload: 0x33)
        forged.setInteger((forged.getInteger(at: 40, as: UInt8.self) ?? 0) ^ 0x01, at: 40)
        try harness.receive(forged, from: Self.forger)
        try harness.receive(first)  // replay
        var plain = ByteBuffer()
        let header = RTPHeader(payloadType: 0, sequenceNumber: 4, timestamp: 640, ssrc: 0x1111_2222)
        [UInt8](repeating: 0x44, count: 160).withUnsafeBytes { _ = plain.writeRTPPacket(header, payload: $0) }
        try harness.receive(plain)
        let statistics = harness.session.statistics
        #expect(harness.received.packets.withLock { $0 } == [[UInt8](repeating: 0x11, count: 160), [UInt8](repeating: 0x22, count: 160)])
        #expect(statistics.packetsUnprotected == 2)
        #expect(statistics.packetsReceived == 2)
        #expect(statistics.authenticationFailures == 2)  // the forged one and the plain one
        // Each failure says where it came from, so a stray can be told from the peer's packet.
        let forgedFailure = try #require(statistics.firstAuthenticationFailure)
        #expect(forgedFailure.source == Self.forger)
        #expect(!forgedFailure.fromSignaledPeer)
        #expect(!forgedFailure.rtcp)
        #expect(forgedFailure.sequenceNumber == 3)
        #expect(forgedFailure.ssrc == 0x1111_2222)
        #expect(forgedFailure.description.contains("not the signaled peer"))
        let plainFailure = try #require(statistics.lastAuthenticationFailure)
        #expect(plainFailure.source == Self.remote)
        #expect(plainFailure.fromSignaledPeer)
        #expect(plainFailure.sequenceNumber == 4)
        #expect(plainFailure.length == 12 + 160)
        #expect(!plainFailure.isPlainRTCP && !forgedFailure.isPlainRTCP)
        #expect(statistics.replaysDropped == 1)
        // The forger's packet did not move the latched remote.
        #expect(harness.session.remoteRTPAddress == Self.remote)
        // Unprotected SRTCP counts too.
        var report = ByteBuffer(bytes: [0x80, 201, 0x00, 0x01, 0x11, 0x11, 0x22, 0x22])
        try peer.protectRTCP(&report)
        try harness.receive(report)
        #expect(harness.session.statistics.rtcpReceived == 1)
        #expect(harness.session.statistics.packetsUnprotected == 3)
        // RTCP in the clear (as baresip sends its last BYE and SDES) is told apart from a
        // protected packet.
        let clearRTCP = ByteBuffer(bytes: [
            0x81, 203, 0x00, 0x03, 0x11, 0x11, 0x22, 0x22, 0x04, 0x41, 0x64, 0x6A, 0x6F, 0x00, 0x00, 0x00,
            0x81, 202, 0x00, 0x03, 0x11, 0x11, 0x22, 0x22, 0x01, 0x04, 0x67, 0x61, 0x74, 0x65, 0x00, 0x00,
        ])
        let clear = RTPRejectedPacket(clearRTCP, source: Self.remote, fromSignaledPeer: true, rtcp: true)
        #expect(clear.isPlainRTCP)
        #expect(clear.description.hasSuffix("32 octets, plain RTCP (not protected)"), "\(clear)")
        #expect(!RTPRejectedPacket(report, source: Self.remote, fromSignaledPeer: true, rtcp: true).isPlainRTCP)
    }
}
