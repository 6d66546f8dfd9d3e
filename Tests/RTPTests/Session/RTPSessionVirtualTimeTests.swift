import NIOCore
import NIOEmbedded
@testable import RTP
import Testing

/// ``RTPSession`` on embedded channels and virtual time: RTCP timing, latching, DTMF both
/// ways, and the RTCP figures (LSR/DLSR, round-trip time), without sockets or sleeps.
@Suite("RTPSession on an embedded event loop (virtual time)")
struct RTPSessionVirtualTimeTests {
    static let remote = try! SocketAddress(ipAddress: "192.0.2.50", port: 5_000)
    static let latchedSource = try! SocketAddress(ipAddress: "198.51.100.7", port: 7_000)

    /// A session on embedded channels with the RTCP random factor fixed at 1.
    struct Harness {
        let loop = EmbeddedEventLoop()
        let rtp: EmbeddedChannel
        let rtcp: EmbeddedChannel
        let log = RTPEventLog()
        let session: RTPSession

        init(configure: (inout RTPSession.Configuration) -> Void = { _ in }) throws {
            rtp = EmbeddedChannel(loop: loop)
            rtcp = EmbeddedChannel(loop: loop)
            try rtp.bind(to: SocketAddress(ipAddress: "127.0.0.1", port: 40_000)).wait()
            try rtcp.bind(to: SocketAddress(ipAddress: "127.0.0.1", port: 40_001)).wait()
            var configuration = RTPSession.Configuration(
                host: "127.0.0.1", payloadType: 0, clockRate: 8_000, telephoneEventPayloadType: 101,
                remoteRTP: RTPSessionVirtualTimeTests.remote)
            configure(&configuration)
            session = RTPSession(eventLoop: loop, configuration: configuration, handler: log.handler)
            session.fixedRandomFactor = 1
            session.attach(rtp: rtp, rtcp: configuration.rtcpMux ? nil : rtcp, addHandlers: true)
        }

        func outbound(_ channel: EmbeddedChannel) throws -> [AddressedEnvelope<ByteBuffer>] {
            var result: [AddressedEnvelope<ByteBuffer>] = []
            while let envelope = try channel.readOutbound(as: AddressedEnvelope<ByteBuffer>.self) { result.append(envelope) }
            return result
        }

        func inbound(_ channel: EmbeddedChannel, from source: SocketAddress, _ write: (inout ByteBuffer) -> Void) throws {
            var buffer = ByteBuffer()
            write(&buffer)
            try channel.writeInbound(AddressedEnvelope(remoteAddress: source, data: buffer))
        }

        func inboundRTP(from source: SocketAddress = RTPSessionVirtualTimeTests.latchedSource, _ header: RTPHeader, _ payload: [UInt8]) throws {
            try inbound(rtp, from: source) { buffer in
                payload.withUnsafeBytes { _ = buffer.writeRTPPacket(header, payload: $0) }
            }
        }
    }

