/// The median, minimum and maximum of the per-repetition timings (ns per message).
struct TimingStatistics: Sendable {
    /// The median (the mean of the two middle values for an even count).
    let median: Double
    /// The fastest repetition.
    let minimum: Double
    /// The slowest repetition.
    let maximum: Double
    /// The number of repetitions.
    let count: Int

    /// Summarizes `samples`; all zero when there are none.
    init(_ samples: [Double]) {
        let sorted = samples.sorted()
        count = sorted.count
        guard let first = sorted.first, let last = sorted.last else {
            median = 0
            minimum = 0
            maximum = 0
            return
        }
        minimum = first
        maximum = last
        let middle = sorted.count / 2
        median = sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
