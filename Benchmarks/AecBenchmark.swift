import Audio
import Foundation

/// `Benchmarks aec`: runs a capture processor (``CaptureProcessor`` with default settings, or
/// the speexdsp baseline) over a set of `../shared/aec-signals` and scores it as
/// `score_aec.py` does (``AecScore``), with the real-time factor (processing time over audio
/// duration, one thread, best of ``AecOptions/timedRuns``, file I/O excluded; as wall time,
/// `rtf`, and as the thread's CPU time, `cpu_rtf`) and the heap
/// allocations per processed frame (``AllocationCounter``; the processor is made before
/// counting starts).
struct AecBenchmark {
    /// A signal set that cannot be read or does not fit together.
    struct SignalError: Error, CustomStringConvertible {
        let description: String
    }

    static let failure: Int32 = 1
    let options: AecOptions

    func run() -> Int32 {
        AllocationCounter.preloadInterposerIfNeeded()
        do {
            print(try measure())
            return BenchmarkCommand.success
        } catch {
            Console.error("Benchmarks aec: \(error)")
            return Self.failure
        }
    }

    private func measure() throws -> String {
        let directory = options.setDirectory
        let far = try WAVFile(contentsOf: options.farPath)
        let mic = try WAVFile(contentsOf: options.micPath)
        let echo = try WAVFile(contentsOf: directory + "/echo.wav")
        let nearPath = options.nearPath ?? (FileManager.default.fileExists(atPath: directory + "/near.wav") ? directory + "/near.wav" : nil)
        let near = try nearPath.map { path throws(WAVFileError) in try WAVFile(contentsOf: path) }
        let meta = try Self.readMeta(directory + "/meta.json")
        let rate = mic.format.sampleRate
        guard far.format == mic.format, mic.format.channels == 1, far.frameCount == mic.frameCount else {
            throw SignalError(description: "far and mic must be mono, of one rate and length")
        }
        let configuration = CaptureProcessorConfiguration(sampleRate: rate)
        let run: Run
        switch options.canceller {
        case .swiftsip:
            run = try Self.measure(far: far.samples, mic: mic.samples) { () throws(CaptureProcessorError) in
                try CaptureProcessor(configuration)
            }
        case .speex:
            run = try Self.measure(far: far.samples, mic: mic.samples) { () throws(CaptureProcessorError) in
                try SpeexCaptureProcessor(configuration)
            }
        }
        if let path = options.outPath {
            try WAVFile(format: mic.format, samples: run.output).write(to: path)
        }
        let toDouble: ([Int16]) -> [Double] = { $0.map { Double($0) / 32_768 } }
        let score = AecScore(
            mic: toDouble(mic.samples), echo: toDouble(echo.samples), near: near.map { toDouble($0.samples) },
            out: toDouble(run.output), noiseDBFS: meta.noiseDBFS, convergenceSeconds: meta.convergenceSeconds,
            sampleRate: rate)
        let seconds = Double(mic.frameCount) / Double(rate)
        let rtf = run.bestSeconds / seconds
        let cpuRTF = run.bestCPUSeconds / seconds
        let set = meta.set ?? String(directory.split(separator: "/").last ?? "")
        return options.json
            ? Self.jsonLine(set: set, score: score, rtf: rtf, cpuRTF: cpuRTF, run: run, canceller: options.canceller)
            : Self.readableLine(set: set, score: score, rtf: rtf, cpuRTF: cpuRTF, run: run, canceller: options.canceller)
    }

    /// The parts of `meta.json` the score needs.
    struct Meta {
        var set: String?
        var noiseDBFS: Double
        var convergenceSeconds: Double
    }

    static func readMeta(_ path: String) throws -> Meta {
        guard let data = FileManager.default.contents(atPath: path),
            let object = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let noise = (object["noise_dbfs"] as? NSNumber)?.doubleValue
        else {
            throw SignalError(description: "\(path): unreadable, or no noise_dbfs")
        }
        return Meta(
            set: object["set"] as? String, noiseDBFS: noise,
            convergenceSeconds: (object["convergence_s"] as? NSNumber)?.doubleValue ?? 2.0)
    }

