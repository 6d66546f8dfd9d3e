/// The application's name for one call of a ``SIPUserAgent``: unique for the life of the
/// agent, never reused. It is not the SIP Call-ID (a forked call has one Call-ID and several
/// dialogs; an application needs one name).
public struct SIPCallHandle: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The number, counting from 1 per agent.
    public let rawValue: UInt64

    public init(rawValue: UInt64) {
        self.rawValue = rawValue
    }

    public static func < (lhs: SIPCallHandle, rhs: SIPCallHandle) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { "call#\(rawValue)" }
}
