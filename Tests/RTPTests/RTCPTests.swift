import NIOCore
import RTP
import Testing

@Suite("RTCP: SR, RR, SDES, BYE, compound packets and mux demultiplexing (RFC 3550 §6, RFC 5761)")
struct RTCPTests {
    static let block = RTCPReportBlock(
        ssrc: 0x1111_1111, fractionLost: 64, cumulativeLost: -3, extendedHighestSequence: 0x0001_0005, jitter: 42,
        lastSenderReport: 0xAABB_CCDD, delaySinceLastSenderReport: 65_536)

    static let compound = RTCPCompoundPacket([
        .senderReport(RTCPSenderReport(
            ssrc: 0x2222_2222,
            senderInfo: RTCPSenderInfo(ntpTimestamp: NTPTimestamp(rawValue: 0xE000_0000_8000_0000), rtpTimestamp: 160, packetCount: 5, octetCount: 800),
            reports: [block])),
        .sourceDescription(RTCPSourceDescription(chunks: [
            .init(ssrc: 0x2222_2222, items: [.init(type: 1, text: "door@192.0.2.10"), .init(type: 2, text: "Front door")]),
            .init(ssrc: 0x3333_3333, items: [.init(type: 1, text: "ab")]),
        ])),
        .goodbye(RTCPGoodbye(ssrcs: [0x2222_2222], reason: "hung up")),
    ])

    @Test("a compound SR + SDES + BYE writes and parses back equal")
    func roundTrip() throws {
        var buffer = ByteBuffer()
        let written = buffer.writeRTCPCompoundPacket(Self.compound)
        #expect(written == buffer.readableBytes)
        #expect(written % 4 == 0)
        let parsed = try RTCPCompoundPacket(parsing: buffer)
        #expect(parsed == Self.compound)
        guard case .sourceDescription(let sdes) = parsed.packets[1] else { Issue.record("no SDES"); return }
        #expect(sdes.chunks.map(\.cname) == ["door@192.0.2.10", "ab"])
    }

    @Test("an RR's bytes match RFC 3550's layout exactly")
    func receiverReportBytes() throws {
        var buffer = ByteBuffer()
        buffer.writeRTCPPacket(.receiverReport(RTCPReceiverReport(ssrc: 0x0102_0304, reports: [Self.block])))
        let expected: [UInt8] = [
            0x81, 201, 0, 7, 1, 2, 3, 4,
            0x11, 0x11, 0x11, 0x11, 64, 0xFF, 0xFF, 0xFD, 0, 1, 0, 5, 0, 0, 0, 42,
            0xAA, 0xBB, 0xCC, 0xDD, 0, 1, 0, 0,
        ]
        #expect(Array(buffer.readableBytesView) == expected)
        #expect(try RTCPCompoundPacket(parsing: buffer).packets == [.receiverReport(RTCPReceiverReport(ssrc: 0x0102_0304, reports: [Self.block]))])
    }