    @Test("the first report comes at T/2 × 1/(e − 3/2), the next at T/(e − 3/2); nothing before")
    func reportTiming() throws {
        let harness = try Harness()
        // Initial: 2.5 s / 1.21828 = 2052.08 ms.
        harness.loop.advanceTime(by: .milliseconds(2_052))
        #expect(try harness.outbound(harness.rtcp).isEmpty)
        harness.loop.advanceTime(by: .milliseconds(1))
        let first = try harness.outbound(harness.rtcp)
        #expect(first.count == 1)
        #expect(first.first?.remoteAddress == (try SocketAddress(ipAddress: "192.0.2.50", port: 5_001)))
        let compound = try RTCPCompoundPacket(parsing: try #require(first.first).data)
        guard case .receiverReport(let report) = compound.packets.first, case .sourceDescription(let sdes) = compound.packets.last else {
            Issue.record("expected RR then SDES, got \(compound.packets)")
            return
        }
        #expect(report.ssrc == harness.session.ssrc && report.reports.isEmpty)
        #expect(sdes.chunks.first?.cname == "swiftsip")

        // We send audio: the next report is an SR, 5 s / 1.21828 = 4104.16 ms after the first
        // (at 2052.08 ms), so at 6156.24 ms; we are at 2053 ms.
        let frame = ByteBuffer(bytes: [UInt8](repeating: 0xFF, count: 160))
        for _ in 0..<3 { harness.session.sendAudio(frame, samples: 160) }
        harness.loop.advanceTime(by: .milliseconds(4_103))
        #expect(try harness.outbound(harness.rtcp).isEmpty)
        harness.loop.advanceTime(by: .milliseconds(1))
        let second = try harness.outbound(harness.rtcp)
        #expect(second.count == 1)
        let report2 = try RTCPCompoundPacket(parsing: try #require(second.first).data)
        guard case .senderReport(let senderReport) = report2.packets.first else {
            Issue.record("expected an SR, got \(report2.packets)")
            return
        }
        #expect(senderReport.senderInfo.packetCount == 3)
        #expect(senderReport.senderInfo.octetCount == 480)
    }

    @Test("audio goes out with consecutive sequence numbers and timestamps 160 apart")
    func sendingAudio() throws {
        let harness = try Harness()
        let frame = ByteBuffer(bytes: [UInt8](repeating: 0xD5, count: 160))
        harness.session.sendAudio(frame, samples: 160, marker: true)
        harness.session.sendAudio(frame, samples: 160)
        harness.session.sendAudio(frame, samples: 160)
        let packets = try harness.outbound(harness.rtp).map { try RTPPacket(parsing: $0.data) }
        #expect(packets.count == 3)
        #expect(packets.map(\.marker) == [true, false, false])
        #expect(packets.map { RTPSequenceNumber(packets[0].sequenceNumber).distance(to: RTPSequenceNumber($0.sequenceNumber)) } == [0, 1, 2])
        #expect(packets.map { RTPTimestamp(packets[0].timestamp).distance(to: RTPTimestamp($0.timestamp)) } == [0, 160, 320])
        #expect(packets.allSatisfy { $0.ssrc == harness.session.ssrc && $0.payloadType == 0 && $0.payloadCount == 160 })
        #expect(harness.session.statistics.packetsSent == 3)
    }

    @Test("symmetric RTP: the remote latches to the first source, other sources are dropped")
    func latching() throws {
        let harness = try Harness()
        try harness.inboundRTP(RTPHeader(payloadType: 0, sequenceNumber: 1, timestamp: 0, ssrc: 77), [1, 2, 3])
        #expect(harness.log.latched == [Self.latchedSource])
        #expect(harness.session.remoteRTPAddress == Self.latchedSource)
        #expect(harness.session.remoteRTCPAddress == (try SocketAddress(ipAddress: "198.51.100.7", port: 7_001)))
        harness.session.sendAudio(ByteBuffer(bytes: [0]), samples: 160)
        #expect(try harness.outbound(harness.rtp).map(\.remoteAddress) == [Self.latchedSource])

        let intruder = try SocketAddress(ipAddress: "203.0.113.9", port: 9_999)
        try harness.inboundRTP(from: intruder, RTPHeader(payloadType: 0, sequenceNumber: 2, timestamp: 160, ssrc: 78), [9])
        #expect(harness.log.audio.count == 1)
        #expect(harness.session.statistics.datagramsDropped == 1)
        #expect(harness.session.remoteRTPAddress == Self.latchedSource)
    }

    @Test("a stray source that latched first gives the latch back to the signaled peer")
    func signaledPeerWinsTheLatch() throws {
        let harness = try Harness()
        try harness.inboundRTP(RTPHeader(payloadType: 0, sequenceNumber: 1, timestamp: 0, ssrc: 77), [1])
        #expect(harness.session.remoteRTPAddress == Self.latchedSource)
        try harness.inboundRTP(from: Self.remote, RTPHeader(payloadType: 0, sequenceNumber: 9, timestamp: 0, ssrc: 5), [2])
        #expect(harness.log.latched == [Self.latchedSource, Self.remote])
        #expect(harness.session.remoteRTPAddress == Self.remote)
        harness.session.sendAudio(ByteBuffer(bytes: [0]), samples: 160)
        #expect(try harness.outbound(harness.rtp).map(\.remoteAddress) == [Self.remote])
        // The stray does not get it back.
        try harness.inboundRTP(RTPHeader(payloadType: 0, sequenceNumber: 2, timestamp: 160, ssrc: 77), [3])
        #expect(harness.session.remoteRTPAddress == Self.remote)
        #expect(harness.session.statistics.datagramsDropped == 1)
    }

    @Test("before a remote is signaled nothing latches: packets are dropped until setRemote")
    func nothingLatchesBeforeSignaling() throws {
        let harness = try Harness { $0.remoteRTP = nil }
        try harness.inboundRTP(RTPHeader(payloadType: 0, sequenceNumber: 1, timestamp: 0, ssrc: 77), [1])
        #expect(harness.log.latched.isEmpty)
        #expect(harness.log.audio.isEmpty)
        #expect(harness.session.remoteRTPAddress == nil)
        #expect(harness.session.statistics.datagramsDropped == 1)
        harness.session.setRemote(rtp: Self.remote, rtcp: nil)
        try harness.inboundRTP(from: Self.remote, RTPHeader(payloadType: 0, sequenceNumber: 2, timestamp: 160, ssrc: 77), [2])
        #expect(harness.log.audio.count == 1)
        #expect(harness.session.remoteRTPAddress == Self.remote)
    }

    @Test("an incoming DTMF digit is reported once; a lost end is reported after the timeout")
    func incomingDigits() throws {
        let harness = try Harness()
        func event(_ code: UInt8, _ duration: UInt16, end: Bool, seq: UInt16, ts: UInt32, marker: Bool = false) throws {
            try harness.inbound(harness.rtp, from: Self.latchedSource) { buffer in
                buffer.writeRTPHeader(RTPHeader(payloadType: 101, marker: marker, sequenceNumber: seq, timestamp: ts, ssrc: 5))
                TelephoneEvent(event: code, isEnd: end, duration: duration).write(into: &buffer)
            }
        }
        try event(5, 160, end: false, seq: 1, ts: 8_000, marker: true)
        try event(5, 320, end: false, seq: 2, ts: 8_000)
        try event(5, 480, end: true, seq: 3, ts: 8_000)
        try event(5, 480, end: true, seq: 4, ts: 8_000)
        try event(5, 480, end: true, seq: 5, ts: 8_000)
        #expect(harness.log.digits.map(\.digit) == ["5"])
        #expect(harness.log.digits.first?.duration == 480)
        #expect(harness.log.audio.isEmpty)

        try event(9, 160, end: false, seq: 6, ts: 16_000, marker: true)
        harness.loop.advanceTime(by: .milliseconds(999))
        #expect(harness.log.digits.count == 1)
        harness.loop.advanceTime(by: .milliseconds(1))
        #expect(harness.log.digits.map(\.digit) == ["5", "9"])
        #expect(harness.log.digits.last?.endReceived == false)
    }

    @Test("an outgoing digit: marker first, one timestamp, an update every 20 ms, end three times")
    func outgoingDigit() throws {
        let harness = try Harness()
        #expect(harness.session.sendDigit("#", duration: .milliseconds(100)))
        #expect(harness.session.sendDigit("1", duration: .milliseconds(100)))
        #expect(!harness.session.sendDigit("x"))
        var packets = try harness.outbound(harness.rtp).map { try RTPPacket(parsing: $0.data) }
        #expect(packets.count == 1)
        for _ in 0..<20 {
            harness.loop.advanceTime(by: .milliseconds(20))
            packets += try harness.outbound(harness.rtp).map { try RTPPacket(parsing: $0.data) }
        }
        let events = try packets.map { try TelephoneEvent(parsing: $0.payload) }
        // 100 ms at 8 kHz = 800 ticks in 160-tick updates: 5 packets, the last two repeated.
        #expect(events.map(\.event) == [11, 11, 11, 11, 11, 11, 11, 1, 1, 1, 1, 1, 1, 1])
        #expect(events.map(\.duration) == [160, 320, 480, 640, 800, 800, 800, 160, 320, 480, 640, 800, 800, 800])
        #expect(events.map(\.isEnd) == [false, false, false, false, true, true, true, false, false, false, false, true, true, true])
        #expect(packets.map(\.marker) == [true, false, false, false, false, false, false, true, false, false, false, false, false, false])
        #expect(Set(packets.prefix(7).map(\.timestamp)).count == 1)
        #expect(RTPTimestamp(packets[0].timestamp).distance(to: RTPTimestamp(packets[7].timestamp)) == 800)
        #expect(packets.allSatisfy { $0.payloadType == 101 })
        let sequences = packets.map(\.sequenceNumber)
        #expect(zip(sequences, sequences.dropFirst()).allSatisfy { $0 &+ 1 == $1 })
    }

    @Test("audio that fell behind a digit's timer keeps continuous timestamps: the event does not move the audio's clock")
    func audioAfterDigitIsContinuous() throws {
        let harness = try Harness()
        let frame = ByteBuffer(bytes: [UInt8](repeating: 0xFF, count: 160))
        #expect(harness.session.sendAudio(frame, samples: 160))
        #expect(harness.session.sendDigit("5", duration: .milliseconds(100)))
        // The digit's timer runs its course while no audio frame is sent (a stalled audio
        // thread), then the late frames go out.
        for _ in 0..<10 { harness.loop.advanceTime(by: .milliseconds(20)) }
        #expect(harness.session.sendAudio(frame, samples: 160))
        #expect(harness.session.sendAudio(frame, samples: 160))
        let packets = try harness.outbound(harness.rtp).map { try RTPPacket(parsing: $0.data) }
        let audio = packets.filter { $0.payloadType == 0 }
        let events = packets.filter { $0.payloadType == 101 }
        #expect(audio.count == 3)
        #expect(events.count == 7)
        let first = RTPTimestamp(audio[0].timestamp)
        #expect(audio.map { first.distance(to: RTPTimestamp($0.timestamp)) } == [0, 160, 320])
        // The event started where the audio's clock stood.
        #expect(first.distance(to: RTPTimestamp(events[0].timestamp)) == 160)
        // A second digit right away starts after the first one's end, not at the same time.
        #expect(harness.session.sendDigit("6", duration: .milliseconds(100)))
        let next = try harness.outbound(harness.rtp).map { try RTPPacket(parsing: $0.data) }
        #expect(next.count == 1)
        #expect(RTPTimestamp(events[0].timestamp).distance(to: RTPTimestamp(try #require(next.first).timestamp)) == 800)
    }

    @Test("RTCP figures: LSR and DLSR echo the remote's SR; RTT from the remote's report on ours")
    func rtcpFigures() throws {
        let harness = try Harness()
        // Media from the remote, then its SR.
        for sequence in UInt16(0)..<10 {
            try harness.inboundRTP(RTPHeader(payloadType: 0, sequenceNumber: 100 + sequence, timestamp: UInt32(sequence) * 160, ssrc: 42), [0xFF])
        }
        let remoteNTP = NTPTimestamp(rawValue: 0xE100_0000_4000_0000)
        try harness.inbound(harness.rtcp, from: try SocketAddress(ipAddress: "198.51.100.7", port: 7_001)) { buffer in
            buffer.writeRTCPCompoundPacket(RTCPCompoundPacket([
                .senderReport(RTCPSenderReport(ssrc: 42, senderInfo: RTCPSenderInfo(ntpTimestamp: remoteNTP, rtpTimestamp: 0, packetCount: 10, octetCount: 10))),
            ]))
        }
        let srArrival = harness.loop.now
        #expect(harness.log.rtcp.count == 1)
        harness.session.sendAudio(ByteBuffer(bytes: [0xFF]), samples: 160)
        harness.loop.advanceTime(by: .milliseconds(2_053))
        let sent = try harness.outbound(harness.rtcp)
        let compound = try RTCPCompoundPacket(parsing: try #require(sent.first).data)
        guard case .senderReport(let ours) = compound.packets.first, let block = ours.reports.first else {
            Issue.record("expected an SR with a block, got \(compound.packets)")
            return
        }
        #expect(block.ssrc == 42)
        #expect(block.extendedHighestSequence == 109)
        #expect(block.cumulativeLost == 0)
        #expect(block.lastSenderReport == remoteNTP.middle32)
        // The report left when the timer fired, 2.5 s / (e − 3/2) after the SR arrived.
        let held = NTPTimestamp.compactUnits(.nanoseconds(Int64(2.5 / RTCPInterval.compensation * 1e9)))
        #expect(abs(Int(block.delaySinceLastSenderReport) - Int(held)) <= 1)
        #expect(harness.loop.now - srArrival == .milliseconds(2_053))

        // The remote sends its RR 1.25 s after our SR left, having held the SR for 1 s
        // (DLSR = 65536): the round trip is 250 ms.
        harness.loop.advanceTime(by: .milliseconds(1_250))
        try harness.inbound(harness.rtcp, from: try SocketAddress(ipAddress: "198.51.100.7", port: 7_001)) { buffer in
            buffer.writeRTCPCompoundPacket(RTCPCompoundPacket([
                .receiverReport(RTCPReceiverReport(ssrc: 42, reports: [
                    RTCPReportBlock(ssrc: harness.session.ssrc, extendedHighestSequence: 1, lastSenderReport: ours.senderInfo.ntpTimestamp.middle32, delaySinceLastSenderReport: 65_536),
                ])),
            ]))
        }
        let roundTrip = try #require(harness.session.statistics.roundTripTime)
        #expect(roundTrip > .milliseconds(249) && roundTrip < .milliseconds(251))
        #expect(harness.session.statistics.remoteReport?.extendedHighestSequence == 1)
    }

    @Test("with rtcp-mux, RTCP goes out and comes in on the RTP channel")
    func muxed() throws {
        let harness = try Harness { $0.rtcpMux = true }
        harness.loop.advanceTime(by: .milliseconds(2_053))
        let out = try harness.outbound(harness.rtp)
        #expect(out.count == 1)
        #expect(out.first?.remoteAddress == Self.remote)
        #expect(RTPDemultiplexer.classify(try #require(out.first).data) == .rtcp)
        try harness.inbound(harness.rtp, from: Self.remote) { buffer in
            buffer.writeRTCPCompoundPacket(RTCPCompoundPacket([.receiverReport(RTCPReceiverReport(ssrc: 3))]))
        }
        try harness.inboundRTP(from: Self.remote, RTPHeader(payloadType: 0, sequenceNumber: 1, timestamp: 0, ssrc: 3), [1])
        #expect(harness.log.rtcp.count == 1)
        #expect(harness.log.audio.count == 1)
        try harness.inbound(harness.rtp, from: Self.remote) { $0.writeBytes([0, 1, 0, 0, 0x21, 0x12, 0xA4, 0x42]) }
        #expect(harness.session.statistics.datagramsDropped == 1)
    }

    @Test("a session bound ahead without mux that the answer muxes: RTCP on the RTP port is read as RTCP, ours leaves from it")
    func muxAgreedAfterBinding() throws {
        // The agent binds RTP and RTCP before the call, then the offer/answer agrees on
        // rtcp-mux. The peer's RTCP then arrives on the RTP port: read as RTP it was a packet
        // of a stray source (and, with SRTP, an authentication failure).
        let harness = try Harness { $0.remoteRTP = nil }
        harness.session.setRemote(rtp: Self.remote, rtcp: Self.remote, rtcpMux: true)
        try harness.inboundRTP(from: Self.remote, RTPHeader(payloadType: 0, sequenceNumber: 1, timestamp: 0, ssrc: 3), [1])
        try harness.inbound(harness.rtp, from: Self.remote) { buffer in
            buffer.writeRTCPCompoundPacket(RTCPCompoundPacket([.receiverReport(RTCPReceiverReport(ssrc: 3))]))
        }
        #expect(harness.log.audio.count == 1)
        #expect(harness.log.rtcp.count == 1)
        #expect(harness.session.statistics.packetsReceived == 1)
        #expect(harness.session.statistics.remoteSSRC == 3)
        harness.loop.advanceTime(by: .milliseconds(2_053))
        #expect(try harness.outbound(harness.rtcp).isEmpty)
        let out = try harness.outbound(harness.rtp)
        #expect(out.map(\.remoteAddress) == [Self.remote])
        #expect(RTPDemultiplexer.classify(try #require(out.first).data) == .rtcp)
    }

    @Test("durations convert to clock ticks without overflow", arguments: [
        (TimeAmount.milliseconds(20), UInt32(8_000), UInt32(160)),
        (.milliseconds(20), 48_000, 960),
        (.milliseconds(-5), 8_000, 0),
        (.nanoseconds(.max), 48_000, UInt32.max),
    ])
    func ticks(amount: TimeAmount, clockRate: UInt32, ticks: UInt32) {
        #expect(RTPSession.ticks(amount, clockRate: clockRate) == ticks)
    }

    @Test("closing sends BYE, then nothing more")
    func goodbye() throws {
        let harness = try Harness()
        #expect(harness.session.stop().count == 2)
        #expect(harness.session.stop().isEmpty)
        let out = try harness.outbound(harness.rtcp)
        let compound = try RTCPCompoundPacket(parsing: try #require(out.last).data)
        #expect(compound.packets.last == .goodbye(RTCPGoodbye(ssrcs: [harness.session.ssrc])))
        harness.loop.advanceTime(by: .seconds(30))
        #expect(try harness.outbound(harness.rtcp).isEmpty)
        #expect(!harness.session.sendAudio(ByteBuffer(bytes: [1]), samples: 160))
    }
}
