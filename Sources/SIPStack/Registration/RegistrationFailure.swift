/// Why a REGISTER failed (RFC 3261 §10.2, §21): a code to compare plus the status code when a
/// response caused it. An extensible code, not an enum, so adding one is not a breaking change.
public struct RegistrationFailure: Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is.
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

        /// The registrar answered with a failure status (4xx, 5xx, 6xx).
        public static let rejected = Code(1, "rejected")
        /// The challenge could not be answered (no credentials, unsupported algorithm...).
        public static let authenticationFailed = Code(2, "authenticationFailed")
        /// The credentials were refused: a second challenge with `stale=false` (RFC 7616 §3.3).
        public static let credentialsRejected = Code(3, "credentialsRejected")
        /// The client transaction timed out (Timer F, RFC 3261 §17.1.2.2).
        public static let timeout = Code(4, "timeout")
        /// The transport could not send the REGISTER (RFC 3261 §17.1.4).
        public static let transportError = Code(5, "transportError")
        /// A 423 without a usable Min-Expires (RFC 3261 §10.2.8).
        public static let intervalTooBrief = Code(6, "intervalTooBrief")
        /// The configuration does not make a valid REGISTER.
        public static let invalidConfiguration = Code(7, "invalidConfiguration")
        /// A 2xx granted no time to our contact.
        public static let bindingNotGranted = Code(8, "bindingNotGranted")
        /// The registrar offered only MD5 (or MD5-sess) digest challenges and
        /// ``RegistrationConfiguration/allowMD5`` is off (RFC 8760 §3: MD5 is kept for
        /// backward compatibility only).
        public static let md5NotAllowed = Code(9, "md5NotAllowed")
    }

    /// What failed.
    public let code: Code
    /// The status code of the response that caused it, if any.
    public let status: Int?

    public init(_ code: Code, status: Int? = nil) {
        self.code = code
        self.status = status
    }

    public var description: String { status.map { "\(code) (\($0))" } ?? code.description }
}
