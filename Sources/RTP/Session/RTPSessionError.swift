/// Why an ``RTPSession`` could not start.
public struct RTPSessionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem this is (extensible).
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        let rawValue: UInt8
        let name: StaticString

        init(_ rawValue: UInt8, _ name: StaticString) {
            self.rawValue = rawValue
            self.name = name
        }

        public static func == (lhs: Code, rhs: Code) -> Bool { lhs.rawValue == rhs.rawValue }
        public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }
        public var description: String { name.description }

        /// The configured RTP port is odd (RFC 3550 §11 asks for an even one).
        public static let oddPort = Code(1, "odd port")
        /// No even port with a free port above it was found in the allowed attempts.
        public static let noPortPair = Code(2, "no port pair")
    }

    /// What is wrong.
    public let code: Code
    /// A fixed sentence.
    public let detail: StaticString

    /// An error.
    public init(_ code: Code, _ detail: StaticString) {
        self.code = code
        self.detail = detail
    }

    public var description: String { "\(code): \(detail)" }

    public static func == (lhs: RTPSessionError, rhs: RTPSessionError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
