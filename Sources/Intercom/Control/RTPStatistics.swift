/// A call's RTP counters (RFC 3550 §6.4 terms) as `GET /status` shows them.
public struct RTPStatistics: Sendable, Codable, Hashable {
    public var packetsSent: Int
    public var packetsReceived: Int
    /// Packets expected but not received (RFC 3550 §6.4.1 cumulative lost).
    public var lost: Int
    /// Interarrival jitter [ms] (RFC 3550 §6.4.1).
    public var jitterMs: Double

    public init(packetsSent: Int = 0, packetsReceived: Int = 0, lost: Int = 0, jitterMs: Double = 0) {
        self.packetsSent = packetsSent
        self.packetsReceived = packetsReceived
        self.lost = lost
        self.jitterMs = jitterMs
    }
}
