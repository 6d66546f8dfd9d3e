import Synchronization

/// The port a ``ControlServer`` is bound to, once known: waiters suspend until the server is
/// listening (the port) or has stopped without listening (nil).
final class ListeningPort: Sendable {
    private enum State {
        case waiting([CheckedContinuation<Int?, Never>])
        case resolved(Int?)
    }

    private let state = Mutex(State.waiting([]))

    /// The port if already resolved, without waiting.
    var current: Int? {
        state.withLock { state in
            if case .resolved(let port) = state {
                return port
            }
            return nil
        }
    }

    /// Waits for ``resolve(_:)``.
    func wait() async -> Int? {
        await withCheckedContinuation { continuation in
            let port: Int?? = state.withLock { state in
                switch state {
                case .waiting(var waiters):
                    waiters.append(continuation)
                    state = .waiting(waiters)
                    return .none
                case .resolved(let port):
                    return .some(port)
                }
            }
            if case .some(let port) = port {
                continuation.resume(returning: port)
            }
        }
    }

    /// Sets the port (nil: stopped without one) and wakes the waiters; only the first call counts.
    func resolve(_ port: Int?) {
        let waiters: [CheckedContinuation<Int?, Never>] = state.withLock { state in
            guard case .waiting(let waiters) = state else {
                return []
            }
            state = .resolved(port)
            return waiters
        }
        for waiter in waiters {
            waiter.resume(returning: port)
        }
    }
}
