import Synchronization

/// The audio thread's counters: written by that thread only (relaxed atomics, no locks), read
/// by anyone into an ``AudioEngineStatistics``.
final class AudioEngineCounters: Sendable {
    let cycles = Atomic<Int>(0)
    let lateCycles = Atomic<Int>(0)
    let maximumProcessing = Atomic<Int>(0)
    let totalProcessing = Atomic<Int>(0)
    let framesEncoded = Atomic<Int>(0)
    let encodeFailures = Atomic<Int>(0)
    let framesDecoded = Atomic<Int>(0)
    let framesRecovered = Atomic<Int>(0)
    let framesConcealed = Atomic<Int>(0)
    let silentTicks = Atomic<Int>(0)
    let resamplerShortfalls = Atomic<Int>(0)
    let shortReads = Atomic<Int>(0)
    let alignment = Atomic<Int>(0)
    let running = Atomic<Bool>(false)

    func bump(_ counter: borrowing Atomic<Int>) {
        counter.store(counter.load(ordering: .relaxed) &+ 1, ordering: .relaxed)
    }

    func snapshot(outboundDropped: Int) -> AudioEngineStatistics {
        var statistics = AudioEngineStatistics()
        statistics.cycles = cycles.load(ordering: .relaxed)
        statistics.lateCycles = lateCycles.load(ordering: .relaxed)
        statistics.maximumProcessingMicroseconds = maximumProcessing.load(ordering: .relaxed)
        statistics.totalProcessingMicroseconds = totalProcessing.load(ordering: .relaxed)
        statistics.framesEncoded = framesEncoded.load(ordering: .relaxed)
        statistics.encodeFailures = encodeFailures.load(ordering: .relaxed)
        statistics.outboundDropped = outboundDropped
        statistics.framesDecoded = framesDecoded.load(ordering: .relaxed)
        statistics.framesRecovered = framesRecovered.load(ordering: .relaxed)
        statistics.framesConcealed = framesConcealed.load(ordering: .relaxed)
        statistics.silentTicks = silentTicks.load(ordering: .relaxed)
        statistics.resamplerShortfalls = resamplerShortfalls.load(ordering: .relaxed)
        statistics.shortReads = shortReads.load(ordering: .relaxed)
        statistics.echoPathAlignmentSamples = alignment.load(ordering: .relaxed)
        statistics.running = running.load(ordering: .relaxed)
        return statistics
    }
}