    /// What one processor did over the whole signal.
    struct Run {
        var output: [Int16]
        var bestSeconds: Double
        /// The benchmark thread's CPU time in the fastest run (``ThreadCPUClock``): what the
        /// processing costs one core when other work shares the machine and preempts it.
        var bestCPUSeconds: Double
        /// Samples per processed frame.
        var frameSamples = 1
        var allocationsPerFrame: Double?
        var latencySamples: Int?
        var echoDelayMilliseconds: Double?
        var bulkDelayMilliseconds: Double?
        var filterRestarts: Int?
        var echoPathChanges: Int?
        var doubleTalkBlocks: Int?
        /// The processor's double-talk flag after each frame of the scored run (empty when it
        /// has none).
        var doubleTalkFlags: [Bool] = []
    }

    /// One warm-up run, one run with allocations counted (its output is the one scored), then
    /// ``AecOptions/timedRuns`` timed runs on fresh processors.
    static func measure<Processor: AecFrameProcessor & ~Copyable>(
        far: [Int16], mic: [Int16], make: () throws(CaptureProcessorError) -> Processor
    ) throws(CaptureProcessorError) -> Run {
        var probe = try make()
        let frame = probe.frameSamples
        let frames = mic.count / frame
        let farBuffer = UnsafeMutableBufferPointer<Int16>.allocate(capacity: frames * frame)
        let micBuffer = UnsafeMutableBufferPointer<Int16>.allocate(capacity: frames * frame)
        let outBuffer = UnsafeMutableBufferPointer<Int16>.allocate(capacity: frames * frame)
        defer {
            farBuffer.deallocate()
            micBuffer.deallocate()
            outBuffer.deallocate()
        }
        _ = farBuffer.initialize(from: far.prefix(frames * frame))
        _ = micBuffer.initialize(from: mic.prefix(frames * frame))
        outBuffer.initialize(repeating: 0)
        // Preallocated so that recording the flags in the counted run allocates nothing.
        let flagBuffer = UnsafeMutableBufferPointer<Bool>.allocate(capacity: max(frames, 1))
        defer { flagBuffer.deallocate() }
        flagBuffer.initialize(repeating: false)
        var hasFlags = false
        func pass(_ processor: inout Processor) {
            for f in 0..<frames {
                let range = (f * frame)..<((f + 1) * frame)
                processor.process(
                    far: UnsafeBufferPointer(rebasing: farBuffer[range]),
                    mic: UnsafeBufferPointer(rebasing: micBuffer[range]),
                    out: UnsafeMutableBufferPointer(rebasing: outBuffer[range]))
                if let flag = processor.doubleTalkActive {
                    flagBuffer[f] = flag
                    hasFlags = true
                }
            }
        }
        pass(&probe)
        var counted = try make()
        var allocations: Double?
        if let counter = AllocationCounter() {
            allocations = Double(counter.countMallocs { pass(&counted) }) / Double(max(frames, 1))
        } else {
            pass(&counted)
        }
        var output = [Int16](repeating: 0, count: mic.count)
        for i in 0..<(frames * frame) { output[i] = outBuffer[i] }
        let clock = ContinuousClock()
        var best = Double.infinity
        var bestCPU = Double.infinity
        for _ in 0..<AecOptions.timedRuns {
            var timed = try make()
            let start = clock.now
            let startCPU = ThreadCPUClock.seconds()
            pass(&timed)
            let cpu = ThreadCPUClock.seconds() - startCPU
            let elapsed = clock.now - start
            let (seconds, attoseconds) = elapsed.components
            best = min(best, Double(seconds) + Double(attoseconds) * 1e-18)
            bestCPU = min(bestCPU, cpu)
        }
        return Run(
            output: output, bestSeconds: best, bestCPUSeconds: bestCPU, frameSamples: frame, allocationsPerFrame: allocations,
            latencySamples: counted.latency, echoDelayMilliseconds: counted.echoDelayMilliseconds,
            bulkDelayMilliseconds: counted.bulkDelayMilliseconds,
            filterRestarts: counted.filterRestarts, echoPathChanges: counted.echoPathChanges,
            doubleTalkBlocks: counted.doubleTalkBlocks,
            doubleTalkFlags: hasFlags ? Array(flagBuffer) : [])
    }

