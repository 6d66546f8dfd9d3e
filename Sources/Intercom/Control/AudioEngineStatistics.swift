/// The audio engine's counters since the agent started, as `GET /status` shows them.
public struct AudioEngineStatistics: Sendable, Codable, Hashable {
    /// Engine cycles run (one per period, 10 or 20 ms).
    public var cycles: Int
    /// Cycles that finished after their deadline.
    public var lateCycles: Int
    /// Frames the jitter buffer concealed (lost or late packets).
    public var concealed: Int

    public init(cycles: Int = 0, lateCycles: Int = 0, concealed: Int = 0) {
        self.cycles = cycles
        self.lateCycles = lateCycles
        self.concealed = concealed
    }
}
