import NIOCore

/// Gives the start-up pages back (``ReadOnlyPages/release()``) once the agent has settled:
/// `settle` after ``arm()``, and only if no call is in progress then.
///
/// The service arms it when the agent has started, when a call ends and when a configuration
/// was reloaded; arming again before it fires moves the release later, so a burst of events
/// gives one release. A call that starts meanwhile makes it skip: the end of that call arms it
/// again. Pages are never dropped under a call, so the audio thread does not fault code back in.
final class IdlePageRelease: @unchecked Sendable {
    private let eventLoop: any EventLoop
    private let settle: TimeAmount
    private let isIdle: () -> Bool
    private let release: () -> Void
    // Event loop only.
    private var pending: Scheduled<Void>?

    /// `isIdle` and `release` run on `eventLoop`.
    init(eventLoop: any EventLoop, settle: TimeAmount, isIdle: @escaping () -> Bool, release: @escaping () -> Void) {
        self.eventLoop = eventLoop
        self.settle = settle
        self.isIdle = isIdle
        self.release = release
    }

    /// (Re)starts the wait. On any thread.
    func arm() {
        eventLoop.execute {
            self.pending?.cancel()
            self.pending = self.eventLoop.scheduleTask(in: self.settle) {
                self.pending = nil
                if self.isIdle() { self.release() }
            }
        }
    }

    /// Cancels a pending release (at shutdown). On any thread.
    func cancel() {
        eventLoop.execute {
            self.pending?.cancel()
            self.pending = nil
        }
    }
}
