/// Why a DNS lookup gave nothing usable: the name asked for and the reason.
public struct DNSError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, broadly.
    public enum Code: Sendable, Hashable {
        /// The name does not exist (NXDOMAIN).
        case noSuchName
        /// The name exists but has no record of the type asked for.
        case noData
        /// The server did not answer in time, or failed (SERVFAIL): worth asking again later.
        case temporaryFailure
        /// The answer was refused, malformed, or the resolver could not be set up.
        case failure
    }

    public var code: Code
    /// The name queried, e.g. `_sip._udp.example.com`.
    public var name: String
    public var reason: String

    public init(_ code: Code, name: String, _ reason: String) {
        self.code = code
        self.name = name
        self.reason = reason
    }

    public var description: String { "\(name): \(reason)" }
}
