#if canImport(Glibc)
import Foundation
import Glibc
import Testing

@testable import Intercom

@Suite("FreeHeapPages: free pages inside the C heap go back to the system")
struct FreeHeapPagesTests {
    /// RssAnon of this process [kB].
    static func anonymousKilobytes() throws -> Int {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        for line in status.split(separator: "\n") where line.hasPrefix("RssAnon:") {
            if let value = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first, let kilobytes = Int(value) {
                return kilobytes
            }
        }
        throw CocoaError(.fileReadCorruptFile)
    }

    @Test("blocks freed under one still in use stay resident until the release")
    func trims() throws {
        // 256 blocks of 32 kB (below malloc's mmap threshold: they come from an arena), each
        // written so its pages are resident, then one small block allocated above them, then
        // the 256 freed: 8 MB of free memory the arena cannot give back from its top.
        let blocks = (0..<256).compactMap { _ in malloc(32 * 1024) }
        #expect(blocks.count == 256)
        for block in blocks { memset(block, 0x5A, 32 * 1024) }
        // As big as the others, so that no freed small block can hold it: it comes from the top.
        let above = malloc(32 * 1024)
        defer { free(above) }
        let written = try Self.anonymousKilobytes()
        for block in blocks { free(block) }
        let freed = try Self.anonymousKilobytes()
        #expect(written - freed < 1024, "freeing alone gave back \(written - freed) kB")

        #expect(FreeHeapPages.release())
        let trimmed = try Self.anonymousKilobytes()
        // Most of the 8 MB: other threads of the test process allocate meanwhile.
        #expect(freed - trimmed > 6 * 1024, "RssAnon \(freed) kB -> \(trimmed) kB")
    }
}
#endif
