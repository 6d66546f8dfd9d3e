import NIOCore
import RTP
import Synchronization

/// Collects what an ``RTPSession`` hands its consumer, from any thread, and lets a test
/// wait for a condition on it (woken by each event, bounded by a timeout, never polling).
final class RTPEventLog: Sendable {
    private let storage = Mutex<[RTPSessionEvent]>([])
    private let stream: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    init() {
        (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// The closure to give the session.
    var handler: @Sendable (RTPSessionEvent) -> Void {
        { [self] event in self.record(event) }
    }

    private func record(_ event: RTPSessionEvent) {
        storage.withLock { $0.append(event) }
        continuation.yield()
    }

    var events: [RTPSessionEvent] { storage.withLock { $0 } }

    var audio: [RTPPacket] {
        events.compactMap { if case .audio(let packet, _) = $0 { packet } else { nil } }
    }

    var digits: [TelephoneEventReceiver.Detected] {
        events.compactMap { if case .telephoneEvent(let detected) = $0 { detected } else { nil } }
    }

    var rtcp: [RTCPCompoundPacket] {
        events.compactMap { if case .rtcp(let compound, _) = $0 { compound } else { nil } }
    }

    var latched: [SocketAddress] {
        events.compactMap { if case .remoteLatched(let address) = $0 { address } else { nil } }
    }

    /// Waits until `condition` holds, re-checking after every event; throws after `timeout`.
    func wait(timeout: Duration = .seconds(10), until condition: @escaping @Sendable (RTPEventLog) -> Bool) async throws {
        if condition(self) { return }
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask { [stream] in
                for await _ in stream where condition(self) { return true }
                return false
            }
            group.addTask {
                try await Task.sleep(for: timeout)  // a deadline for a hung test, not a wait
                return false
            }
            let met = try await group.next() ?? false
            group.cancelAll()
            if !met, !condition(self) { throw WaitTimedOut() }
        }
    }

    /// Closes the wake-up stream (at the end of a test).
    func finish() { continuation.finish() }
}

/// A waited-for condition did not come true in time.
struct WaitTimedOut: Error {}
