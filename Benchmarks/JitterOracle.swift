import RTP

/// The offline fixed-delay reference of `../shared/jitter-traces/README.md`: packet `i` plays
/// at the first tick at or after `send_ms[i] + D`, if it has arrived by then and no earlier
/// packet took that tick; ``rFactor`` is the best R over `D` on a 0.1 ms grid.
///
/// It knows the whole trace and the send times, which no receiver does, so it is the best a
/// non-adaptive buffer could do; an adaptive one can beat it where the network changes.
struct JitterOracle: Sendable {
    /// The best R.
    let rFactor: Double
    /// The fixed delay `D` from send time that gives it [ms].
    let delayMs: Double
    /// The mean delay of the played packets at that `D` [ms].
    let meanDelayMs: Double
    /// The late loss at that `D`.
    let lateLoss: Double

    /// The grid step of `D` [µs].
    static let stepMicroseconds: Int64 = 100

    /// Searches `D` from 0 to the largest transit time plus a tick.
    init(replay: JitterReplay) {
        let packets = replay.trace.packets
        let tick = replay.tickMicroseconds
        let first = replay.firstTickMicroseconds
        var arrived: [(send: Int64, arrival: Int64)] = []
        for packet in packets {
            if let arrival = packet.arrivalMicroseconds { arrived.append((packet.sendMicroseconds, arrival)) }
        }
        let largestTransit = arrived.map { $0.arrival - $0.send }.max() ?? 0
        var used = [Bool](repeating: false, count: replay.tickCount)
        var best = (rFactor: -Double.infinity, delay: Int64(0), mean: 0.0, late: 0.0)
        var delay: Int64 = 0
        while delay <= largestTransit + tick {
            for index in used.indices { used[index] = false }
            var played = 0
            var total: Int64 = 0
            for packet in arrived {
                let wait = packet.send + delay - first
                let k = wait <= 0 ? 0 : (wait + tick - 1) / tick
                guard k < used.count, !used[Int(k)] else { continue }
                let time = first + k * tick
                guard time >= packet.arrival else { continue }
                used[Int(k)] = true
                played += 1
                total += time - packet.send
            }
            if played > 0 {
                let mean = Double(total) / Double(played) / 1000
                let r = CallQuality.rFactor(meanDelayMs: mean, lossPercent: 100 * (1 - Double(played) / Double(packets.count)))
                if r > best.rFactor {
                    best = (r, delay, mean, Double(arrived.count - played) / Double(arrived.count))
                }
            }
            delay += Self.stepMicroseconds
        }
        rFactor = best.rFactor
        delayMs = Double(best.delay) / 1000
        meanDelayMs = best.mean
        lateLoss = best.late
    }
}
