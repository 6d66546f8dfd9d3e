/// The options of `Benchmarks transactions`, parsed by hand from its arguments.
///
/// ```
/// Benchmarks transactions [--seconds S] [--window W] [--live N] [--json]
/// ```
struct TransactionOptions: Sendable {
    /// How long the throughput phase runs, in seconds.
    var seconds: Double = 3
    /// OPTIONS requests kept in flight by the load generator.
    var window = 32
    /// Server transactions created for the memory phase.
    var live = 10_000
    /// Whether to print one JSON line instead of the text report.
    var json = false

    static let usage = """
        transactions options:
          --seconds S                   length of the throughput phase [default: 3]
          --window W                    OPTIONS in flight from the load generator [default: 32]
          --live N                      server transactions kept alive for the memory phase
                                        [default: 10000]
          --json                        print one JSON line:
                                        {"bench":"transactions","transactions_per_s":N,"bytes_per_1000_live":N,...}

        """

    /// Parses the arguments that follow `transactions`.
    init(arguments: ArraySlice<String>) throws(UsageError) {
        var reader = ArgumentReader(arguments)
        while let option = try reader.nextOption() {
            switch option {
            case "--seconds": seconds = try reader.positiveNumber(for: option, maximum: 3_600)
            case "--window": window = try reader.integer(for: option, in: 1...4_096)
            case "--live": live = try reader.integer(for: option, in: 100...1_000_000)
            case "--json": try reader.flag(option)
            default: throw UsageError("transactions: unknown option '\(option)'")
            }
            if option == "--json" { json = true }
        }
    }
}
