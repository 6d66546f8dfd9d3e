import RTP
import Testing

/// ``JitterBufferConsumer/withPacketAfterLoss(_:)``: the packet after a lost one, lent for its
/// in-band FEC, only when the tick concealed a loss and that packet is already here.
@Suite("Jitter buffer: the packet after a loss, for FEC")
struct JitterPacketAfterLossTests {
    /// 8 kHz, 20 ms: packet i sent at 20 i ms, arriving 30, 45 or 60 ms later (a repeating
    /// jitter that makes the buffer hold a couple of frames); `lost` never arrive.
    static func stream(count: Int, lost: Set<Int>) -> [JitterTestPacket] {
        (0..<count).map { index in
            JitterTestPacket(
                index: index, sequenceNumber: UInt16(truncatingIfNeeded: 1_000 + index),
                timestamp: UInt32(truncatingIfNeeded: 50_000 + 160 * index), sendMicroseconds: Int64(index) * 20_000,
                arrivalMicroseconds: lost.contains(index) ? nil : Int64(index) * 20_000 + 30_000 + Int64(index % 3) * 15_000)
        }
    }

    /// Plays `packets` on the README's playout model; for each tick, what was played and which
    /// packet (by stream index) `withPacketAfterLoss` lent, if any.
    static func play(_ packets: [JitterTestPacket], ticks: Int) throws -> [(played: Int?, concealed: Bool, lent: Int?)] {
        var harness = try JitterHarness()
        let arrived = packets.filter { $0.arrivalMicroseconds != nil }.sorted { ($0.arrivalMicroseconds ?? 0) < ($1.arrivalMicroseconds ?? 0) }
        var next = 0
        var result: [(Int?, Bool, Int?)] = []
        let start = (arrived.first?.arrivalMicroseconds ?? 0) + 10_000
        for tick in 0..<ticks {
            let now = start + Int64(tick) * 20_000
            while next < arrived.count, let arrival = arrived[next].arrivalMicroseconds, arrival <= now {
                harness.put(arrived[next])
                next += 1
            }
            let played = harness.get(now: now)
            var concealed = false
            if case .conceal = played.playout { concealed = true }
            let lent = harness.consumer.withPacketAfterLoss { _, payload in JitterTestPacket.index(fromPayload: payload) } ?? nil
            result.append((played.index, concealed, lent))
        }
        return result
    }

    @Test("one lost packet: its tick conceals and lends the next packet, which then plays")
    func singleLoss() throws {
        let ticks = try Self.play(Self.stream(count: 40, lost: [20]), ticks: 50)
        let lossTick = try #require(ticks.firstIndex { $0.concealed && $0.lent != nil })
        #expect(ticks[lossTick].lent == 21)
        #expect(ticks[lossTick + 1].played == 21)
        #expect(ticks[lossTick - 1].played == 19)
        #expect(ticks.filter { $0.lent != nil }.count == 1, "lent only at the loss")
        #expect(ticks.compactMap(\.played).count == 39, "every other packet played")
    }

    @Test("two losses in a row: the frame of the first is never lent a packet (its successor is lost too); the second may be lent the packet after it")
    func burst() throws {
        let ticks = try Self.play(Self.stream(count: 40, lost: [20, 21]), ticks: 50)
        let after19 = try #require(ticks.firstIndex { $0.played == 19 }) + 1
        #expect(ticks[after19].concealed || ticks[after19].played == 22, "the frame of 20 is concealed or skipped")
        #expect(ticks[after19].lent == nil)
        let lent = ticks.compactMap(\.lent)
        #expect(lent == [] || lent == [22], "lent: \(lent)")
        if let lentAt = ticks.firstIndex(where: { $0.lent != nil }) {
            #expect(ticks[lentAt].concealed)
            #expect(ticks[lentAt + 1].played == 22)
        }
        #expect(ticks.compactMap(\.played).count == 38)
    }

    @Test("no loss, nothing lent: concealments that only grow the delay and frames never lend")
    func noLoss() throws {
        let ticks = try Self.play(Self.stream(count: 40, lost: []), ticks: 50)
        #expect(ticks.allSatisfy { $0.lent == nil })
        #expect(ticks.compactMap(\.played).count == 40)
    }
}
