import Intercom

/// The figures of one trace in `Benchmarks jitter`, and their table row and JSON renderings.
struct JitterResult: Sendable {
    /// The trace's name (file name without `.csv`).
    let trace: String
    /// Playout quality, as `score_playout.py` computes it.
    let metrics: JitterMetrics
    /// Median time of a replay divided by the packets put (each put with its share of gets) [ns].
    let nanosecondsPerOperation: Double
    /// The fastest replay divided by the packets put [ns].
    let fastestNanosecondsPerOperation: Double
    /// The timed replays.
    let replays: Int
    /// Heap allocations per put (with its share of gets), or nil when they could not be counted.
    let allocationsPerOperation: Double?
    /// The offline fixed-delay reference, when asked for (`--oracle`).
    let oracle: JitterOracle?

    /// The table header matching ``tableRow`` (with the oracle's columns or without).
    static func tableHeader(oracle: Bool) -> String {
        "trace                       R  late_loss%  conceal%  mean_ms  p95_ms  played   late  ns/op (min)  allocs/op  replays"
            + (oracle ? "  oracle_R  oracle_ms" : "")
    }

    /// One aligned line of the table.
    var tableRow: String {
        func column(_ text: String, _ width: Int) -> String {
            String(repeating: " ", count: max(0, width - text.count)) + text
        }
        func number(_ value: Double?, _ decimals: Int) -> String {
            value.flatMap { DecimalFormat.fixed($0, decimals: decimals) } ?? "n/a"
        }
        let name = trace.count >= 22 ? trace : trace + String(repeating: " ", count: 22 - trace.count)
        return name
            + column(number(metrics.rFactor, 2), 7)
            + column(number(metrics.lateLoss * 100, 3), 12)
            + column(number(metrics.conceal * 100, 3), 10)
            + column(number(metrics.meanDelayMs, 1), 9)
            + column(number(metrics.p95DelayMs, 1), 8)
            + column(String(metrics.played), 8)
            + column(String(metrics.late), 7)
            + column(number(nanosecondsPerOperation, 1), 7)
            + column("(" + number(fastestNanosecondsPerOperation, 1) + ")", 7)
            + column(number(allocationsPerOperation, 3), 11)
            + column(String(replays), 9)
            + (oracle.map { column(number($0.rFactor, 2), 10) + column(number($0.meanDelayMs, 1), 10) } ?? "")
    }

    /// One line of JSON, fields rounded as `score_playout.py` rounds them:
    /// `{"bench":"jitter","trace":NAME,"late_loss":F,"conceal":F,"mean_delay_ms":F,
    /// "p95_delay_ms":F,"r_factor":F,"ns_per_op":F,"allocs_per_op":F}` (null for a figure
    /// that does not exist), then `"r_oracle":F,"oracle_delay_ms":F` with `--oracle`.
    var jsonLine: String {
        func number(_ value: Double?, _ decimals: Int) -> String {
            value.flatMap { DecimalFormat.fixed(JitterRounding.rounded($0, decimals: decimals), decimals: decimals) } ?? "null"
        }
        return "{\"bench\":\"jitter\""
            + ",\"trace\":\(JSONLine.quoted(trace))"
            + ",\"late_loss\":\(number(metrics.lateLoss, 5))"
            + ",\"conceal\":\(number(metrics.conceal, 5))"
            + ",\"mean_delay_ms\":\(number(metrics.meanDelayMs, 2))"
            + ",\"p95_delay_ms\":\(number(metrics.p95DelayMs, 2))"
            + ",\"r_factor\":\(number(metrics.rFactor, 2))"
            + ",\"ns_per_op\":\(number(nanosecondsPerOperation, 1))"
            + ",\"allocs_per_op\":\(number(allocationsPerOperation, 3))"
            + (oracle.map { ",\"r_oracle\":\(number($0.rFactor, 2)),\"oracle_delay_ms\":\(number($0.delayMs, 1))" } ?? "")
            + "}"
    }
}
