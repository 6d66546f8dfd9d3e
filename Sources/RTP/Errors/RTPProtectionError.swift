/// Why an ``RTPPacketProtector`` could not protect or unprotect a packet. The session drops the
/// packet and counts it by ``code`` in ``RTPSessionStatistics``.
public struct RTPProtectionError: Error, Sendable, Hashable, CustomStringConvertible {
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

        /// The authentication tag does not match: forged, damaged or under another key.
        public static let authenticationFailed = Code(1, "authentication failed")
        /// The packet was seen before, or is older than the replay window (RFC 3711 §3.3.2).
        public static let replayed = Code(2, "replayed")
        /// The packet is too short or too long to be transformed.
        public static let malformed = Code(3, "malformed")
        /// Anything else the transform reports.
        public static let failed = Code(4, "failed")
    }

    /// What went wrong.
    public let code: Code
    /// The status the transform returned (libsrtp's `srtp_err_status_t` for SRTP), for logs.
    public let status: Int32

    /// An error of kind `code`.
    public init(_ code: Code, status: Int32 = 0) {
        self.code = code
        self.status = status
    }

    public var description: String { "\(code) (status \(status))" }

    /// Errors are equal when their codes are.
    public static func == (lhs: RTPProtectionError, rhs: RTPProtectionError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
