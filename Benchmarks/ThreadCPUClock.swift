#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The calling thread's CPU time (`CLOCK_THREAD_CPUTIME_ID`): the time the thread ran, which,
/// unlike the wall clock, does not count the time other processes held the core.
enum ThreadCPUClock {
    /// Seconds of CPU this thread has used.
    static func seconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) * 1e-9
    }
}
