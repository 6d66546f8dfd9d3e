import Intercom

/// The figures of one `Benchmarks parser` run, and their text and JSON renderings.
struct ParserResult: Sendable {
    /// The corpus directory.
    let corpusDirectory: String
    /// Messages in the corpus (one pass).
    let messageCount: Int
    /// Bytes in the corpus.
    let corpusBytes: Int
    /// Corpus passes in each timed repetition.
    let passesPerRepetition: Int
    /// Nanoseconds per message across the repetitions.
    let timing: TimingStatistics
    /// Corpus passes in the allocation-counting run.
    let allocationPasses: Int
    /// Heap allocations per message, or nil when they could not be counted.
    let allocationsPerMessage: Double?
    /// The checksum of one pass (printed so the extracted fields are consumed).
    let passChecksum: UInt64

    /// Messages per second at the median time per message.
    var messagesPerSecond: Double { 1e9 / timing.median }

    /// The report for people: several aligned lines, no trailing newline.
    var textReport: String {
        let allocations = allocationsPerMessage.map {
            "\(DecimalFormat.grouped($0, decimals: 2)) (malloc calls over \(allocationPasses) passes)"
        } ?? "n/a"
        return """
            parser benchmark
              corpus:       \(corpusDirectory) (\(messageCount) messages, \(corpusBytes) bytes)
              repetitions:  \(timing.count) x \(passesPerRepetition) passes
              msgs/s:       \(DecimalFormat.grouped(messagesPerSecond, decimals: 0))
              ns/msg:       \(DecimalFormat.grouped(timing.median, decimals: 1)) median \
            (min \(DecimalFormat.grouped(timing.minimum, decimals: 1)), \
            max \(DecimalFormat.grouped(timing.maximum, decimals: 1)))
              allocs/msg:   \(allocations)
              checksum:     \(passChecksum)
            """
    }

    /// The report for scripts: exactly one line of JSON, no trailing newline.
    ///
    /// `{"bench":"parser","msgs_per_s":N,"ns_per_msg":N,"allocs_per_msg":N,"messages":N,"corpus":"..."}`,
    /// where `allocs_per_msg` is `null` when allocations could not be counted.
    var jsonLine: String {
        func number(_ value: Double?, decimals: Int) -> String {
            value.flatMap { DecimalFormat.fixed($0, decimals: decimals) } ?? "null"
        }
        return "{\"bench\":\"parser\""
            + ",\"msgs_per_s\":\(number(messagesPerSecond, decimals: 0))"
            + ",\"ns_per_msg\":\(number(timing.median, decimals: 1))"
            + ",\"allocs_per_msg\":\(number(allocationsPerMessage, decimals: 3))"
            + ",\"messages\":\(messageCount)"
            + ",\"corpus\":\(JSONLine.quoted(corpusDirectory))}"
    }
}
