import Glibc

/// The clock of a paced file or null device: after `frames` have moved since the first call,
/// sleeps until `start + frames / rate` on `CLOCK_MONOTONIC` with an absolute deadline
/// (`clock_nanosleep(..., TIMER_ABSTIME, ...)`), so that sleeping late once does not make every
/// later period late. Allocates nothing.
struct DevicePacer {
    let pacing: AudioDevicePacing
    let sampleRate: Int
    private var start = timespec()
    private var started = false
    /// Frames accounted for since the first call.
    private(set) var frames = 0

    init(pacing: AudioDevicePacing, sampleRate: Int) {
        self.pacing = pacing
        self.sampleRate = max(1, sampleRate)
    }

    /// Accounts for `count` more frames and, when paced, waits for their deadline.
    mutating func advance(by count: Int) {
        if !started {
            clock_gettime(CLOCK_MONOTONIC, &start)
            started = true
        }
        frames += count
        guard pacing == .paced else { return }
        let seconds = frames / sampleRate
        let nanoseconds = Int64(frames % sampleRate) * 1_000_000_000 / Int64(sampleRate) + Int64(start.tv_nsec)
        var deadline = timespec(
            tv_sec: start.tv_sec + seconds + Int(nanoseconds / 1_000_000_000),
            tv_nsec: Int(nanoseconds % 1_000_000_000))
        while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, nil) == EINTR {}
    }
}
