/// Every problem found in a configuration, in file order (then environment overrides): what
/// ``ConfigurationLoader`` throws, so that one run of `intercom check-config` shows them all.
public struct ConfigurationErrors: Error, Sendable, Hashable, CustomStringConvertible {
    /// Never empty when thrown.
    public var errors: [ConfigurationError]

    public init(_ errors: [ConfigurationError]) {
        self.errors = errors
    }

    /// One ``ConfigurationError/description`` a line.
    public var description: String {
        errors.map(\.description).joined(separator: "\n")
    }
}
