import Audio
import RTP
import Testing

/// ``OpusPlayout``: the jitter buffer's decisions turned into PCM, with in-band FEC for a lost
/// packet whose successor is here, PLC otherwise.
@Suite("Opus playout from the jitter buffer: decode, FEC, PLC, silence")
struct OpusPlayoutTests {
    /// Plays 2 s of speech-like audio at 16 kHz, 20 ms packets arriving 40, 55 or 70 ms after
    /// sending (a repeating jitter, so the buffer holds a frame or two), without the packets in
    /// `lost`; returns each tick's outcome and the PCM.
    static func run(lost: Set<Int>, fec: Bool) throws -> (outcomes: [OpusPlayout.Outcome], pcm: [Int16]) {
        let rate: Int32 = 16_000
        let frame = 320
        let pcm = Signals.speechLike(rate: Int(rate), seconds: 2)
        let encoder = try OpusAudioEncoder(configuration: OpusConfiguration(sampleRate: rate, bitrate: 20_000, inbandFEC: fec, expectedLossPercent: 20))
        var packets: [[UInt8]] = []
        var scratch = [UInt8](repeating: 0, count: 1_500)
        for start in stride(from: 0, to: pcm.count - frame + 1, by: frame) {
            let length = try pcm[start..<(start + frame)].withUnsafeBufferPointer { input in
                try scratch.withUnsafeMutableBytes { try encoder.encode(input, into: $0) }
            }
            packets.append(Array(scratch[0..<length]))
        }
        let buffer = try JitterBuffer(JitterBufferConfiguration(clockRate: 16_000, samplesPerFrame: frame))
        var producer = buffer.producer
        var consumer = buffer.consumer
        let playout = OpusPlayout(decoder: try OpusAudioDecoder(sampleRate: rate), samplesPerFrame: frame)
        var outcomes: [OpusPlayout.Outcome] = []
        var output: [Int16] = []
        var tickPCM = [Int16](repeating: 0, count: frame)
        func arrival(_ index: Int) -> Int64 { Int64(index) * 20_000 + 40_000 + Int64(index % 3) * 15_000 }
        let order = packets.indices.filter { !lost.contains($0) }.sorted { arrival($0) < arrival($1) }
        var next = 0
        for tick in 0..<(packets.count + 10) {
            let now = Int64(tick) * 20_000 + 50_000
            while next < order.count, arrival(order[next]) <= now {
                let index = order[next]
                _ = packets[index].withUnsafeBytes { payload in
                    producer.put(
                        sequenceNumber: UInt16(index), timestamp: UInt32(index * frame),
                        arrivalMicroseconds: arrival(index), marker: index == 0, payload: payload)
                }
                next += 1
            }
            let outcome = tickPCM.withUnsafeMutableBufferPointer { playout.tick(&consumer, nowMicroseconds: now, into: $0) }
            outcomes.append(outcome)
            output += tickPCM
        }
        return (outcomes, output)
    }

    @Test("isolated losses with FEC on: each rebuilt from the next packet's FEC (or concealed), never silence mid-stream")
    func fecAtLosses() throws {
        let lost: Set<Int> = [20, 35, 50, 65, 80]
        let (outcomes, _) = try Self.run(lost: lost, fec: true)
        let first = try #require(outcomes.firstIndex(of: .decoded))
        let middle = outcomes[first..<(first + 95)]
        // Every packet but the lost ones is decoded; the lost frames are rebuilt or concealed
        // (a concealment or two more may grow the delay while the buffer adapts).
        let decodedCount = middle.filter { $0 == .decoded }.count
        let repaired = middle.filter { $0 == .recoveredByFEC || $0 == .concealed }.count
        #expect(decodedCount + repaired == 95)
        #expect((lost.count...(lost.count + 2)).contains(repaired), "\(middle.filter { $0 != .decoded })")
        #expect(middle.filter { $0 == .recoveredByFEC }.count >= 3, "\(middle.filter { $0 != .decoded })")
        #expect(!middle.contains(.silence))
    }

    @Test("FEC output is closer to the lossless signal than concealment alone")
    func fecBeatsConcealment() throws {
        let lost: Set<Int> = [20, 35, 50, 65, 80]
        let reference = try Self.run(lost: [], fec: true).pcm
        let withFEC = try Self.run(lost: lost, fec: true).pcm
        let withoutFEC = try Self.run(lost: lost, fec: false).pcm
        let referenceNoFEC = try Self.run(lost: [], fec: false).pcm
        func error(_ a: [Int16], _ b: [Int16]) -> Double {
            zip(a, b).reduce(0.0) { $0 + (Double($1.0) - Double($1.1)) * (Double($1.0) - Double($1.1)) }
        }
        let fecError = error(withFEC, reference)
        let plcError = error(withoutFEC, referenceNoFEC)
        #expect(fecError < plcError, "FEC \(fecError) against PLC \(plcError)")
    }

    @Test("a corrupt packet is concealed, not a crash; before the first packet it is silence")
    func corruptPacket() throws {
        let buffer = try JitterBuffer(JitterBufferConfiguration(clockRate: 48_000, samplesPerFrame: 960))
        var producer = buffer.producer
        var consumer = buffer.consumer
        let playout = OpusPlayout(decoder: try OpusAudioDecoder(sampleRate: 48_000), samplesPerFrame: 960)
        var pcm = [Int16](repeating: 7, count: 960)
        #expect(pcm.withUnsafeMutableBufferPointer { playout.tick(&consumer, nowMicroseconds: 0, into: $0) } == .silence)
        #expect(pcm.allSatisfy { $0 == 0 })
        let corrupt: [UInt8] = [0x03, 0x00]
        _ = corrupt.withUnsafeBytes { producer.put(sequenceNumber: 1, timestamp: 960, arrivalMicroseconds: 10_000, marker: true, payload: $0) }
        var outcomes: [OpusPlayout.Outcome] = []
        for tick in 1...4 {
            outcomes.append(pcm.withUnsafeMutableBufferPointer { playout.tick(&consumer, nowMicroseconds: Int64(tick) * 20_000, into: $0) })
        }
        #expect(outcomes.contains(.concealed))
        #expect(!outcomes.contains(.decoded))
        var small = [Int16](repeating: 0, count: 10)
        #expect(small.withUnsafeMutableBufferPointer { playout.tick(&consumer, nowMicroseconds: 100_000, into: $0) } == .silence)
    }
}
