/// The benchmarks the executable can run, by the name given as its first argument.
///
/// To add one (`jitter`, `aec`...): add a case, its ``summary`` and ``optionsUsage``, and a
/// branch in ``run(arguments:)`` that hands the remaining arguments to the new benchmark.
enum BenchmarkSubcommand: String, CaseIterable, Sendable {
    /// Parses every message of a SIP corpus: msgs/s, ns/msg, allocs/msg.
    case parser
    /// Non-INVITE transactions through the whole stack on loopback, and memory per live one.
    case transactions
    /// RTP traces replayed through the jitter buffer: playout quality, ns and allocs per packet.
    case jitter
    /// Echo cancellation over a set of ../shared/aec-signals: ERLE, double talk, rtf, allocs/frame.
    case aec
    /// The audio engine's whole per-frame cost and its allocations per frame.
    case audio
    /// SRTP protect and unprotect as the RTP session runs them: ns and allocs per packet.
    case srtp

    /// One line saying what the subcommand measures, for the usage text.
    var summary: String {
        switch self {
        case .parser:
            return "parse each message of a SIP corpus; report msgs/s, ns/msg and allocs/msg"
        case .transactions:
            return "OPTIONS in, 200 out through SIPStack on loopback; transactions/s and heap per 1000 live"
        case .jitter:
            return "replay RTP traces through the jitter buffer; report late loss, delay, R, ns/op and allocs/op"
        case .aec:
            return "run the capture processor over an echo signal set; report ERLE, double-talk SNR, rtf and allocs/frame"
        case .audio:
            return "run a call through the audio engine as fast as it goes; report us per 20 ms frame and allocs/frame"
        case .srtp:
            return "protect and unprotect RTP through libsrtp in reused buffers; report ns/packet and allocs/packet"
        }
    }

    /// The synopsis and option list of the subcommand, for the usage text.
    var optionsUsage: String {
        switch self {
        case .parser:
            return ParserOptions.usage
        case .transactions:
            return TransactionOptions.usage
        case .jitter:
            return JitterOptions.usage
        case .aec:
            return AecOptions.usage
        case .audio:
            return AudioOptions.usage
        case .srtp:
            return SRTPOptions.usage
        }
    }

    /// Runs the subcommand with the arguments that follow its name.
    ///
    /// - Returns: The exit status (0 success, 1 benchmark error).
    /// - Throws: ``UsageError`` when the arguments are not valid for this subcommand.
    func run(arguments: ArraySlice<String>) throws(UsageError) -> Int32 {
        switch self {
        case .parser:
            let options = try ParserOptions(arguments: arguments)
            return ParserBenchmark(options: options).run()
        case .transactions:
            return TransactionBenchmark(options: try TransactionOptions(arguments: arguments)).run()
        case .jitter:
            return JitterBenchmark(options: try JitterOptions(arguments: arguments)).run()
        case .aec:
            return AecBenchmark(options: try AecOptions(arguments: arguments)).run()
        case .audio:
            return AudioBenchmark(options: try AudioOptions(arguments: arguments)).run()
        case .srtp:
            return SRTPBenchmark(options: try SRTPOptions(arguments: arguments)).run()
        }
    }
}
