/// Why a ``ControlServer`` will not start: a configuration value it cannot serve safely or at
/// all. The ``message`` names the key path (`control.token`, `control.port`).
public struct ControlServerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, as a code tests and callers compare.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// Listening beyond loopback without `control.token`.
        public static let tokenRequired = Code("tokenRequired")
        /// `control.token` is set but empty.
        public static let emptyToken = Code("emptyToken")
        /// `control.address` is empty.
        public static let invalidAddress = Code("invalidAddress")
        /// `control.port` is outside 0...65535.
        public static let invalidPort = Code("invalidPort")

        public var description: String { name }
    }

    public var code: Code
    /// A sentence for the log and the terminal, naming the configuration key.
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
