import Foundation
import Testing

@testable import Intercom

extension ResidentPagesTests {
    @Suite("ReadOnlyPages: the read-only pages of every loaded object leave the resident set, and nothing else changes")
    struct ReadOnlyPagesTests {
        /// Resident kB of the mappings of this test executable with permissions `permissions`.
        static func residentKilobytes(permissions: String) throws -> Int {
            let executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
            let smaps = try String(contentsOfFile: "/proc/self/smaps", encoding: .utf8)
            var total = 0
            var counting = false
            for line in smaps.split(separator: "\n") {
                let fields = line.split(separator: " ", omittingEmptySubsequences: true)
                if let first = fields.first, first.contains("-"), fields.count >= 5, first.allSatisfy({ $0.isHexDigit || $0 == "-" }) {
                    counting = fields.count >= 6 && fields[1] == permissions && fields[5...].joined(separator: " ") == executable
                } else if counting, fields.first == "Rss:", fields.count >= 2, let kilobytes = Int(fields[1]) {
                    total += kilobytes
                }
            }
            return total
        }

        /// Runs `release`, then `work`, and measures this executable's resident code before and
        /// after: up to three tries, until one shows less after than before. Measured at once,
        /// only the measurement's own code (and `work`'s) is back, unless tests running beside
        /// this one fault a lot of code in meanwhile (on a busy 2-core machine they did: 8 MB
        /// within 5 ms). A release that dropped nothing shows no drop in any try.
        static func releaseDroppingCode(
            _ release: () -> ReadOnlyPages.Release, then work: () throws -> Void = {}
        ) throws -> (release: ReadOnlyPages.Release, tries: [(before: Int, after: Int)]) {
            var tries: [(before: Int, after: Int)] = []
            var last = ReadOnlyPages.Release()
            for _ in 0..<3 {
                let before = try residentKilobytes(permissions: "r-xp")
                last = release()
                try work()
                let after = try residentKilobytes(permissions: "r-xp")
                tries.append((before, after))
                if after < before { break }
            }
            return (last, tries)
        }

        protocol Named { var name: String { get } }
        struct Door: Named, Hashable { var name: String }

        @Test("the executable's code leaves the resident set; relocated metadata, the heap and the stack keep working")
        func release() throws {
            // State made before the release: heap objects, a dictionary, an existential.
            let doors: [String: any Named] = ["front": Door(name: "front"), "yard": Door(name: "yard")]
            // Run some code first (YAML, the decoder), so that more is resident than what reading
            // /proc/self/smaps faults back in.
            _ = try ConfigurationLoader.load(yaml: "log:\n  level: info\n")
            let (release, tries) = try Self.releaseDroppingCode { ReadOnlyPages.release() }
            #expect(tries.contains { $0.after < $0.before }, "resident code before and after each try [kB]: \(tries)")
            #expect(release.tracer == nil)
            #expect(release.objects >= 2)  // the executable and at least libc
            #expect(release.ranges >= release.objects)
            #expect(release.bytes > 1_000_000)
            #expect(release.failures == 0)
            #expect("\(release)".contains("kB of read-only pages"))

            // Dropping a relocated page (RELRO: Swift type metadata, witness tables) would have
            // put the file's unrelocated bytes back: these casts, lookups and type names would crash.
            #expect(doors.count == 2)
            #expect((doors["yard"] as? Door)?.name == "yard")
            #expect(String(describing: type(of: doors["front"] as Any)) == "Optional<Named>")
            #expect(Set(doors.values.compactMap { ($0 as? Door)?.name }) == ["front", "yard"])
            let configuration = try ConfigurationLoader.load(yaml: "log:\n  level: debug\n")
            #expect(configuration.log.level == "debug")
        }

        @Test("a second release right after the first drops the same ranges and refuses none")
        func twice() {
            let first = ReadOnlyPages.release()
            let second = ReadOnlyPages.release()
            #expect(second.failures == 0)
            #expect(second.objects == first.objects)
            #expect(second.bytes == first.bytes)
        }

        @Test("under a debugger nothing is dropped: the tracer is read from TracerPid")
        func tracer() {
            let status = "Name:\tintercom\nState:\tS (sleeping)\nTgid:\t812\nPid:\t812\nPPid:\t1\nTracerPid:\t%@\nUid:\t0\t0\t0\t0\n"
            #expect(ReadOnlyPages.tracerProcess(status: status.replacingOccurrences(of: "%@", with: "0")) == nil)
            #expect(ReadOnlyPages.tracerProcess(status: status.replacingOccurrences(of: "%@", with: "4711")) == 4711)
            #expect(ReadOnlyPages.tracerProcess(status: "") == nil)
            #expect(ReadOnlyPages.tracerProcess(status: "TracerPid:\tgarbage\n") == nil)
            var release = ReadOnlyPages.Release()
            release.tracer = 4711
            #expect("\(release)".contains("nothing: process 4711"))
        }
    }
}
