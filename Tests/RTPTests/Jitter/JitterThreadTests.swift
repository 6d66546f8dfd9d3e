import Foundation
import Glibc
import RTP
import Synchronization
import Testing

@Suite("Jitter buffer: a real producer thread and consumer thread")
struct JitterThreadTests {
    /// Moves a value into or out of a thread's closure: a non-copyable half of the buffer in,
    /// results out. Written by one thread, then read by another after a semaphore, which
    /// orders the two.
    final class Handoff<Value: ~Copyable>: @unchecked Sendable {
        private var value: Value?
        init(_ value: consuming Value?) { self.value = consume value }
        func take() -> Value? { value.take() }
        func put(_ newValue: consuming Value) { value = consume newValue }
    }

    /// What the producer thread tells the consumer thread.
    final class Progress: Sendable {
        /// Set once every packet has been put.
        let finished = Atomic<Bool>(false)
        /// Packets the producer dropped as late (never stored), final once `finished`.
        let producerLate = Atomic<Int>(0)
        /// Packets put so far: the consumer ticks no faster than packets come, as an audio
        /// clock and a sender clock of the same rate would.
        let putCount = Atomic<Int>(0)
        /// Ticks the consumer has made: the producer's progress check while the buffer is full.
        let tickCount = Atomic<Int>(0)
        /// Set when the consumer stops.
        let consumerStopped = Atomic<Bool>(false)
    }

    /// What the consumer thread saw.
    struct ConsumerReport {
        /// The consumer's counters at the end.
        let statistics: JitterConsumerStatistics
        /// The packet indices played, in order.
        let played: [Int]
        /// Frames whose payload was not exactly a packet's.
        let torn: Int
        /// Whether the iteration budget ran out before every packet was accounted for.
        let exhausted: Bool
    }

    /// Spins (each yielding the processor) without progress from the other thread before a
    /// thread gives up.
    static let stallLimit = 5_000_000

    /// Payload of packet `index`: 8 bytes of the index, then bytes derived from it.
    static func fill(_ bytes: UnsafeMutableRawBufferPointer, index: Int) {
        bytes.storeBytes(of: UInt64(index), toByteOffset: 0, as: UInt64.self)
        for offset in 8..<bytes.count { bytes[offset] = UInt8(truncatingIfNeeded: index &* 31 &+ offset) }
    }

    /// Whether `bytes` is exactly the payload of some packet; returns its index.
    static func check(_ bytes: UnsafeRawBufferPointer) -> Int? {
        guard bytes.count >= 8 else { return nil }
        let index = Int(bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
        for offset in 8..<bytes.count where bytes[offset] != UInt8(truncatingIfNeeded: index &* 31 &+ offset) {
            return nil
        }
        return index
    }

    @Test("every packet put on one thread is played intact and in order on another, or accounted for")
    func producerAndConsumerThreads() throws {
        let count = 200_000
        let payloadBytes = 48
        let configuration = JitterBufferConfiguration(
            clockRate: 8000, samplesPerFrame: 160, capacityFrames: 16, maximumPayloadBytes: payloadBytes)
        let buffer = try JitterBuffer(configuration)
        let producerHandoff = Handoff(buffer.producer)
        let consumerHandoff = Handoff(buffer.consumer)
        let progress = Progress()
        let producerDone = DispatchSemaphore(value: 0)
        let consumerDone = DispatchSemaphore(value: 0)
        let producerReport = Handoff<JitterProducerStatistics>(nil)
        let consumerReport = Handoff<ConsumerReport>(nil)

        let producerThread = Thread {
            defer { producerDone.signal() }
            guard var producer = producerHandoff.take() else { return }
            let payload = UnsafeMutableRawBufferPointer.allocate(byteCount: payloadBytes, alignment: 8)
            defer { payload.deallocate() }
            var index = 0
            // Waiting on a full buffer is bounded by attempts without progress from the
            // consumer, never by time: a consumer that stops taking packets fails the test
            // instead of hanging it.
            var stalled = 0
            var consumerTicks = 0
            while index < count && stalled < Self.stallLimit && !progress.consumerStopped.load(ordering: .relaxed) {
                Self.fill(payload, index: index)
                let result = producer.put(
                    sequenceNumber: UInt16(truncatingIfNeeded: index), timestamp: UInt32(truncatingIfNeeded: index * 160),
                    arrivalMicroseconds: Int64(index) * 20_000, marker: index == 0, payload: UnsafeRawBufferPointer(payload))
                // A full buffer is back-pressure here: put the same packet again until it fits.
                if result != .overflow {
                    index += 1
                    progress.putCount.store(index, ordering: .releasing)
                    stalled = 0
                } else {
                    let ticks = progress.tickCount.load(ordering: .relaxed)
                    stalled = ticks == consumerTicks ? stalled + 1 : 0
                    consumerTicks = ticks
                    sched_yield()
                }
            }
            progress.producerLate.store(producer.statistics.late, ordering: .relaxed)
            progress.finished.store(true, ordering: .releasing)
            producerReport.put(producer.statistics)
        }
        let consumerThread = Thread {
            defer { consumerDone.signal() }
            guard var consumer = consumerHandoff.take() else { return }
            let output = UnsafeMutableRawBufferPointer.allocate(byteCount: payloadBytes, alignment: 8)
            defer { output.deallocate() }
            var played: [Int] = []
            played.reserveCapacity(count)
            var torn = 0
            var tick: Int64 = 0
            var exhausted = true
            // Waiting for packets is bounded by iterations without progress from the producer,
            // never by time.
            var stalled = 0
            var producerCount = 0
            while stalled < Self.stallLimit {
                // Tick k once k + 2 packets have been put (or all of them): the consumer may
                // run ahead of the producer by two frames, which is what it has to cope with.
                let finished = progress.finished.load(ordering: .acquiring)
                let put = progress.putCount.load(ordering: .acquiring)
                if !finished && tick + 2 > Int64(put) {
                    stalled = put == producerCount ? stalled + 1 : 0
                    producerCount = put
                    sched_yield()
                    continue
                }
                stalled = 0
                tick += 1
                progress.tickCount.store(Int(tick), ordering: .relaxed)
                if case .frame(let frame) = consumer.get(nowMicroseconds: tick * 20_000, payload: output) {
                    if let index = Self.check(UnsafeRawBufferPointer(rebasing: output[0..<frame.payloadBytes])) {
                        played.append(index)
                    } else {
                        torn += 1
                    }
                }
                let statistics = consumer.statistics
                if finished,
                    played.count + torn + statistics.droppedToShrink + statistics.late
                        + progress.producerLate.load(ordering: .relaxed) == count
                {
                    exhausted = false
                    break
                }
                if finished && tick > Int64(count) * 4 { break }
            }
            progress.consumerStopped.store(true, ordering: .relaxed)
            consumerReport.put(ConsumerReport(statistics: consumer.statistics, played: played, torn: torn, exhausted: exhausted))
        }
        producerThread.start()
        consumerThread.start()
        producerDone.wait()
        consumerDone.wait()

        let producerStatistics = try #require(producerReport.take())
        let report = try #require(consumerReport.take())
        #expect(!report.exhausted, "the consumer did not account for every packet")
        #expect(report.torn == 0)
        #expect(report.played.count > count * 9 / 10)
        #expect(zip(report.played, report.played.dropFirst()).allSatisfy { $0 < $1 })
        #expect(producerStatistics.stored + producerStatistics.late == count)
        #expect(producerStatistics.duplicates == 0)
        #expect(report.played.count + report.statistics.droppedToShrink + report.statistics.late == producerStatistics.stored)
    }
}

