import RTP
import Testing

@Suite("Jitter buffer: talkspurts, clock drift, route changes")
struct JitterAdaptationTests {
    /// Deterministic pseudo-random jitter from 0 to `maximum` µs (a fixed LCG, no global state).
    static func jitter(_ index: Int, maximum: Int64) -> Int64 {
        let mixed = UInt64(truncatingIfNeeded: index) &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int64((mixed >> 33) % UInt64(maximum + 1))
    }

    /// Two talkspurts of 100 packets with 1 s of silence between them (RFC 3551 §4.1: the
    /// sequence number goes on, the timestamp jumps, the marker bit starts the second).
    static func talkspurts(delay: (Int) -> Int64) -> [JitterTestPacket] {
        var packets = JitterTestPacket.stream(count: 200, delay: delay)
        for index in 100..<200 {
            packets[index].timestamp &+= 50 * 160
            packets[index].sendMicroseconds += 1_000_000
            packets[index].arrivalMicroseconds = packets[index].arrivalMicroseconds.map { $0 + 1_000_000 }
        }
        packets[100].marker = true
        return packets
    }

    @Test("a talkspurt after silence starts with its marker, loses nothing and keeps the delay")
    func talkspurtAfterSilence() throws {
        let packets = Self.talkspurts { 40_000 + Self.jitter($0 % 100, maximum: 8_000) }
        var harness = try JitterHarness()
        let ticks = harness.run(packets)
        #expect(ticks.playedIndices == Array(0..<200))
        let marker = try #require(ticks.first { $0.index == 100 }?.frame)
        #expect(marker.marker)
        // Waiting through the silence must not add delay: the second talkspurt has the same
        // jitter as the first, so it is played with the same delays.
        let delays = ticks.delays(of: packets)
        for index in 0..<100 { #expect(delays[index + 100] == delays[index], "packet \(index + 100)") }
        // No frame is played between the two talkspurts.
        let last = try #require(ticks.firstIndex { $0.index == 99 })
        let first = try #require(ticks.firstIndex { $0.index == 100 })
        #expect(first - last >= 50)
        #expect(ticks[(last + 1)..<first].allSatisfy { !$0.isFrame })
    }

    @Test("silence lets the delay shrink for free: the next talkspurt starts at the lower target")
    func talkspurtShrinksForFree() throws {
        // 40 ms of jitter early in the first talkspurt, almost none afterwards. With a 500 ms
        // window the target falls within the first talkspurt, but dropping a packet to follow
        // it is not worth it yet; the silence before the second talkspurt is.
        let packets = Self.talkspurts { index in
            30_000 + (index < 30 ? Self.jitter(index, maximum: 40_000) : 1_000)
        }
        let configuration = JitterBufferConfiguration(clockRate: 8000, samplesPerFrame: 160, statisticsWindowMs: 500)
        var harness = try JitterHarness(configuration)
        let ticks = harness.run(packets)
        #expect(Set(ticks.playedIndices).isSuperset(of: 30..<200))
        #expect(harness.consumer.statistics.droppedToShrink == 0)
        let delays = ticks.delays(of: packets)
        let endOfFirst = try #require((80..<100).compactMap { delays[$0] }.max())
        let second = try #require((100..<200).compactMap { delays[$0] }.max())
        #expect(second + 20_000 <= endOfFirst)
        #expect(harness.consumer.statistics.skippedToShrink >= 1)
    }

    @Test("a fast sender clock is absorbed by dropping single frames, never bursts")
    func fastSenderClock() throws {
        // 0.5 % fast: 3000 frames in 2985 frame times, 15 frames too many.
        let packets = JitterTestPacket.stream(count: 3000, clockRatio: 1.005) { 30_000 + Self.jitter($0, maximum: 6_000) }
        var harness = try JitterHarness()
        let ticks = harness.run(packets)
        let statistics = harness.consumer.statistics
        #expect(statistics.droppedToShrink >= 5)
        // Only frames dropped on purpose are missing.
        let played = ticks.playedIndices
        #expect(played == played.sorted())
        #expect(played.count + statistics.droppedToShrink + statistics.late == 3000)
        #expect(statistics.late == 0)
        // Without drops the delay would grow by 300 ms; it stays within a few frames.
        let delays = ticks.delays(of: packets)
        let early = try #require((100..<600).compactMap { delays[$0] }.max())
        let late = try #require((2500..<3000).compactMap { delays[$0] }.max())
        #expect(late <= early + 60_000)
        // Drops are single frames at least five ticks apart.
        let drops = zip(ticks.indices.dropFirst(), zip(ticks, ticks.dropFirst())).compactMap { position, pair in
            (pair.0.index.flatMap { a in pair.1.index.map { b in b - a } } ?? 1) > 1 ? position : nil
        }
        #expect(drops.count == statistics.droppedToShrink)
        #expect(zip(drops, drops.dropFirst()).allSatisfy { $1 - $0 >= 5 })
    }

    @Test("a slow sender clock is absorbed by concealing, and every packet is played")
    func slowSenderClock() throws {
        let packets = JitterTestPacket.stream(count: 3000, clockRatio: 0.995) { 30_000 + Self.jitter($0, maximum: 6_000) }
        var harness = try JitterHarness()
        let ticks = harness.run(packets)
        #expect(ticks.playedIndices == Array(0..<3000))
        let delays = ticks.delays(of: packets)
        let early = try #require((100..<600).compactMap { delays[$0] }.max())
        let late = try #require((2500..<3000).compactMap { delays[$0] }.max())
        #expect(late <= early + 40_000)
    }

    @Test("a route change to a longer path loses nothing; back to a shorter one, the delay shrinks")
    func routeChanges() throws {
        // 30 ms, then 110 ms from packet 1000, then 50 ms from packet 2000. Dropping packets to
        // shrink waits until the shorter delay has sufficed for the break-even time (~16 s).
        let packets = JitterTestPacket.stream(count: 3500) { index in
            (index < 1000 ? 30_000 : index < 2000 ? 110_000 : 50_000) + Self.jitter(index, maximum: 5_000)
        }
        var harness = try JitterHarness()
        let ticks = harness.run(packets)
        let played = Set(ticks.playedIndices)
        #expect(played.isSuperset(of: 900..<1100))
        let delays = ticks.delays(of: packets)
        let middle = try #require((1500..<2000).compactMap { delays[$0] }.max())
        let end = try #require((3300..<3500).compactMap { delays[$0] }.max())
        #expect(end + 40_000 <= middle)
    }
}
