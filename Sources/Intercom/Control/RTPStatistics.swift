/// A call's RTP counters (RFC 3550 §6.4 terms) as `GET /status` shows them.
public struct RTPStatistics: Sendable, Codable, Hashable {
    public var packetsSent: Int
    public var packetsReceived: Int
    /// Packets expected but not received (RFC 3550 §6.4.1 cumulative lost).
    public var lost: Int
    /// Interarrival jitter [ms] (RFC 3550 §6.4.1).
    public var jitterMs: Double
    /// The SRTP suite protecting the call (RFC 4568 name), or nil for plain RTP.
    public var srtpSuite: String?
    /// RTP and RTCP packets received that SRTP authenticated and decrypted.
    public var packetsUnprotected: Int
    /// Received packets dropped because SRTP authentication failed (forged, or the wrong key).
    public var authenticationFailures: Int
    /// Received packets dropped as SRTP replays.
    public var replaysDropped: Int

    public init(
        packetsSent: Int = 0, packetsReceived: Int = 0, lost: Int = 0, jitterMs: Double = 0, srtpSuite: String? = nil,
        packetsUnprotected: Int = 0, authenticationFailures: Int = 0, replaysDropped: Int = 0
    ) {
        self.packetsSent = packetsSent
        self.packetsReceived = packetsReceived
        self.lost = lost
        self.jitterMs = jitterMs
        self.srtpSuite = srtpSuite
        self.packetsUnprotected = packetsUnprotected
        self.authenticationFailures = authenticationFailures
        self.replaysDropped = replaysDropped
    }
}
