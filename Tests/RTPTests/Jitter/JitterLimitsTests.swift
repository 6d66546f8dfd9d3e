import RTP
import Testing

@Suite("Jitter buffer: capacity, payload size, configuration, restarts")
struct JitterLimitsTests {
    @Test("packets beyond the capacity are refused as overflow, and playout recovers afterwards")
    func capacityOverflow() throws {
        let configuration = JitterBufferConfiguration(clockRate: 8000, samplesPerFrame: 160, capacityFrames: 8)
        var harness = try JitterHarness(configuration)
        // 20 packets arrive in one burst before the first tick, then 40 more on time.
        var packets = JitterTestPacket.stream(count: 60) { _ in 10_000 }
        for index in 0..<20 { packets[index].arrivalMicroseconds = 1_010_000 }
        for packet in packets.prefix(20) { harness.put(packet) }
        #expect(harness.putResults == Array(repeating: .stored, count: 8) + Array(repeating: .overflow, count: 12))
        #expect(harness.producer.statistics.overflow == 12)
        var played: [Int] = []
        var next = 20
        for k in 0..<80 {
            let now: Int64 = 1_020_000 + Int64(k) * 20_000
            while next < 60, let arrival = packets[next].arrivalMicroseconds, arrival <= now {
                harness.put(packets[next])
                next += 1
            }
            if let index = harness.get(now: now).index { played.append(index) }
        }
        #expect(played.prefix(8) == ArraySlice(0..<8))
        #expect(Set(played).isSuperset(of: 22..<60))
        #expect(played == played.sorted())
    }

    @Test("a payload over the limit is refused; a short destination gets a truncated copy")
    func payloadLimits() throws {
        let configuration = JitterBufferConfiguration(clockRate: 8000, samplesPerFrame: 160, maximumPayloadBytes: 16)
        let buffer = try JitterBuffer(configuration)
        var producer = buffer.producer
        var consumer = buffer.consumer
        let big = [UInt8](repeating: 7, count: 17)
        let fits = [UInt8](0..<16)
        #expect(big.withUnsafeBytes { producer.put(sequenceNumber: 1, timestamp: 0, arrivalMicroseconds: 0, marker: true, payload: $0) } == .payloadTooLarge)
        #expect(fits.withUnsafeBytes { producer.put(sequenceNumber: 2, timestamp: 160, arrivalMicroseconds: 0, marker: false, payload: $0) } == .stored)
        #expect(producer.statistics.payloadTooLarge == 1)
        var destination = [UInt8](repeating: 0, count: 4)
        let playout = destination.withUnsafeMutableBytes { consumer.get(nowMicroseconds: 10_000, payload: $0) }
        guard case .frame(let frame) = playout else {
            Issue.record("expected a frame, got \(playout)")
            return
        }
        #expect(frame.payloadBytes == 4)
        #expect(frame.isTruncated)
        #expect(destination == [0, 1, 2, 3])
    }

    @Test("configurations out of range are refused, naming the field", arguments: [
        (JitterBufferConfiguration(clockRate: 0, samplesPerFrame: 160), JitterBufferConfigurationError.Code.outOfRange, "clockRate"),
        (JitterBufferConfiguration(clockRate: 8000, samplesPerFrame: 0), .outOfRange, "samplesPerFrame"),
        (JitterBufferConfiguration(clockRate: 8000, samplesPerFrame: 160, capacityFrames: 100), .notPowerOfTwo, "capacityFrames"),
        (JitterBufferConfiguration(clockRate: 8000, samplesPerFrame: 160, capacityFrames: 4), .outOfRange, "capacityFrames"),
        (JitterBufferConfiguration(clockRate: 8000, samplesPerFrame: 160, maximumPayloadBytes: 0), .outOfRange, "maximumPayloadBytes"),
        (JitterBufferConfiguration(clockRate: 8000, samplesPerFrame: 160, statisticsWindowMs: 10), .outOfRange, "statisticsWindowMs"),
    ])
    func invalidConfiguration(configuration: JitterBufferConfiguration, code: JitterBufferConfigurationError.Code, field: String) {
        #expect(throws: JitterBufferConfigurationError.self) { try configuration.validate() }
        do {
            _ = try JitterBuffer(configuration)
            Issue.record("accepted \(configuration)")
        } catch {
            #expect(error.code == code)
            #expect(error.field.description == field)
        }
    }

    @Test("a sender that restarts with new sequence numbers and timestamps is followed after a restart")
    func senderRestart() throws {
        var packets = JitterTestPacket.stream(count: 200) { 20_000 + Int64($0 % 3) * 1_000 }
        for index in 100..<200 {
            packets[index].sequenceNumber &+= 30_000
            packets[index].timestamp &+= 123_456_789
        }
        packets[100].marker = true
        var harness = try JitterHarness()
        let played = harness.run(packets).playedIndices
        #expect(harness.producer.statistics.resynchronizations == 1)
        #expect(played == played.sorted())
        #expect(Set(played).isSuperset(of: 0..<100))
        #expect(Set(played).isSuperset(of: 102..<200))
    }

    @Test("garbage never traps: random fields, arrival times and tick times")
    func garbage() throws {
        var harness = try JitterHarness(JitterBufferConfiguration(clockRate: 48_000, samplesPerFrame: 960, capacityFrames: 16))
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state
        }
        for round in 0..<20_000 {
            let packet = JitterTestPacket(
                index: round, sequenceNumber: UInt16(truncatingIfNeeded: next() >> 20),
                timestamp: UInt32(truncatingIfNeeded: next() >> 7), sendMicroseconds: 0,
                arrivalMicroseconds: Int64(bitPattern: next()), marker: next() & 1 == 0)
            harness.put(packet)
            if round % 3 == 0 { _ = harness.get(now: Int64(bitPattern: next())) }
        }
        let statistics = harness.producer.statistics
        #expect(statistics.stored + statistics.duplicates + statistics.late + statistics.overflow == 20_000)
    }
}
