import NIOCore
import SIPMessage

/// `Benchmarks parser`: how fast `SIPMessage(parsing:)` parses a corpus of SIP datagrams and
/// how many heap allocations it makes per message.
///
/// The work per message is ``parseAndExtract(_:)``: a datagram parse, then reading the fields a
/// transaction layer needs (Call-ID, CSeq, top Via branch and sent-by, From and To tags,
/// Content-Length, body), folded into a checksum. The checksum of every pass is compared with
/// the first pass's, so the optimizer cannot drop the work and a wrong parse is noticed.
///
/// A timed run goes: re-execute with the malloc interposer preloaded (``AllocationCounter``),
/// load the corpus, one checked pass, warm-up passes, a calibration run timing a pass,
/// the allocation-counting run of `--iterations` passes, then `--repetitions` timed
/// repetitions of equal pass counts sharing `--seconds`. The median repetition is reported.
///
/// With `--callgrind-iterations N` it runs exactly N passes, untimed (no warm-up, no re-exec,
/// no allocation counting), and prints the number of messages parsed, so that callgrind's
/// instruction count for `parseAndExtract` divided by that number is the instructions per
/// message. From the package directory:
///
/// ```
/// swift build -c release --product Benchmarks
/// strip --strip-debug -o /tmp/Benchmarks-callgrind .build/release/Benchmarks
/// LD_LIBRARY_PATH=.build/release valgrind --tool=callgrind \
///     --callgrind-out-file=/tmp/parser.callgrind --toggle-collect='*parseAndExtract*' \
///     /tmp/Benchmarks-callgrind parser --callgrind-iterations 1000
/// ```
///
/// Instructions per message = the `I refs` total / the `messages:` line. `--toggle-collect`
/// also turns collection off at start, so only `parseAndExtract` and its callees are counted
/// (the mangled name, `$s10Benchmarks15ParserBenchmarkV15parseAndExtract...`, contains the
/// pattern). The `strip` step is for valgrind 3.19 (Debian 12), which gives up on the DWARF 5
/// debug info clang emits for the C modules linked into the executable; `LD_LIBRARY_PATH`
/// lets the copy find `libMallocInterposerSwift.so`.
struct ParserBenchmark {
    /// A message that did not parse during a pass: its index in the corpus and the error.
    struct ParseFailure: Error {
        /// The index of the message in the corpus.
        let index: Int
        /// Why the parser rejected it.
        let error: SIPParseError
    }

    /// Exit status of a benchmark error (a message that does not parse, an unreadable corpus).
    static let failure: Int32 = 1

    /// The parsed command-line options.
    let options: ParserOptions

    /// Runs the benchmark and prints its report.
    ///
    /// - Returns: The exit status: 0, or 1 after printing a benchmark error.
    func run() -> Int32 {
        if options.callgrindIterations == nil {
            AllocationCounter.preloadInterposerIfNeeded()
        }
        let corpus: Corpus
        do {
            corpus = try Corpus(directory: options.corpusDirectory ?? Corpus.defaultDirectory())
        } catch {
            Console.error("Benchmarks parser: \(error)")
            return Self.failure
        }
        do {
            if let passes = options.callgrindIterations {
                try runForCallgrind(corpus: corpus, passes: passes)
            } else {
                try runTimed(corpus: corpus)
            }
            return BenchmarkCommand.success
        } catch let failure as ParseFailure {
            let name = corpus.messages[failure.index].name
            Console.error("Benchmarks parser: \(corpus.directory)/\(name) does not parse: \(failure.error)")
        } catch {
            Console.error("Benchmarks parser: \(error)")
        }
        return Self.failure
    }

    /// `--callgrind-iterations`: exactly `passes` passes, no warm-up, timing or counting.
    private func runForCallgrind(corpus: Corpus, passes: Int) throws(ParseFailure) {
        let buffers = corpus.buffers
        let checksum = try Self.runPasses(passes, over: buffers)
        print("messages: \(passes * buffers.count)")
        print("checksum: \(checksum)")
    }