    static func jsonLine(set: String, score: AecScore, rtf: Double, cpuRTF: Double, run: Run, canceller: AecOptions.Canceller) -> String {
        func number(_ value: Double?, _ decimals: Int = 2) -> String {
            value.flatMap { DecimalFormat.fixed($0, decimals: decimals) } ?? "null"
        }
        var fields: [(String, String)] = [
            ("bench", "\"aec\""), ("set", "\"\(set)\""),
            ("erle_db", number(score.erle)), ("erle_last5s_db", number(score.erleLast5s)),
            ("dt_snr_out_db", number(score.doubleTalkSNROut)), ("dt_near_level_db", number(score.doubleTalkNearLevel)),
            ("rtf", number(rtf, 5)),
            ("canceller", "\"\(canceller.rawValue)\""), ("cpu_rtf", number(cpuRTF, 5)),
            ("lag_samples", String(score.lag)), ("lag_corr", number(score.lagCorrelation, 3)),
            ("fe_frames", String(score.farEndOnlyFrames)), ("erle_ceiling_db", number(score.erleCeiling)),
            ("dt_frames", String(score.doubleTalkFrames)), ("dt_snr_in_db", number(score.doubleTalkSNRIn)),
            ("dt_corr", number(score.doubleTalkCorrelation, 4)),
            ("allocations_per_frame", number(run.allocationsPerFrame, 3)),
        ]
        if let latency = run.latencySamples { fields.append(("latency_samples", String(latency))) }
        if canceller == .swiftsip {
            fields.append(("echo_delay_ms", number(run.echoDelayMilliseconds, 1)))
            fields.append(("bulk_delay_ms", number(run.bulkDelayMilliseconds, 1)))
            fields.append(("filter_restarts", run.filterRestarts.map(String.init) ?? "null"))
            fields.append(("echo_path_changes", run.echoPathChanges.map(String.init) ?? "null"))
            fields.append(("double_talk_blocks", run.doubleTalkBlocks.map(String.init) ?? "null"))
            // Share of the scored far-end-only and double-talk frames flagged as double talk.
            let shares = score.doubleTalkFlagShares(flags: run.doubleTalkFlags, frameSamples: run.frameSamples)
            fields.append(("dt_flag_far_only", number(shares.farEndOnly, 3)))
            fields.append(("dt_flag_double_talk", number(shares.doubleTalk, 3)))
        }
        return "{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
    }

    static func readableLine(set: String, score: AecScore, rtf: Double, cpuRTF: Double, run: Run, canceller: AecOptions.Canceller) -> String {
        func number(_ value: Double?, _ decimals: Int = 2) -> String {
            value.flatMap { DecimalFormat.fixed($0, decimals: decimals) } ?? "n/a"
        }
        return "aec \(set) [\(canceller.rawValue)]: ERLE \(number(score.erle)) dB (last 5 s \(number(score.erleLast5s)), ceiling \(number(score.erleCeiling))), "
            + "double talk SNR out \(number(score.doubleTalkSNROut)) dB (in \(number(score.doubleTalkSNRIn))), near level \(number(score.doubleTalkNearLevel)) dB, "
            + "rtf \(number(rtf, 5)) (CPU \(number(cpuRTF, 5))), lag \(score.lag) samples, allocations/frame \(number(run.allocationsPerFrame, 3))"
    }
}
