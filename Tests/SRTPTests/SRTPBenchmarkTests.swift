import Foundation
import Testing

/// `Benchmarks srtp` (beside the test bundle): protecting and unprotecting in the session's
/// reused buffers allocates nothing beyond what libsrtp itself allocates, as counted by the
/// benchmark's malloc interposer. (Debian 12's libsrtp2 is built on NSS, which allocates in
/// every call, so the total is not 0; the part SwiftSIP adds must be.)
@Suite("SRTP: allocations per packet (Benchmarks srtp)")
struct SRTPBenchmarkTests {
    /// The `Benchmarks` executable next to the running test bundle, if built.
    static var benchmarks: URL? {
        let bundle = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let candidate = bundle.deletingLastPathComponent().appendingPathComponent("Benchmarks")
        return FileManager.default.isExecutableFile(atPath: candidate.path) ? candidate : nil
    }

    @Test("protect + unprotect add no allocation to libsrtp's own, for each suite", arguments: ["AES_CM_128_HMAC_SHA1_80", "AES_256_CM_HMAC_SHA1_32"])
    func zeroAllocations(_ suite: String) throws {
        let executable = try #require(Self.benchmarks, "Benchmarks is not built beside the tests: run `swift build --build-tests`")
        let process = Process()
        process.executableURL = executable
        process.arguments = ["srtp", "--packets", "2000", "--suite", suite, "--json"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let line = try #require(
            String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap {
                (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
            }.first)
        #expect(line["bench"] as? String == "srtp")
        #expect(line["suite"] as? String == suite)
        // null would mean the interposer could not count: that fails too.
        let added = try #require(line["wrapper_allocs_per_packet"] as? Double, "wrapper_allocs_per_packet is \(String(describing: line["wrapper_allocs_per_packet"]))")
        #expect(added == 0, "\(line)")
        let total = try #require(line["allocs_per_packet"] as? Double)
        let library = try #require(line["libsrtp_allocs_per_packet"] as? Double)
        #expect(total == library, "\(line)")
        #expect((line["ns_per_protect"] as? Double ?? 0) > 0)
    }
}
