/// One call as `GET /status` shows it.
public struct CallStatus: Sendable, Codable, Hashable {
    /// The id `DELETE /calls/{id}` takes.
    public var id: String
    /// `in` or `out`.
    public var direction: String
    /// The other party's URI.
    public var remote: String
    /// `ringing`, `answered` or `ending`.
    public var state: String
    /// The negotiated codec (`opus`, `pcmu`, `pcma`); nil before the answer.
    public var codec: String?
    /// Time since the call began (INVITE sent or received) [s].
    public var durationSeconds: Double
    public var rtp: RTPStatistics

    public init(
        id: String,
        direction: String,
        remote: String,
        state: String,
        codec: String? = nil,
        durationSeconds: Double,
        rtp: RTPStatistics = RTPStatistics()
    ) {
        self.id = id
        self.direction = direction
        self.remote = remote
        self.state = state
        self.codec = codec
        self.durationSeconds = durationSeconds
        self.rtp = rtp
    }
}
