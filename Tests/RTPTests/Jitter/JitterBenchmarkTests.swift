import Foundation
import Testing

@Suite("Benchmarks jitter: allocations, agreement with score_playout.py, trace errors")
struct JitterBenchmarkTests {
    /// `../shared/jitter-traces` beside the package, where the reference scorer and traces live.
    static let sharedTraces = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("shared/jitter-traces")
    /// The reference scorer.
    static let scorer = sharedTraces.appendingPathComponent("score_playout.py")
    /// python3, if installed.
    static let python = ["/usr/bin/python3", "/usr/local/bin/python3"].first { FileManager.default.isExecutableFile(atPath: $0) }
        ?? ProcessInfo.processInfo.environment["PATH"].flatMap { path in
            path.split(separator: ":").map { "\($0)/python3" }.first { FileManager.default.isExecutableFile(atPath: $0) }
        }
    /// Whether the scorer can run here.
    static let canScore = python != nil && FileManager.default.fileExists(atPath: scorer.path)

    @Test("put and get allocate nothing once the buffer is made (malloc calls counted by the benchmark)")
    func zeroAllocations() throws {
        let trace = try JitterSyntheticTrace.write()
        let run = try JitterBenchmarkRun.run(["jitter", "--trace", trace.path, "--json", "--seconds", "0.01"])
        #expect(run.status == 0, "\(run.errors)")
        let line = try #require(run.jsonLines.first)
        #expect(line["bench"] as? String == "jitter")
        #expect(line["trace"] as? String == "synthetic")
        // null would mean the counter could not count: that must fail too.
        let allocations = try #require(line["allocs_per_op"] as? Double, "allocs_per_op is \(String(describing: line["allocs_per_op"]))")
        #expect(allocations == 0)
        #expect((line["r_factor"] as? Double ?? 0) > 80)
    }

    @Test("score_playout.py re-scores the playout logs to the same figures",
          .enabled(if: JitterBenchmarkTests.canScore, "needs python3 and ../shared/jitter-traces"))
    func agreesWithReferenceScorer() throws {
        let synthetic = try JitterSyntheticTrace.write()
        let traces = [synthetic] + ["reorder.csv", "wifi.csv"].map { Self.sharedTraces.appendingPathComponent($0) }
        for trace in traces where FileManager.default.fileExists(atPath: trace.path) {
            let logs = synthetic.deletingLastPathComponent().appendingPathComponent("logs")
            let run = try JitterBenchmarkRun.run(
                ["jitter", "--trace", trace.path, "--json", "--seconds", "0.01", "--playout-log", logs.path])
            #expect(run.status == 0, "\(run.errors)")
            let ours = try #require(run.jsonLines.first)
            let name = trace.deletingPathExtension().lastPathComponent
            let python = try #require(Self.python)
            let reference = try JitterBenchmarkRun.runProcess(
                URL(fileURLWithPath: python),
                [Self.scorer.path, trace.path, logs.appendingPathComponent(name + ".csv").path, "--peer", "swiftsip"])
            #expect(reference.status == 0, "\(reference.errors)")
            let theirs = try #require(reference.jsonLines.first)
            #expect(theirs["dup_plays"] as? Int == 0)
            for (field, unit) in [("late_loss", 1e-5), ("conceal", 1e-5), ("mean_delay_ms", 0.01), ("p95_delay_ms", 0.01), ("r_factor", 0.01)] {
                let mine = try #require(ours[field] as? Double, "\(name): \(field)")
                let reference = try #require(theirs[field] as? Double, "\(name): \(field) from score_playout.py")
                // Both round to the same decimals; allow one unit for a different rounding of a tie.
                #expect(abs(mine - reference) <= unit * 1.000_001, "\(name): \(field) \(mine) vs \(reference)")
            }
        }
    }

    @Test("a malformed trace is refused with its file and line", arguments: [
        ("# clock=8000\nseq,rtp_ts,send_ms,arrival_ms\n1,2,3.000,4.000\n", ":1: bad metadata line"),
        ("# clock=8000 ptime=20\nseq,rtp_ts,send_ms\n1,2,3.000,4.000\n", ":2: bad column header"),
        ("# clock=8000 ptime=20\nseq,rtp_ts,send_ms,arrival_ms\n1,2,3.000,4.000\n2,162,23.000\n", ":4: wrong number of fields"),
        ("# clock=8000 ptime=20\nseq,rtp_ts,send_ms,arrival_ms\n1,2,3.000,4.000\n2,162,23.000,24.000\n70000,322,43.000,44.000\n", ":5: bad field"),
        ("# clock=8000 ptime=20\nseq,rtp_ts,send_ms,arrival_ms\n1,2,3.000,-2\n", ":3: bad field"),
    ])
    func malformedTrace(text: String, expected: String) throws {
        let trace = try JitterSyntheticTrace.write(name: "bad.csv", text: text)
        let run = try JitterBenchmarkRun.run(["jitter", "--trace", trace.path, "--json", "--seconds", "0.01"])
        #expect(run.status == 1)
        #expect(run.errors.contains("bad.csv" + expected), "\(run.errors)")
        #expect(run.output.isEmpty)
    }
}
