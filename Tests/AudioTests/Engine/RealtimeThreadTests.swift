#if canImport(Glibc)
import Foundation
import Synchronization
import Testing

@testable import Audio

/// The audio thread as the system shows it.
@Suite struct RealtimeThreadTests {
    @Test("the thread is named for the audio loop, whoever created it")
    func named() throws {
        let seen = Mutex<String?>(nil)
        let thread = try RealtimeThread(priority: nil) {
            // What ps and top read.
            let name = try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)
            seen.withLock { $0 = name?.trimmingCharacters(in: .newlines) }
        }
        thread.join()
        #expect(seen.withLock { $0 } == "swiftsip-audio")
        #expect(RealtimeThread.name.utf8.count <= 15, "the kernel keeps 15 bytes of a thread's name")
    }
}
#endif
