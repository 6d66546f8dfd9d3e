import Foundation

/// One thing that happened (a call came in, a door opened, a registration failed), kept in the
/// ``EventLog`` and shown by `GET /status` as `{"time": ISO 8601, "kind", "detail"}`.
public struct EventRecord: Sendable, Codable, Hashable {
    /// When it happened (ISO 8601 in JSON).
    public var time: Date
    /// A short fixed word the agent chooses per event type (`call.incoming`, `door.opened`).
    public var kind: String
    /// Free text for people: who called, which door, the status line.
    public var detail: String

    public init(time: Date, kind: String, detail: String) {
        self.time = time
        self.kind = kind
        self.detail = detail
    }

    private enum CodingKeys: String, CodingKey {
        case time, kind, detail
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let text = try container.decode(String.self, forKey: .time)
        guard let time = ISO8601Time.date(text) else {
            throw DecodingError.dataCorruptedError(forKey: .time, in: container, debugDescription: "not an ISO 8601 time")
        }
        self.time = time
        self.kind = try container.decode(String.self, forKey: .kind)
        self.detail = try container.decode(String.self, forKey: .detail)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(ISO8601Time.string(time), forKey: .time)
        try container.encode(kind, forKey: .kind)
        try container.encode(detail, forKey: .detail)
    }
}
