/// One problem found in a configuration: where it is (the key path, and the line and column in
/// the file when the value came from the file) and what is wrong.
///
/// ```
/// door.yaml:12: accounts[0].registrar: expected a sip: or sips: URI, found 'pbx.example.com'
/// ^file     ^line ^keyPath               ^reason
/// ```
///
/// Compare errors by ``code`` (and ``keyPath``); ``reason`` is an English sentence for people
/// and may change. A value set by an environment override has no line; ``environmentVariable``
/// names the variable instead, and the description ends with it.
public struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem this is. An extensible code rather than an enum, so that new kinds
    /// do not break exhaustive switches.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public let name: String
        public init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The file is not valid YAML (a scanner, parser or composer error, a duplicate key).
        public static let syntax = Code("syntax")
        /// The document expands (through aliases) to more values than a configuration has.
        public static let tooLarge = Code("too large")
        /// The file cannot be read or is not UTF-8 text.
        public static let unreadable = Code("unreadable")
        /// A key the schema does not have (a typo, most often).
        public static let unknownKey = Code("unknown key")
        /// A value of the wrong kind: a list where a map goes, text where a number goes...
        public static let wrongType = Code("wrong type")
        /// A key that has no default is missing.
        public static let missingKey = Code("missing key")
        /// A value of the right kind that is out of range or malformed.
        public static let invalidValue = Code("invalid value")
        /// Two entries that must differ (names, listening sockets, door codes) do not.
        public static let duplicate = Code("duplicate")
        /// An environment override that cannot be applied (bad index, unparsable value).
        public static let environment = Code("environment")
    }

    public var code: Code
    /// The value's path with the file's key names: `accounts[0].registrar`, `answer.delayMs`;
    /// empty for the document as a whole.
    public var keyPath: String
    /// 1-based line in the file; nil when the value is a default or came from the environment.
    public var line: Int?
    /// 1-based column (in Unicode scalars) in the file; nil when ``line`` is.
    public var column: Int?
    public var reason: String
    /// The file's name as given to the loader, for the description; nil when none was given.
    public var file: String?
    /// The `INTERCOM_...` variable the value came from, when it came from the environment.
    public var environmentVariable: String?

    public init(
        _ code: Code, keyPath: String, line: Int? = nil, column: Int? = nil, reason: String,
        file: String? = nil, environmentVariable: String? = nil
    ) {
        self.code = code
        self.keyPath = keyPath
        self.line = line
        self.column = column
        self.reason = reason
        self.file = file
        self.environmentVariable = environmentVariable
    }

    /// `FILE:LINE: keyPath: reason`, the form compilers use so that editors can jump to it.
    /// Without a line: `FILE: keyPath: reason`; with an environment variable, the reason is
    /// followed by `(from INTERCOM_...)`.
    public var description: String {
        var text = file ?? "<configuration>"
        if let line { text += ":\(line)" }
        text += ": "
        if !keyPath.isEmpty { text += keyPath + ": " }
        text += reason
        if let environmentVariable { text += " (from \(environmentVariable))" }
        return text
    }
}
