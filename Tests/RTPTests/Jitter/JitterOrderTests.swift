import RTP
import Testing

@Suite("Jitter buffer: order, reordering, duplicates, loss, wrapping")
struct JitterOrderTests {
    /// Small deterministic jitter, 0 to 4 ms.
    static func jitter(_ index: Int) -> Int64 { Int64((index * 7) % 5) * 1000 }

    @Test("packets in order are all played, in order, one per tick, from the first tick")
    func inOrder() throws {
        let packets = JitterTestPacket.stream(count: 200) { 5_000 + Self.jitter($0) }
        var harness = try JitterHarness()
        let ticks = harness.run(packets)
        #expect(ticks.first?.index == 0)
        #expect(ticks.playedIndices == Array(0..<200))
        let playing = ticks.prefix(200)
        #expect(playing.allSatisfy { $0.isFrame })
        for tick in playing {
            let frame = try #require(tick.frame)
            let packet = packets[try #require(tick.index)]
            #expect(frame.sequenceNumber == packet.sequenceNumber)
            #expect(frame.timestamp == packet.timestamp)
            #expect(frame.payloadBytes == 8)
        }
        #expect(harness.consumer.statistics.late == 0)
    }

    @Test("reordered packets are played in sequence order once the buffer has seen reordering")
    func reordered() throws {
        // Every tenth packet takes a slower path and is overtaken by the next one.
        let packets = JitterTestPacket.stream(count: 300) { index in
            30_000 + Self.jitter(index) + (index % 10 == 5 ? 25_000 : 0)
        }
        var harness = try JitterHarness()
        let played = harness.run(packets).playedIndices
        #expect(played == played.sorted())
        #expect(Set(played).count == played.count)
        // The first overtaken packet may be late (nothing had been reordered before it); every
        // later one is waited for.
        #expect(played.count >= 299)
        #expect(Set(played).isSuperset(of: 10..<300))
    }

    @Test("a duplicate is refused whether the original is still buffered or already played")
    func duplicates() throws {
        let packets = JitterTestPacket.stream(count: 100) { 10_000 + Self.jitter($0) }
        var stream: [JitterTestPacket] = []
        for packet in packets {
            stream.append(packet)
            var soon = packet
            soon.arrivalMicroseconds = packet.arrivalMicroseconds.map { $0 + 1_000 }
            stream.append(soon)
            if packet.index % 10 == 0 {
                var afterPlay = packet
                afterPlay.arrivalMicroseconds = packet.arrivalMicroseconds.map { $0 + 200_000 }
                stream.append(afterPlay)
            }
        }
        var harness = try JitterHarness()
        let played = harness.run(stream).playedIndices
        #expect(played == Array(0..<100))
        #expect(harness.producer.statistics.duplicates == 110)
        #expect(harness.producer.statistics.stored == 100)
        #expect(harness.putResults.count { $0 == .duplicate } == 110)
    }

    @Test("lost packets are concealed one tick each and the delay is unchanged after them")
    func lost() throws {
        let lost: Set<Int> = [50, 51, 100]
        let packets = JitterTestPacket.stream(count: 200) { lost.contains($0) ? nil : 5_000 + Self.jitter($0) }
        var harness = try JitterHarness()
        let ticks = harness.run(packets)
        #expect(ticks.playedIndices == (0..<200).filter { !lost.contains($0) })
        let firstFrame = try #require(ticks.firstIndex { $0.isFrame })
        let lastFrame = try #require(ticks.lastIndex { $0.isFrame })
        let window = ticks[firstFrame...lastFrame]
        #expect(window.count { $0.playout == .conceal } == 3)
        let delays = ticks.delays(of: packets)
        #expect(delays[52] == delays[49])
        #expect(delays[101] == delays[99])
    }

    @Test("reading frames in place plays exactly what copying them out plays")
    func inPlaceMatchesCopy() throws {
        let packets = JitterTestPacket.stream(count: 400) { index in
            index % 50 == 7 ? nil : 20_000 + Self.jitter(index) + (index % 23 == 3 ? 30_000 : 0)
        }
        var copying = try JitterHarness()
        var inPlace = try JitterHarness()
        let copied = copying.run(packets)
        let read = inPlace.run(packets, inPlace: true)
        #expect(copied == read)
        #expect(read.count { $0.isFrame } > 380)
        #expect(read.allSatisfy { !$0.isFrame || $0.frame?.payloadBytes == 8 })
    }

    @Test("sequence numbers and timestamps that wrap are played in order with their wire values")
    func wrapping() throws {
        let packets = JitterTestPacket.stream(
            count: 100, firstSequenceNumber: 65_530, firstTimestamp: UInt32.max - 3 * 160 + 1
        ) { 8_000 + Self.jitter($0) }
        #expect(packets[6].sequenceNumber == 0)
        #expect(packets[3].timestamp == 0)
        var harness = try JitterHarness()
        let ticks = harness.run(packets)
        #expect(ticks.playedIndices == Array(0..<100))
        for tick in ticks where tick.isFrame {
            let frame = try #require(tick.frame)
            let packet = packets[try #require(tick.index)]
            #expect(frame.sequenceNumber == packet.sequenceNumber)
            #expect(frame.timestamp == packet.timestamp)
        }
    }
}
