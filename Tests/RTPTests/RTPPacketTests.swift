import NIOCore
import RTP
import Testing

/// One datagram to parse, and the fields or the error expected.
struct RTPPacketCase: CustomTestStringConvertible, Sendable {
    let name: String
    let bytes: [UInt8]
    let expected: Expected

    enum Expected: Sendable {
        case packet(pt: UInt8, marker: Bool, seq: UInt16, ts: UInt32, ssrc: UInt32, csrcs: [UInt32], payload: [UInt8], padding: Int)
        case error(RTPParseError.Code)
    }

    var testDescription: String { name }
}

@Suite("RTP: packets parsed in place and built into reused buffers (RFC 3550 §5.1)")
struct RTPPacketTests {
    static let header: [UInt8] = [0x80, 0x00, 0x12, 0x34, 0xDE, 0xAD, 0xBE, 0xEF, 0x01, 0x02, 0x03, 0x04]

    static let cases: [RTPPacketCase] = [
        RTPPacketCase(name: "minimal PCMU", bytes: header + [0xFF, 0x7F],
            expected: .packet(pt: 0, marker: false, seq: 0x1234, ts: 0xDEAD_BEEF, ssrc: 0x0102_0304, csrcs: [], payload: [0xFF, 0x7F], padding: 0)),
        RTPPacketCase(name: "marker and dynamic type", bytes: [0x80, 0xE0] + header[2...] + [1],
            expected: .packet(pt: 96, marker: true, seq: 0x1234, ts: 0xDEAD_BEEF, ssrc: 0x0102_0304, csrcs: [], payload: [1], padding: 0)),
        RTPPacketCase(name: "two CSRCs", bytes: [0x82] + header[1...] + [0, 0, 0, 1, 0, 0, 0, 2, 9],
            expected: .packet(pt: 0, marker: false, seq: 0x1234, ts: 0xDEAD_BEEF, ssrc: 0x0102_0304, csrcs: [1, 2], payload: [9], padding: 0)),
        RTPPacketCase(name: "extension of one word", bytes: [0x90] + header[1...] + [0xBE, 0xDE, 0, 1, 0x10, 0xAA, 0, 0, 7],
            expected: .packet(pt: 0, marker: false, seq: 0x1234, ts: 0xDEAD_BEEF, ssrc: 0x0102_0304, csrcs: [], payload: [7], padding: 0)),
        RTPPacketCase(name: "padding removed", bytes: [0xA0] + header[1...] + [5, 6, 0, 0, 3],
            expected: .packet(pt: 0, marker: false, seq: 0x1234, ts: 0xDEAD_BEEF, ssrc: 0x0102_0304, csrcs: [], payload: [5, 6], padding: 3)),
        RTPPacketCase(name: "empty payload", bytes: header,
            expected: .packet(pt: 0, marker: false, seq: 0x1234, ts: 0xDEAD_BEEF, ssrc: 0x0102_0304, csrcs: [], payload: [], padding: 0)),
        RTPPacketCase(name: "11 bytes", bytes: Array(header.prefix(11)), expected: .error(.truncated)),
        RTPPacketCase(name: "version 1", bytes: [0x40] + header[1...], expected: .error(.badVersion)),
        RTPPacketCase(name: "version 0 (STUN)", bytes: [0x00] + header[1...], expected: .error(.badVersion)),
        RTPPacketCase(name: "CSRC count past the end", bytes: [0x83] + header[1...] + [0, 0, 0, 1], expected: .error(.truncated)),
        RTPPacketCase(name: "extension header past the end", bytes: [0x90] + header[1...] + [0xBE, 0xDE], expected: .error(.truncated)),
        RTPPacketCase(name: "extension length past the end", bytes: [0x90] + header[1...] + [0xBE, 0xDE, 0, 2, 0, 0, 0, 0], expected: .error(.truncated)),
        RTPPacketCase(name: "padding count 0", bytes: [0xA0] + header[1...] + [1, 0], expected: .error(.badPadding)),
        RTPPacketCase(name: "padding longer than payload", bytes: [0xA0] + header[1...] + [1, 3], expected: .error(.badPadding)),
        RTPPacketCase(name: "padding bit with no payload at all", bytes: [0xA0] + header[1...], expected: .error(.badPadding)),
    ]