    @Test("malformed compounds give typed errors", arguments: [
        ("short", [0x80, 201, 0], RTPParseError.Code.truncated),
        ("version 1", [0x41, 201, 0, 1, 0, 0, 0, 1], .badVersion),
        ("length past end", [0x80, 201, 0, 5, 0, 0, 0, 1], .badCompound),
        ("SDES first", [0x80, 202, 0, 1, 0, 0, 0, 1], .badCompound),
        ("count says a block that is missing", [0x81, 201, 0, 1, 0, 0, 0, 1], .badRTCPPacket),
        ("padding on the first of two", [0xA0, 201, 0, 1, 0, 0, 0, 1, 0x80, 203, 0, 0], .badPadding),
        ("padding count zero", [0xA0, 201, 0, 2, 0, 0, 0, 1, 0, 0, 0, 0], .badPadding),
        ("SDES item past the end", [0x80, 201, 0, 1, 0, 0, 0, 1, 0x81, 202, 0, 2, 0, 0, 0, 1, 1, 9, 65, 66], .badRTCPPacket),
        ("BYE reason past the end", [0x80, 201, 0, 1, 0, 0, 0, 1, 0x80, 203, 0, 1, 5, 65, 66, 67], .badRTCPPacket),
    ] as [(String, [UInt8], RTPParseError.Code)])
    func malformed(name: String, bytes: [UInt8], code: RTPParseError.Code) {
        #expect {
            _ = try RTCPCompoundPacket(parsing: ByteBuffer(bytes: bytes))
        } throws: { ($0 as? RTPParseError)?.code == code }
    }

    @Test("unknown packet types are kept as bytes; reduced-size RTCP may start with anything")
    func otherTypes() throws {
        let bytes: [UInt8] = [0x81, 205, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2]
        #expect(throws: RTPParseError.self) { try RTCPCompoundPacket(parsing: ByteBuffer(bytes: bytes)) }
        let parsed = try RTCPCompoundPacket(parsing: ByteBuffer(bytes: bytes), requireReportFirst: false)
        #expect(parsed.packets == [.other(type: 205, count: 1, body: ByteBuffer(bytes: [0, 0, 0, 1, 0, 0, 0, 2]))])
    }

    @Test("round-trip time is A - LSR - DLSR in 1/65536 s (RFC 3550 §6.4.1's example)")
    func roundTripTime() throws {
        // RFC 3550 Figure 2: LSR 0xB705:2000 (46853.125 s), DLSR 0x0005:4000 (5.25 s),
        // A 0xB710:8000 (46864.500 s) gives 6.125 s.
        let block = RTCPReportBlock(ssrc: 1, lastSenderReport: 0xB705_2000, delaySinceLastSenderReport: 0x0005_4000)
        let arrival = NTPTimestamp(rawValue: UInt64(0xB710_8000) << 16)
        #expect(block.roundTripTime(arrivedAt: arrival) == .milliseconds(6_125))
        #expect(RTCPReportBlock(ssrc: 1).roundTripTime(arrivedAt: arrival) == nil)
        let early = NTPTimestamp(rawValue: UInt64(0xB705_2000) << 16)
        #expect(block.roundTripTime(arrivedAt: early) == nil)
    }

    @Test("NTP timestamps from Unix time, middle 32 bits, and DLSR units")
    func ntp() {
        let time = NTPTimestamp(unixNanoseconds: 1_500_000_000)
        #expect(time.seconds == UInt32(NTPTimestamp.unixEpochOffset + 1))
        #expect(time.fraction == 0x8000_0000)
        #expect(time.middle32 == UInt32(truncatingIfNeeded: (NTPTimestamp.unixEpochOffset + 1) << 16) | 0x8000)
        #expect(time.adding(.milliseconds(500)).fraction == 0)
        #expect(NTPTimestamp.compactUnits(.milliseconds(1_500)) == 98_304)
        #expect(NTPTimestamp.compactUnits(.seconds(-1)) == 0)
    }

    @Test("rtcp-mux demultiplexing by RFC 5761 payload type ranges", arguments: [
        ([0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1], RTPDemultiplexer.Kind.rtp),
        ([0x80, 0xE0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1], .rtp),
        ([0x80, 191, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1], .rtp),
        ([0x80, 224, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1], .rtp),
        ([0x80, 200, 0, 1, 0, 0, 0, 0], .rtcp),
        ([0x81, 201, 0, 1, 0, 0, 0, 0], .rtcp),
        ([0x80, 192, 0, 1, 0, 0, 0, 0], .rtcp),
        ([0x80, 223, 0, 1, 0, 0, 0, 0], .rtcp),
        ([0x00, 1, 0, 0, 0x21, 0x12, 0xA4, 0x42, 0, 0, 0, 0], .other),
        ([22, 0xFE, 0xFD, 0, 0, 0, 0, 0, 0, 0, 0, 0], .other),
        ([0x80, 0], .other),
    ] as [([UInt8], RTPDemultiplexer.Kind)])
    func demultiplex(bytes: [UInt8], kind: RTPDemultiplexer.Kind) {
        #expect(RTPDemultiplexer.classify(ByteBuffer(bytes: bytes)) == kind)
    }

    @Test("mutated compounds parse or throw")
    func mutations() {
        var buffer = ByteBuffer()
        buffer.writeRTCPCompoundPacket(Self.compound)
        let seed = Array(buffer.readableBytesView)
        var generator = SplitMix64(seed: 0x7C)
        for _ in 0..<5_000 {
            var bytes = seed
            for _ in 0..<(1 + generator.next() % 3) {
                bytes[Int(generator.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: generator.next())
            }
            if generator.next() % 4 == 0 { bytes.removeLast(Int(generator.next() % UInt64(bytes.count))) }
            if let parsed = try? RTCPCompoundPacket(parsing: ByteBuffer(bytes: bytes)) {
                var again = ByteBuffer()
                again.writeRTCPCompoundPacket(parsed)
                #expect(again.readableBytes > 0)
            }
        }
    }
}
