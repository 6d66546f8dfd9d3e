/// The agent's state as `GET /status` returns it (JSON, the property names as keys).
///
/// The agent fills it in ``IntercomControlling/status()``; the server only encodes it.
public struct IntercomStatus: Sendable, Codable, Hashable {
    /// The agent's version string.
    public var version: String
    /// Time since the agent started [s].
    public var uptimeSeconds: Double
    /// One entry per configured account.
    public var registrations: [RegistrationStatus]
    /// Calls ringing, up or ending.
    public var calls: [CallStatus]
    /// The newest events, oldest first (``EventLog/records``).
    public var lastEvents: [EventRecord]
    public var audio: AudioStatus
    /// One entry per configured door.
    public var doors: [DoorStatus]

    public init(
        version: String,
        uptimeSeconds: Double,
        registrations: [RegistrationStatus] = [],
        calls: [CallStatus] = [],
        lastEvents: [EventRecord] = [],
        audio: AudioStatus,
        doors: [DoorStatus] = []
    ) {
        self.version = version
        self.uptimeSeconds = uptimeSeconds
        self.registrations = registrations
        self.calls = calls
        self.lastEvents = lastEvents
        self.audio = audio
        self.doors = doors
    }
}