    @Test("parsing: fields, CSRCs, extension, payload without padding, and typed errors", arguments: cases)
    func parse(_ testCase: RTPPacketCase) throws {
        switch testCase.expected {
        case .packet(let pt, let marker, let seq, let ts, let ssrc, let csrcs, let payload, let padding):
            let packet = try RTPPacket(parsing: ByteBuffer(bytes: testCase.bytes))
            #expect(packet.version == 2)
            #expect(packet.payloadType == pt)
            #expect(packet.marker == marker)
            #expect(packet.sequenceNumber == seq)
            #expect(packet.timestamp == ts)
            #expect(packet.ssrc == ssrc)
            #expect(packet.csrcs == csrcs)
            #expect(packet.csrcCount == csrcs.count)
            #expect(Array(packet.payload.readableBytesView) == payload)
            #expect(packet.withUnsafePayload { Array($0) } == payload)
            #expect(packet.paddingLength == padding)
            #expect(packet.hasPadding == (padding > 0))
        case .error(let code):
            #expect {
                _ = try RTPPacket(parsing: ByteBuffer(bytes: testCase.bytes))
            } throws: { ($0 as? RTPParseError)?.code == code }
        }
    }

    @Test("the header extension is a view of its profile and data")
    func headerExtension() throws {
        let packet = try RTPPacket(parsing: ByteBuffer(bytes: [0x90] + Self.header[1...] + [0xBE, 0xDE, 0, 1, 0x10, 0xAA, 0, 0, 7]))
        let headerExtension = try #require(packet.headerExtension)
        #expect(headerExtension.profile == 0xBEDE)
        #expect(Array(headerExtension.data.readableBytesView) == [0x10, 0xAA, 0, 0])
    }

    @Test("built packets parse back to the same fields, with CSRCs, extension and padding")
    func buildAndParse() throws {
        let header = RTPHeader(
            payloadType: 111, marker: true, sequenceNumber: 65_535, timestamp: 0xFFFF_FFFF, ssrc: 0xCAFE_BABE,
            csrcs: [7, 8, 9], headerExtension: RTPHeaderExtension(profile: 0x1000, data: ByteBuffer(bytes: [1, 2, 3])),
            paddingLength: 4)
        var buffer = ByteBuffer()
        let payload: [UInt8] = [0xAB, 0xCD, 0xEF]
        let written = payload.withUnsafeBytes { buffer.writeRTPPacket(header, payload: $0) }
        #expect(written == 12 + 12 + 8 + 3 + 4)
        let packet = try RTPPacket(parsing: buffer)
        #expect(packet.payloadType == 111 && packet.marker && packet.sequenceNumber == 65_535)
        #expect(packet.timestamp == 0xFFFF_FFFF && packet.ssrc == 0xCAFE_BABE)
        #expect(packet.csrcs == [7, 8, 9])
        #expect(Array(packet.headerExtension?.data.readableBytesView ?? ByteBuffer().readableBytesView) == [1, 2, 3, 0])
        #expect(Array(packet.payload.readableBytesView) == payload)
        #expect(packet.paddingLength == 4)
    }

    @Test("a cleared buffer with capacity is reused: same storage, no growth, packet after packet")
    func bufferReuse() throws {
        var sender = RTPSenderState(ssrc: 1, firstSequenceNumber: 10, timestampBase: 1_000)
        var buffer = ByteBufferAllocator().buffer(capacity: 256)
        let capacity = buffer.capacity
        let frame = [UInt8](repeating: 0xD5, count: 160)
        let base = buffer.withUnsafeMutableWritableBytes { UInt(bitPattern: $0.baseAddress) }
        for index in 0..<50 {
            buffer.clear()
            let header = sender.nextHeader(payloadType: 8, timestamp: sender.timestamp(at: UInt64(index) * 160), payloadCount: frame.count)
            frame.withUnsafeBytes { _ = buffer.writeRTPPacket(header, payload: $0) }
            #expect(buffer.capacity == capacity)
            #expect(buffer.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress) } == base)
            let packet = try RTPPacket(parsing: buffer)
            #expect(packet.sequenceNumber == UInt16(10 + index))
            #expect(packet.timestamp == UInt32(1_000 + index * 160))
        }
        #expect(sender.packetCount == 50)
        #expect(sender.octetCount == 50 * 160)
    }

    @Test("random bases differ between streams and follow the generator")
    func randomBases() {
        let first = RTPSenderState()
        let second = RTPSenderState()
        #expect(first.ssrc != second.ssrc || first.timestampBase != second.timestampBase)
        var one = SplitMix64(seed: 1)
        var again = SplitMix64(seed: 1)
        #expect(RTPSenderState(using: &one) == RTPSenderState(using: &again))
    }

    @Test("sequence arithmetic wraps", arguments: [
        (UInt16(65_535), UInt16(1), 2, true),
        (UInt16(1), UInt16(65_535), -2, false),
        (UInt16(100), UInt16(100), 0, false),
        (UInt16(0), UInt16(32_767), 32_767, true),
        (UInt16(0), UInt16(32_768), -32_768, false),
    ])
    func sequenceArithmetic(from: UInt16, to: UInt16, distance: Int, newer: Bool) {
        let a = RTPSequenceNumber(from)
        let b = RTPSequenceNumber(to)
        #expect(a.distance(to: b) == distance)
        #expect(b.isNewer(than: a) == newer)
        #expect(a.advanced(by: distance) == b)
    }

    @Test("timestamp arithmetic wraps", arguments: [
        (UInt32(0xFFFF_FFF0), UInt32(0x10), 32, true),
        (UInt32(0x10), UInt32(0xFFFF_FFF0), -32, false),
        (UInt32(5), UInt32(165), 160, true),
    ])
    func timestampArithmetic(from: UInt32, to: UInt32, distance: Int, newer: Bool) {
        #expect(RTPTimestamp(from).distance(to: RTPTimestamp(to)) == distance)
        #expect(RTPTimestamp(to).isNewer(than: RTPTimestamp(from)) == newer)
        #expect(RTPTimestamp(from).advanced(by: distance) == RTPTimestamp(to))
    }

    @Test("mutated packets parse or throw, and what parses stays inside the datagram")
    func mutations() {
        var generator = SplitMix64(seed: 0x8739)
        for round in 0..<5_000 {
            var bytes = Self.cases[round % Self.cases.count].bytes
            if !bytes.isEmpty {
                let index = Int(generator.next() % UInt64(bytes.count))
                bytes[index] = UInt8(truncatingIfNeeded: generator.next())
            }
            if generator.next() % 3 == 0 { bytes += [UInt8](repeating: UInt8(truncatingIfNeeded: generator.next()), count: Int(generator.next() % 8)) }
            if let packet = try? RTPPacket(parsing: ByteBuffer(bytes: bytes)) {
                #expect(packet.payloadCount >= 0 && packet.payloadCount + packet.paddingLength <= bytes.count - 12)
                _ = packet.headerExtension
                _ = packet.csrcs
            }
        }
    }
}

/// A small deterministic generator (SplitMix64), so that randomised tests repeat exactly.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
