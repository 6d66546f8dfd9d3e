/// A configuration value as the loader sees it: the YAML tree after composition (aliases
/// resolved), each value with where it came from, so that every error can name its line or
/// its environment variable. Environment overrides are applied to this tree before decoding,
/// so both go through the same checks.
///
/// Unlike Yams' `Node` it is `Sendable`, keeps mapping order with plain `String` keys, and
/// records the origin of values that did not come from the file.
struct ConfigurationNode: Sendable, Hashable {
    /// Where a value came from.
    enum Origin: Sendable, Hashable {
        /// The file, at this 1-based line and column.
        case file(line: Int, column: Int)
        /// An `INTERCOM_...` environment variable.
        case environment(String)
        /// Made up by the loader (an element created by an override of a longer list).
        case none

        var line: Int? {
            if case .file(let line, _) = self { return line }
            return nil
        }

        var column: Int? {
            if case .file(_, let column) = self { return column }
            return nil
        }

        var environmentVariable: String? {
            if case .environment(let name) = self { return name }
            return nil
        }
    }

    /// A scalar's type as YAML's core schema resolves a plain scalar (quoted scalars are
    /// always strings).
    enum ScalarKind: Sendable, Hashable {
        case null
        case bool(Bool)
        /// nil when the digits do not fit an `Int`.
        case int(Int?)
        case float
        case string
    }

    /// One `key: value` pair of a mapping.
    struct Entry: Sendable, Hashable {
        var key: String
        var keyOrigin: Origin
        var value: ConfigurationNode
    }

    enum Value: Sendable, Hashable {
        /// The text as written (without quotes) and its resolved kind.
        case scalar(String, ScalarKind)
        case mapping([Entry])
        case sequence([ConfigurationNode])
    }

    var value: Value
    var origin: Origin

    init(_ value: Value, origin: Origin) {
        self.value = value
        self.origin = origin
    }

    /// An empty mapping: the document of an empty file.
    static func emptyMapping(origin: Origin) -> ConfigurationNode {
        ConfigurationNode(.mapping([]), origin: origin)
    }

    /// What the value is, for "expected X, found Y" messages.
    var kindDescription: String {
        switch value {
        case .mapping: "a map"
        case .sequence: "a list"
        case .scalar(let text, let kind):
            switch kind {
            case .null: "null"
            case .bool: "a boolean (\(text))"
            case .int: "an integer (\(text))"
            case .float: "a number (\(text))"
            case .string: "text ('\(text)')"
            }
        }
    }
}
