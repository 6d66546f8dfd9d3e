import Foundation
import Intercom

/// Collects an agent's events and lets a test wait for the next one that matches (scanning
/// forward from the last match).
final class AgentEventRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [AgentEvent] = []
    private var cursor = 0
    private var waiter: (predicate: @Sendable (AgentEvent) -> Bool, continuation: CheckedContinuation<AgentEvent?, Never>)?

    var sink: @Sendable (AgentEvent) -> Void {
        { [self] event in record(event) }
    }

    var all: [AgentEvent] { lock.withLock { events } }

    private func record(_ event: AgentEvent) {
        let resume: (CheckedContinuation<AgentEvent?, Never>, AgentEvent)? = lock.withLock {
            events.append(event)
            guard let waiter, waiter.predicate(event) else { return nil }
            cursor = events.count
            self.waiter = nil
            return (waiter.continuation, event)
        }
        if let (continuation, event) = resume { continuation.resume(returning: event) }
    }

    /// The next event `predicate` accepts (the test's time limit bounds the wait).
    func next(_ predicate: @escaping @Sendable (AgentEvent) -> Bool) async -> AgentEvent? {
        await withCheckedContinuation { continuation in
            let found: AgentEvent? = lock.withLock {
                while cursor < events.count {
                    let event = events[cursor]
                    cursor += 1
                    if predicate(event) { return event }
                }
                waiter = (predicate, continuation)
                return nil
            }
            if let found { continuation.resume(returning: found) }
        }
    }
}
