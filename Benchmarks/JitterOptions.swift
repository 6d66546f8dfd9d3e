import Glibc

/// The options of `Benchmarks jitter`, parsed by hand from its arguments.
///
/// ```
/// Benchmarks jitter [--trace FILE|DIR] [--json] [--playout-log DIR] [--seconds S] [--oracle]
/// ```
struct JitterOptions: Sendable {
    /// The trace file, or a directory whose `.csv` files are all replayed; nil for the default
    /// (``defaultTracePath(sourceFile:)``).
    var tracePath: String?
    /// Whether to print one JSON line per trace instead of the table.
    var json = false
    /// Where to write each trace's playout log (`NAME.csv`), if anywhere.
    var playoutLogDirectory: String?
    /// How long to spend timing each trace [s].
    var seconds = 0.5
    /// Whether to add the offline fixed-delay oracle's R to each line.
    var oracle = false

    /// The fewest timed replays per trace, whatever `--seconds` says.
    static let minimumReplays = 7

    static let usage = """
        jitter options:
          --trace FILE|DIR              an RTP trace (../shared/jitter-traces/README.md format), or a
                                        directory whose .csv files are replayed in name order
                                        [default: ../shared/jitter-traces]
          --json                        print one JSON line per trace:
                                        {"bench":"jitter","trace":NAME,"late_loss":F,"conceal":F,
                                        "mean_delay_ms":F,"p95_delay_ms":F,"r_factor":F,"ns_per_op":F,
                                        "allocs_per_op":F}
          --playout-log DIR             write DIR/NAME.csv (tick,tick_ms,row) for score_playout.py
          --seconds S                   time spent timing replays of each trace [default: 0.5]
          --oracle                      also compute the offline fixed-delay oracle (the best R
                                        of any fixed delay from send time, README "Reference
                                        points") and add "r_oracle","oracle_delay_ms" to the line

        """

    /// Parses the arguments that follow `jitter`.
    init(arguments: ArraySlice<String>) throws(UsageError) {
        var reader = ArgumentReader(arguments)
        while let option = try reader.nextOption() {
            switch option {
            case "--trace":
                tracePath = try reader.value(for: option)
            case "--json":
                try reader.flag(option)
                json = true
            case "--playout-log":
                playoutLogDirectory = try reader.value(for: option)
            case "--seconds":
                seconds = try reader.positiveNumber(for: option, maximum: 3_600)
            case "--oracle":
                try reader.flag(option)
                oracle = true
            default:
                throw UsageError("unknown option '\(option)' for jitter")
            }
        }
    }

    /// The traces used when none is given: `../shared/jitter-traces` from the current
    /// directory, else from the package directory this source file is in.
    static func defaultTracePath(sourceFile: String = #filePath) -> String {
        let relative = "../shared/jitter-traces"
        var info = stat()
        if stat(relative, &info) == 0 { return relative }
        var package = sourceFile
        for _ in 0..<2 {
            guard let slash = package.lastIndex(of: "/") else { return relative }
            package = String(package[..<slash])
        }
        return package + "/" + relative
    }
}
