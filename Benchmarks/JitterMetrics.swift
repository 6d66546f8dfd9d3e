import RTP

/// The figures of one replay, defined as in `../shared/jitter-traces/README.md` ("Metrics")
/// and computed as `score_playout.py` computes them from a playout log, down to the floating
/// point: each delay is the tick's time in ms minus the send time in ms (both as the log and
/// the trace print them), and the mean adds the delays in ascending order.
struct JitterMetrics: Sendable {
    /// Packets in the trace.
    let packets: Int
    /// Packets the network lost.
    let networkLost: Int
    /// Packets played (each counted once).
    let played: Int
    /// Packets that arrived but were never played.
    let late: Int
    /// `late` / arrived packets.
    let lateLoss: Double
    /// Ticks without a frame / ticks from the first played frame to the last.
    let conceal: Double
    /// The mean of (tick played − send time) over played packets [ms]; nil when none played.
    let meanDelayMs: Double?
    /// The nearest-rank 95th percentile of the same [ms].
    let p95DelayMs: Double?
    /// The largest of the same [ms].
    let maxDelayMs: Double?
    /// Ticks that played a packet already played (must be 0).
    let duplicatePlays: Int
    /// Ticks that named a row outside the trace (must be 0).
    let invalidRows: Int
    /// The E-model R of the replay; nil when nothing played.
    let rFactor: Double?

    /// Scores `played` (the row of each tick, -1 for none) against the trace.
    init(replay: JitterReplay, played rows: [Int32]) {
        let trace = replay.trace
        let packets = trace.packets
        var playedAt = [Int64?](repeating: nil, count: packets.count)
        var duplicates = 0
        var invalid = 0
        var firstPlayed: Int?
        var lastPlayed: Int?
        for (tick, row) in rows.enumerated() where row >= 0 {
            guard Int(row) < packets.count else {
                invalid += 1
                continue
            }
            if firstPlayed == nil { firstPlayed = tick }
            lastPlayed = tick
            if playedAt[Int(row)] != nil {
                duplicates += 1
            } else {
                playedAt[Int(row)] = replay.tickTime(tick)
            }
        }
        var concealFraction = 0.0
        if let firstPlayed, let lastPlayed {
            let window = rows[firstPlayed...lastPlayed]
            concealFraction = Double(window.count { $0 < 0 }) / Double(window.count)
        }
        var delays: [Double] = []
        var networkLost = 0
        for (row, packet) in packets.enumerated() {
            guard packet.arrivalMicroseconds != nil else {
                networkLost += 1
                continue
            }
            if let tick = playedAt[row] {
                delays.append(Double(tick) / 1000 - Double(packet.sendMicroseconds) / 1000)
            }
        }
        delays.sort()
        let arrived = packets.count - networkLost
        self.packets = packets.count
        self.networkLost = networkLost
        played = delays.count
        late = arrived - delays.count
        lateLoss = arrived > 0 ? Double(late) / Double(arrived) : 0
        conceal = concealFraction
        duplicatePlays = duplicates
        invalidRows = invalid
        if let last = delays.last {
            var sum = 0.0
            for delay in delays { sum += delay }
            let mean = sum / Double(delays.count)
            let rank = max(0, Int((0.95 * Double(delays.count)).rounded(.up)) - 1)
            meanDelayMs = mean
            p95DelayMs = delays[rank]
            maxDelayMs = last
            rFactor = CallQuality.rFactor(
                meanDelayMs: mean, lossPercent: 100 * (1 - Double(delays.count) / Double(packets.count)))
        } else {
            meanDelayMs = nil
            p95DelayMs = nil
            maxDelayMs = nil
            rFactor = nil
        }
    }
}
