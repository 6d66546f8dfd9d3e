import NIOCore

/// Gives the pages the agent faulted in back (``ReadOnlyPages/release()``) once it has settled:
/// `settle` after the last ``arm()``.
///
/// The service arms it when the agent has started, when a call comes in, goes out, is answered
/// or ends, and when a configuration was reloaded; arming again before it fires moves the
/// release later, so a burst of events gives one release. A call in progress does not hold it
/// back: 2 s after the answer, the call's set-up (SIP, SDP, opening the devices, the engine's
/// start) is done and will not run again, and its code would otherwise stay resident until the
/// call ends; what runs every period (the audio cycle, RTP, the event loop) faults back in
/// within one period, without I/O since the pages stay in the page cache. That costs the audio
/// thread some tens of minor faults once per call, measured as no late period
/// (docs/benchmarks.md, "Agent footprint").
final class SettledPageRelease: @unchecked Sendable {
    private let eventLoop: any EventLoop
    private let settle: TimeAmount
    private let release: () -> Void
    // Event loop only.
    private var pending: Scheduled<Void>?

    /// `release` runs on `eventLoop`.
    init(eventLoop: any EventLoop, settle: TimeAmount, release: @escaping () -> Void) {
        self.eventLoop = eventLoop
        self.settle = settle
        self.release = release
    }

    /// (Re)starts the wait. On any thread.
    func arm() {
        eventLoop.execute {
            self.pending?.cancel()
            self.pending = self.eventLoop.scheduleTask(in: self.settle) {
                self.pending = nil
                self.release()
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
