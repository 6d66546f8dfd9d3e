#if canImport(Glibc)
import Glibc
#endif

/// glibc's allocator gives each thread that allocates its own arena (up to 8 per core), and
/// each arena keeps its own free memory: the agent's threads (event loops, the concurrency pool
/// that sets calls up) allocate little and rarely at the same time, so one arena is enough and
/// keeps about 1 MB less resident in a call (docs/benchmarks.md, "Agent footprint").
enum MallocArenas {
    /// `mallopt(M_ARENA_MAX, 1)`, before any other thread exists. `mallopt` is looked up at
    /// run time (glibc's `malloc.h` is not in the Glibc module); elsewhere this does nothing.
    static func useOne() {
        #if canImport(Glibc)
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        let arenaMaximum: Int32 = -8  // M_ARENA_MAX
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        _ = unsafeBitCast(symbol, to: Mallopt.self)(arenaMaximum, 1)
        #endif
    }
}
