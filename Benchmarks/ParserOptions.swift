/// The options of `Benchmarks parser`, parsed by hand from its arguments.
///
/// ```
/// Benchmarks parser [--corpus DIR] [--seconds S] [--repetitions R] [--iterations N] [--json]
/// Benchmarks parser [--corpus DIR] --callgrind-iterations N
/// ```
struct ParserOptions: Sendable {
    /// The corpus directory given with `--corpus`, or nil for the default (`Benchmarks/corpus`).
    var corpusDirectory: String?
    /// About how long the timed repetitions take together, in seconds.
    var seconds: Double = 2
    /// How many timed repetitions the time is split into (the median is reported).
    var repetitions: Int = 7
    /// Corpus passes in the allocation-counting run.
    var iterations: Int = 100
    /// Whether to print one JSON line instead of the text report.
    var json = false
    /// When set, run exactly this many corpus passes untimed (for callgrind) and print the
    /// number of messages parsed.
    var callgrindIterations: Int?

    /// The fewest repetitions accepted, so that the median means something.
    static let minimumRepetitions = 5
    /// The most corpus passes `--iterations` and `--callgrind-iterations` accept (so that
    /// passes × messages cannot overflow).
    static let maximumPasses = 1_000_000_000
    /// The longest `--seconds` accepted (a day).
    static let maximumSeconds = 86_400.0

    /// The option list for the usage text.
    static let usage = """
        parser options:
          --corpus DIR                  directory of SIP messages, one per file (every regular
                                        file, sorted by name; README.md and dotfiles skipped)
                                        [default: Benchmarks/corpus]
          --seconds S                   total time of the timed repetitions [default: 2]
          --repetitions R               timed repetitions (at least \(minimumRepetitions)); the median
                                        is reported [default: 7]
          --iterations N                corpus passes in the allocation-counting run [default: 100]
          --json                        print one JSON line:
                                        {"bench":"parser","msgs_per_s":N,"ns_per_msg":N,"allocs_per_msg":N,...}
          --callgrind-iterations N      run exactly N corpus passes, untimed and without the
                                        allocation counter, and print the messages parsed; for
                                        valgrind --tool=callgrind --toggle-collect='*parseAndExtract*'
                                        (instructions/msg = I refs / messages; not combinable
                                        with the timing options or --json)

        """

    /// Parses the arguments that follow `parser`.
    ///
    /// - Throws: ``UsageError`` for an unknown option, a missing or bad value, or
    ///   `--callgrind-iterations` combined with a timing option.
    init(arguments: ArraySlice<String>) throws(UsageError) {
        var reader = ArgumentReader(arguments)
        var timingOptions: [String] = []
        while let option = try reader.nextOption() {
            switch option {
            case "--corpus":
                corpusDirectory = try reader.value(for: option)
            case "--seconds":
                seconds = try reader.positiveNumber(for: option, maximum: Self.maximumSeconds)
                timingOptions.append(option)
            case "--repetitions":
                repetitions = try reader.integer(for: option, in: Self.minimumRepetitions...1000)
                timingOptions.append(option)
            case "--iterations":
                iterations = try reader.integer(for: option, in: 1...Self.maximumPasses)
                timingOptions.append(option)
            case "--json":
                try reader.flag(option)
                json = true
                timingOptions.append(option)
            case "--callgrind-iterations":
                callgrindIterations = try reader.integer(for: option, in: 1...Self.maximumPasses)
            default:
                throw UsageError("unknown option '\(option)' for parser")
            }
        }
        if callgrindIterations != nil, let first = timingOptions.first {
            throw UsageError("--callgrind-iterations cannot be combined with \(first)")
        }
    }
}
