import Glibc
import RTP

/// `Benchmarks jitter`: replays RTP traces through the `JitterBuffer` with the playout model of
/// `../shared/jitter-traces/README.md` (``JitterReplay``), and reports per trace the playout
/// quality (late loss, concealment, delay, E-model R: ``JitterMetrics``), the time per packet
/// and the heap allocations per packet.
///
/// Per trace: re-execute with the malloc interposer preloaded (``AllocationCounter``, once),
/// parse the trace, one warm-up replay, one replay with allocations counted (the buffer is made
/// before counting starts, so the count is that of `put` and `get` alone), its playout scored and optionally
/// written as a log, then timed replays, each on a fresh buffer, for `--seconds` (at least
/// ``JitterOptions/minimumReplays``); every replay must play exactly what the first did. The
/// median replay is reported, divided by the packets put: one operation is one `put` with its
/// share of the `get`s (there is one `get` per tick, slightly more than packets).
struct JitterBenchmark {
    /// A replay that did not play what the first replay played (the buffer is not deterministic).
    struct NondeterministicReplay: Error, CustomStringConvertible {
        /// The trace.
        let trace: String
        var description: String { "\(trace): a replay played differently from the first" }
    }

    /// A playout log that could not be written.
    struct LogError: Error, CustomStringConvertible {
        /// The file and the system's reason.
        let description: String
    }

    /// Exit status of a benchmark error (an unreadable or malformed trace, a failed check).
    static let failure: Int32 = 1

    /// The parsed command-line options.
    let options: JitterOptions

    /// Runs the benchmark over every trace and prints one line per trace.
    ///
    /// - Returns: The exit status: 0, or 1 after printing an error.
    func run() -> Int32 {
        AllocationCounter.preloadInterposerIfNeeded()
        do {
            let paths = try JitterTrace.paths(options.tracePath ?? JitterOptions.defaultTracePath())
            let counter = AllocationCounter()
            if !options.json { print(JitterResult.tableHeader(oracle: options.oracle)) }
            for path in paths {
                let result = try measure(JitterTrace(path: path), counter: counter)
                print(options.json ? result.jsonLine : result.tableRow)
            }
            return BenchmarkCommand.success
        } catch {
            Console.error("Benchmarks jitter: \(error)")
            return Self.failure
        }
    }

    /// Replays one trace: counted, scored, logged, then timed.
    private func measure(_ trace: JitterTrace, counter: AllocationCounter?) throws -> JitterResult {
        let replay = JitterReplay(trace: trace)
        let configuration = replay.configuration
        let payload = UnsafeMutableRawBufferPointer.allocate(byteCount: JitterReplay.payloadBytes, alignment: 16)
        defer { payload.deallocate() }
        payload.initializeMemory(as: UInt8.self, repeating: 0x55)
        let played = UnsafeMutableBufferPointer<Int32>.allocate(capacity: replay.tickCount)
        defer { played.deallocate() }
        played.initialize(repeating: -1)

        // A warm-up replay first, so that one-time runtime work (generic metadata a debug build
        // instantiates on first use) is not counted; then the counted replay, whose playout is
        // the one scored.
        do {
            let buffer = try JitterBuffer(configuration)
            var producer = buffer.producer
            var consumer = buffer.consumer
            replay.run(producer: &producer, consumer: &consumer, payload: payload, played: played)
        }
        var allocationsPerOperation: Double?
        do {
            let buffer = try JitterBuffer(configuration)
            var producer = buffer.producer
            var consumer = buffer.consumer
            if let counter {
                let mallocs = counter.countMallocs {
                    replay.run(producer: &producer, consumer: &consumer, payload: payload, played: played)
                }
                allocationsPerOperation = Double(mallocs) / Double(max(replay.putCount, 1))
            } else {
                replay.run(producer: &producer, consumer: &consumer, payload: payload, played: played)
            }
        }
        let reference = Array(played)
        let metrics = JitterMetrics(replay: replay, played: reference)
        if let directory = options.playoutLogDirectory {
            try Self.writePlayoutLog(reference, replay: replay, directory: directory)
        }

        // Timed replays, each on a fresh buffer made outside the timed region.
        let clock = ContinuousClock()
        var nanosecondsPerOperation: [Double] = []
        let start = clock.now
        repeat {
            let buffer = try JitterBuffer(configuration)
            var producer = buffer.producer
            var consumer = buffer.consumer
            let before = clock.now
            replay.run(producer: &producer, consumer: &consumer, payload: payload, played: played)
            let elapsed = clock.now - before
            guard played.elementsEqual(reference) else { throw NondeterministicReplay(trace: trace.name) }
            nanosecondsPerOperation.append(Self.nanoseconds(elapsed) / Double(max(replay.putCount, 1)))
        } while nanosecondsPerOperation.count < JitterOptions.minimumReplays
            || Self.nanoseconds(clock.now - start) < options.seconds * 1e9
        let timing = TimingStatistics(nanosecondsPerOperation)
        return JitterResult(
            trace: trace.name, metrics: metrics, nanosecondsPerOperation: timing.median,
            fastestNanosecondsPerOperation: timing.minimum, replays: timing.count,
            allocationsPerOperation: allocationsPerOperation,
            oracle: options.oracle ? JitterOracle(replay: replay) : nil)
    }

    /// Writes `directory/NAME.csv`: `tick,tick_ms,row`, one line per tick (row -1 when nothing
    /// played), the input of `score_playout.py`.
    static func writePlayoutLog(_ rows: [Int32], replay: JitterReplay, directory: String) throws(LogError) {
        if mkdir(directory, 0o755) != 0 && errno != EEXIST {
            throw LogError(description: "cannot create \(directory): \(Console.errnoDescription())")
        }
        var text = "tick,tick_ms,row\n"
        text.reserveCapacity(rows.count * 20)
        for (tick, row) in rows.enumerated() {
            let microseconds = replay.tickTime(tick)
            let fraction = String(microseconds % 1000)
            text += "\(tick),\(microseconds / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction),\(row)\n"
        }
        let path = directory + "/" + replay.trace.name + ".csv"
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw LogError(description: "cannot create \(path): \(Console.errnoDescription())")
        }
        defer { close(descriptor) }
        var failure: Int32 = 0
        text.withUTF8 { utf8 in
            var remaining = UnsafeRawBufferPointer(utf8)
            while !remaining.isEmpty {
                let written = write(descriptor, remaining.baseAddress, remaining.count)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                remaining = UnsafeRawBufferPointer(rebasing: remaining[written...])
            }
        }
        if failure != 0 {
            throw LogError(description: "cannot write \(path): \(Console.errnoDescription(failure))")
        }
    }

    /// `duration` in nanoseconds.
    private static func nanoseconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) * 1e9 + Double(attoseconds) * 1e-9
    }
}
