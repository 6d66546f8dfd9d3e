#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A joinable POSIX thread for the audio loop, created with SCHED_FIFO at a given priority
/// when the system allows it (CAP_SYS_NICE or an rtprio limit), and with the default policy
/// otherwise; ``realtimeStatus`` says which, for the caller to log.
final class RealtimeThread: @unchecked Sendable {
    /// Whether the thread got real-time scheduling, and why not.
    enum Status: Sendable, Hashable {
        case realtime(priority: Int32)
        case normal(reason: String)
    }

    private var thread: pthread_t
    let status: Status

    private final class Body {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }

    /// Starts `body` on a new thread; `priority` asks for SCHED_FIFO.
    init(priority: Int32?, _ body: @escaping @Sendable () -> Void) throws(AudioEngineError) {
        var created = pthread_t()
        var status = Status.normal(reason: "no real-time priority asked for")
        if let priority {
            let context = Unmanaged.passRetained(Body(body)).toOpaque()
            var attributes = pthread_attr_t()
            pthread_attr_init(&attributes)
            pthread_attr_setinheritsched(&attributes, Int32(PTHREAD_EXPLICIT_SCHED))
            pthread_attr_setschedpolicy(&attributes, SCHED_FIFO)
            var parameters = sched_param()
            parameters.sched_priority = priority
            pthread_attr_setschedparam(&attributes, &parameters)
            let result = pthread_create(&created, &attributes, Self.entry, context)
            pthread_attr_destroy(&attributes)
            if result == 0 {
                self.thread = created
                self.status = .realtime(priority: priority)
                return
            }
            Unmanaged<Body>.fromOpaque(context).release()
            status = .normal(reason: "SCHED_FIFO priority \(priority) refused (\(String(cString: strerror(result)))); running at normal priority")
        }
        let context = Unmanaged.passRetained(Body(body)).toOpaque()
        let result = pthread_create(&created, nil, Self.entry, context)
        guard result == 0 else {
            Unmanaged<Body>.fromOpaque(context).release()
            throw AudioEngineError(key: "audio thread", "pthread_create failed: \(String(cString: strerror(result)))")
        }
        self.thread = created
        self.status = status
    }

    private static let entry: @convention(c) (UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? = { context in
        guard let context else { return nil }
        let body = Unmanaged<Body>.fromOpaque(context).takeRetainedValue()
        RealtimeThread.nameThisThread()
        body.run()
        return nil
    }

    /// The thread's name as the kernel shows it (at most 15 bytes).
    static let name = "swiftsip-audio"

    /// Names the calling thread ``name``: otherwise it carries its creator's name (a
    /// concurrency pool thread's), and `top -H`, `ps -L` or /proc/PID/task/TID/comm cannot tell
    /// the audio thread from the others. Through /proc/thread-self/comm (Linux 3.17), since
    /// `pthread_setname_np` needs `_GNU_SOURCE` and `prctl` is variadic: neither imports. A
    /// failure leaves the name as it was.
    private static func nameThisThread() {
        let descriptor = open("/proc/thread-self/comm", O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = name.withCString { write(descriptor, $0, strlen($0)) }
        close(descriptor)
    }

    /// Waits for the thread to return.
    func join() {
        pthread_join(thread, nil)
    }
}
