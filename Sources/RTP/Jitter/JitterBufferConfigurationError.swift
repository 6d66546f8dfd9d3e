/// A ``JitterBufferConfiguration`` that cannot be used, and which field is wrong.
///
/// Compare errors by ``code``; ``field`` names the configuration property and ``value`` is what
/// it held.
public struct JitterBufferConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem this is: an extensible code, not an enum.
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

        /// The value is outside the field's documented range.
        public static let outOfRange = Code(1, "out of range")
        /// The value must be a power of two and is not.
        public static let notPowerOfTwo = Code(2, "not a power of two")
    }

    /// What is wrong.
    public let code: Code
    /// The name of the ``JitterBufferConfiguration`` property that is wrong.
    public let field: StaticString
    /// The value the property held.
    public let value: Int

    /// An error of kind `code` for `field` holding `value`.
    public init(_ code: Code, field: StaticString, value: Int) {
        self.code = code
        self.field = field
        self.value = value
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.code == rhs.code && lhs.field.description == rhs.field.description && lhs.value == rhs.value
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        hasher.combine(field.description)
        hasher.combine(value)
    }

    public var description: String { "jitter buffer configuration: \(field) = \(value) is \(code)" }
}
