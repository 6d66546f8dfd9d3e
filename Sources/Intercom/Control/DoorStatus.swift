import Foundation

/// One door as `GET /status` shows it.
public struct DoorStatus: Sendable, Codable, Hashable {
    /// The door's name from the configuration (`doors[].name`).
    public var name: String
    /// When its action last fired (ISO 8601 in JSON); nil if never since start.
    public var lastOpened: Date?
    /// Times its action fired since start.
    public var opens: Int
    /// Callers locked out now for wrong codes.
    public var lockedOutCallers: Int

    public init(name: String, lastOpened: Date? = nil, opens: Int = 0, lockedOutCallers: Int = 0) {
        self.name = name
        self.lastOpened = lastOpened
        self.opens = opens
        self.lockedOutCallers = lockedOutCallers
    }

    private enum CodingKeys: String, CodingKey {
        case name, lastOpened, opens, lockedOutCallers
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.name = try container.decode(String.self, forKey: .name)
        self.opens = try container.decode(Int.self, forKey: .opens)
        self.lockedOutCallers = try container.decode(Int.self, forKey: .lockedOutCallers)
        if let text = try container.decodeIfPresent(String.self, forKey: .lastOpened) {
            guard let date = ISO8601Time.date(text) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .lastOpened, in: container, debugDescription: "not an ISO 8601 time")
            }
            self.lastOpened = date
        } else {
            self.lastOpened = nil
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(lastOpened.map(ISO8601Time.string), forKey: .lastOpened)
        try container.encode(opens, forKey: .opens)
        try container.encode(lockedOutCallers, forKey: .lockedOutCallers)
    }
}
