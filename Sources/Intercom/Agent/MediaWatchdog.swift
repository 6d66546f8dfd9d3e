import NIOCore

/// Decides when a call's peer has vanished: no RTP or RTCP packet from it for ``timeout``
/// while it is supposed to send (RFC 3550 §6.2 has RTCP go on even when a side sends no
/// media, so a held call that still reports is alive; one held with `inactive` and no RTCP is
/// not timed out, since nothing is owed). A peer that lost power sends no BYE, and without
/// this the door line would stay busy until the maximum duration.
///
/// A value fed by whoever reads the session's counters; it keeps no clock of its own, so it is
/// tested with plain deadlines.
struct MediaWatchdog: Sendable {
    /// How long the peer may stay silent.
    let timeout: TimeAmount
    private var lastCount = 0
    private var lastChange: NIODeadline

    /// A watchdog started at `now`: the peer has `timeout` from then to send its first packet.
    init(timeout: TimeAmount, now: NIODeadline) {
        self.timeout = timeout
        self.lastChange = now
    }

    /// Feeds the number of packets received from the peer so far at `now`, and whether the
    /// peer is expected to send media; returns true once the peer has been silent for
    /// ``timeout`` while expected to send.
    mutating func observe(packetsReceived: Int, peerSends: Bool, now: NIODeadline) -> Bool {
        if packetsReceived != lastCount || !peerSends {
            lastCount = packetsReceived
            lastChange = now
            return false
        }
        return now - lastChange >= timeout
    }

    /// How long the peer has been silent at `now`.
    func silence(at now: NIODeadline) -> TimeAmount { now - lastChange }
}