    /// The timed run: warm-up, allocation counting, repetitions, report.
    private func runTimed(corpus: Corpus) throws {
        let buffers = corpus.buffers
        let clock = ContinuousClock()

        // One checked pass: every message must parse; its checksum is what each pass must give.
        let passChecksum = try Self.runPasses(1, over: buffers)

        // Warm-up for a tenth of the time (within 20-500 ms), then time half as many passes
        // again, warm, to size the repetitions.
        let warmUpSeconds = min(max(options.seconds / 10, 0.02), 0.5)
        var warmUpPasses = 0
        let warmUpStart = clock.now
        repeat {
            try Self.verify(Self.runPasses(1, over: buffers), passes: 1, passChecksum: passChecksum)
            warmUpPasses += 1
        } while Self.seconds(clock.now - warmUpStart) < warmUpSeconds
        let calibrationPasses = max(1, warmUpPasses / 2)
        let calibrationStart = clock.now
        let calibrationChecksum = try Self.runPasses(calibrationPasses, over: buffers)
        let secondsPerPass = Self.seconds(clock.now - calibrationStart) / Double(calibrationPasses)
        try Self.verify(calibrationChecksum, passes: calibrationPasses, passChecksum: passChecksum)

        // Allocation counting, in its own run so that the timed repetitions are not hooked.
        var allocationsPerMessage: Double?
        if let counter = AllocationCounter() {
            let passes = options.iterations
            var checksum: UInt64 = 0
            let mallocs = try counter.countMallocs { () throws(ParseFailure) in
                checksum = try Self.runPasses(passes, over: buffers)
            }
            try Self.verify(checksum, passes: passes, passChecksum: passChecksum)
            allocationsPerMessage = Double(mallocs) / Double(passes * buffers.count)
        }

        // Timed repetitions, each of the same number of passes.
        let budget = options.seconds / Double(options.repetitions)
        let passesPerRepetition = secondsPerPass > 0
            ? Int(min(max((budget / secondsPerPass).rounded(), 1), Double(ParserOptions.maximumPasses)))
            : 1
        var nanosecondsPerMessage: [Double] = []
        nanosecondsPerMessage.reserveCapacity(options.repetitions)
        for _ in 0..<options.repetitions {
            let start = clock.now
            let checksum = try Self.runPasses(passesPerRepetition, over: buffers)
            let elapsed = clock.now - start
            try Self.verify(checksum, passes: passesPerRepetition, passChecksum: passChecksum)
            let messages = Double(passesPerRepetition * buffers.count)
            nanosecondsPerMessage.append(Self.seconds(elapsed) * 1e9 / messages)
        }

        let result = ParserResult(
            corpusDirectory: corpus.directory,
            messageCount: buffers.count,
            corpusBytes: corpus.totalBytes,
            passesPerRepetition: passesPerRepetition,
            timing: TimingStatistics(nanosecondsPerMessage),
            allocationPasses: options.iterations,
            allocationsPerMessage: allocationsPerMessage,
            passChecksum: passChecksum
        )
        print(options.json ? result.jsonLine : result.textReport)
    }

    /// Runs `passes` passes of ``parseAndExtract(_:)`` over every buffer.
    ///
    /// - Returns: The wrapping sum of the digests.
    /// - Throws: ``ParseFailure`` for the first message that does not parse.
    @inline(never)
    static func runPasses(_ passes: Int, over buffers: [ByteBuffer]) throws(ParseFailure) -> UInt64 {
        var checksum: UInt64 = 0
        for _ in 0..<passes {
            for index in buffers.indices {
                do {
                    checksum &+= try parseAndExtract(buffers[index])
                } catch {
                    throw ParseFailure(index: index, error: error)
                }
            }
        }
        return checksum
    }

    /// The measured work for one message: a datagram parse and the extraction of the fields a
    /// transaction layer reads, folded into a digest of their sizes and values.
    ///
    /// Never inlined, and named so that callgrind can select it:
    /// `--toggle-collect='*parseAndExtract*'` counts exactly the instructions spent here.
    @inline(never)
    static func parseAndExtract(_ buffer: ByteBuffer) throws(SIPParseError) -> UInt64 {
        let message = try SIPMessage(parsing: buffer)
        // The fields as zero-copy views of the received bytes; each one's length and first and
        // last bytes go into the digest, so every view is really produced and read.
        return message.withUnsafeFields { fields in
            @inline(__always)
            func fold(_ digest: UInt64, _ view: UnsafeRawBufferPointer?) -> UInt64 {
                guard let view, let first = view.first, let last = view.last else { return digest &* 31 }
                return ((digest &* 31 &+ UInt64(view.count)) &* 31 &+ UInt64(first)) &* 31 &+ UInt64(last)
            }
            var digest = fold(0, fields.callID)
            digest = digest &* 31 &+ UInt64(fields.cseqNumber ?? 0)
            digest = fold(digest, fields.cseqMethodToken) &+ UInt64(fields.cseqMethodID)
            digest = fold(digest, fields.topViaBranch)
            digest = fold(digest, fields.topViaSentBy)
            digest = fold(digest, fields.fromTag)
            digest = fold(digest, fields.toTag)
            digest = digest &* 31 &+ UInt64(truncatingIfNeeded: fields.contentLength ?? -1)
            return fold(digest, fields.body)
        }
    }

    /// Throws when `checksum` (of `passes` passes) is not `passes` times the first pass's.
    private static func verify(_ checksum: UInt64, passes: Int, passChecksum: UInt64) throws(ChecksumMismatch) {
        let expected = passChecksum &* UInt64(passes)
        guard checksum == expected else {
            throw ChecksumMismatch(expected: expected, actual: checksum)
        }
    }

    /// `duration` in seconds.
    private static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) * 1e-18
    }
}
