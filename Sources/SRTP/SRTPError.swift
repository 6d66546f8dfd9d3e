/// Why an SRTP context could not be made: libsrtp failed to start, or a key does not fit its
/// suite.
public struct SRTPError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong (extensible).
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

        /// `srtp_init` failed.
        public static let initialization = Code(1, "libsrtp initialisation failed")
        /// The key||salt is not as long as the suite needs.
        public static let keyLength = Code(2, "wrong key length")
        /// `srtp_create` refused the policy.
        public static let creation = Code(3, "context creation failed")
        /// The suite name is not one SwiftSIP runs.
        public static let unknownSuite = Code(4, "unknown suite")
    }

    /// What went wrong.
    public let code: Code
    /// libsrtp's `srtp_err_status_t`, when it reported the error.
    public let status: Int32

    /// An error of kind `code`.
    public init(_ code: Code, status: Int32 = 0) {
        self.code = code
        self.status = status
    }

    public var description: String { status == 0 ? "\(code)" : "\(code) (libsrtp status \(status))" }

    /// Errors are equal when their codes are.
    public static func == (lhs: SRTPError, rhs: SRTPError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
