/// A SIP request method (RFC 3261 §7.1, §27.4): a known method by id, or an extension method by
/// its token. Methods are case-sensitive: `invite` is an extension method, not INVITE.
public struct SIPMethod: Hashable, Sendable, CustomStringConvertible {
    /// The id of a known method; 0 for an extension method.
    public let rawValue: UInt8
    /// The token of an extension method; nil for a known one.
    public let extensionName: String?

    @inlinable
    init(rawValue: UInt8) {
        self.rawValue = rawValue
        self.extensionName = nil
    }

    /// A method by its token: a known method when the token is one, else an extension method.
    /// Returns nil when `token` is empty or not a `token` (RFC 3261 §25.1).
    public init?(_ token: String) {
        var token = token
        let parsed: SIPMethod? = token.withUTF8 { utf8 in
            let raw = UnsafeRawBufferPointer(utf8)
            guard raw.count > 0, raw.allSatisfy({ ASCII.token.contains($0) }) else { return nil }
            return SIPMethod(rawValue: SIPMethod.lookup(raw, 0, raw.count))
        }
        guard let parsed else { return nil }
        if parsed.rawValue == 0 {
            self.rawValue = 0
            self.extensionName = token
        } else {
            self = parsed
        }
    }

    public static let invite = SIPMethod(rawValue: 1)
    public static let ack = SIPMethod(rawValue: 2)
    public static let bye = SIPMethod(rawValue: 3)
    public static let cancel = SIPMethod(rawValue: 4)
    public static let options = SIPMethod(rawValue: 5)
    public static let register = SIPMethod(rawValue: 6)
    public static let message = SIPMethod(rawValue: 7)
    public static let info = SIPMethod(rawValue: 8)
    public static let prack = SIPMethod(rawValue: 9)
    public static let update = SIPMethod(rawValue: 10)
    public static let subscribe = SIPMethod(rawValue: 11)
    public static let notify = SIPMethod(rawValue: 12)
    public static let refer = SIPMethod(rawValue: 13)
    public static let publish = SIPMethod(rawValue: 14)

    @usableFromInline static let knownNames: [StaticString] = [
        "", "INVITE", "ACK", "BYE", "CANCEL", "OPTIONS", "REGISTER", "MESSAGE", "INFO", "PRACK",
        "UPDATE", "SUBSCRIBE", "NOTIFY", "REFER", "PUBLISH",
    ]

    /// Whether this is a method the parser knows by id.
    public var isKnown: Bool { rawValue != 0 }

    /// The method's token as it goes on the wire.
    public var name: String {
        extensionName ?? SIPMethod.knownNames[Int(rawValue)].description
    }

    public var description: String { name }

    /// The id of the method spelled by `bytes[start..<start+count]` (case-sensitive); 0 when
    /// it is not a known method.
    @inlinable
    static func lookup(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ count: Int) -> UInt8 {
        @inline(__always)
        func matches(_ literal: StaticString) -> Bool {
            let pointer = literal.utf8Start
            for index in 0..<count where bytes[start &+ index] != pointer[index] {
                return false
            }
            return true
        }
        switch count {
        case 3:
            if matches("ACK") { return 2 }
            if matches("BYE") { return 3 }
        case 4:
            if matches("INFO") { return 8 }
        case 5:
            if matches("PRACK") { return 9 }
            if matches("REFER") { return 13 }
        case 6:
            if matches("INVITE") { return 1 }
            if matches("CANCEL") { return 4 }
            if matches("UPDATE") { return 10 }
            if matches("NOTIFY") { return 12 }
        case 7:
            if matches("OPTIONS") { return 5 }
            if matches("MESSAGE") { return 7 }
            if matches("PUBLISH") { return 14 }
        case 8:
            if matches("REGISTER") { return 6 }
        case 9:
            if matches("SUBSCRIBE") { return 11 }
        default:
            break
        }
        return 0
    }
}
