/// Turns a ``ConfigurationNode`` tree into an ``IntercomConfiguration``, collecting every
/// problem instead of stopping at the first: unknown keys (checked against
/// ``ConfigurationSchema``), values of the wrong type, unknown enum names, missing required
/// keys. A key that is absent keeps the struct's default; a value that is wrong keeps it too,
/// with an error.
///
/// Optional values: an absent key keeps the default (`realtimePriority` 50), an explicit `null`
/// (or an empty value) sets nil (no real-time priority).
///
/// It also records where each value came from (``origins``), so that the semantic checks of
/// ``ConfigurationValidator`` can point at lines.
struct ConfigurationDecoder {
    var errors: [ConfigurationError] = []
    /// Key path → where its value was written. Paths of absent keys are missing; look them up
    /// with ``origin(of:)``, which falls back to the enclosing value.
    var origins: [String: ConfigurationNode.Origin] = [:]

    /// A map being decoded: its entries by key, after the unknown-key check.
    struct Map {
        let path: ConfigurationKeyPath
        let origin: ConfigurationNode.Origin
        let entries: [String: ConfigurationNode]
        /// The keys of ``entries`` in the order the file (or the environment) gave them, each
        /// once: maps whose keys are data (user names) are decoded in this order, so that
        /// their errors come in the same order from one run to the next.
        var keys: [String] = []

        subscript(key: String) -> ConfigurationNode? { entries[key] }
    }

    // MARK: - Errors

    mutating func fail(
        _ code: ConfigurationError.Code, _ path: ConfigurationKeyPath, _ origin: ConfigurationNode.Origin,
        _ reason: String
    ) {
        errors.append(
            ConfigurationError(
                code, keyPath: path.text, line: origin.line, column: origin.column, reason: reason,
                environmentVariable: origin.environmentVariable))
    }

    mutating func wrongType(_ path: ConfigurationKeyPath, _ node: ConfigurationNode, expected: String) {
        fail(.wrongType, path, node.origin, "expected \(expected), found \(node.kindDescription)")
    }

    /// Where the value at `path` was written: its own origin, or else its closest enclosing
    /// value's (the line of `control:` for a missing `control.token`).
    func origin(of path: String) -> ConfigurationNode.Origin {
        var current: String? = path
        while let text = current {
            if let origin = origins[text] { return origin }
            current = ConfigurationKeyPath.parent(of: text)
        }
        return .none
    }

    /// Records where the value at `path` was written, unless its key's line is known already
    /// (``map(_:_:)`` records keys first: `control:` rather than the first line under it).
    mutating func note(_ path: ConfigurationKeyPath, _ origin: ConfigurationNode.Origin) {
        if origins[path.text] == nil { origins[path.text] = origin }
    }

    // MARK: - Structure

    /// The node as a map, with its keys checked against the schema; nil (and an error) when it
    /// is not a map. A null value is an empty map (`control:` with nothing under it).
    mutating func map(_ node: ConfigurationNode, _ path: ConfigurationKeyPath) -> Map? {
        note(path, node.origin)
        switch node.value {
        case .scalar(_, .null):
            return Map(path: path, origin: node.origin, entries: [:])
        case .mapping(let entries):
            let schema = ConfigurationSchema.root.at(path.components)
            var byKey: [String: ConfigurationNode] = [:]
            var keys: [String] = []
            for entry in entries {
                if let schema, case .mapping = schema, schema.field(entry.key) == nil {
                    var reason = "unknown key '\(entry.key)'"
                    if let suggestion = KeySuggestion.closest(to: entry.key, among: schema.keys) {
                        reason += "; did you mean '\(suggestion)'?"
                    } else {
                        reason += "; expected \(schema.keys.joined(separator: ", "))"
                    }
                    fail(.unknownKey, path.key(entry.key), entry.keyOrigin, reason)
                    continue
                }
                if byKey.updateValue(entry.value, forKey: entry.key) == nil { keys.append(entry.key) }
                // The key's line, unless the value came from the environment: then errors
                // about it must name the variable.
                if case .environment = entry.value.origin {
                    origins[path.key(entry.key).text] = entry.value.origin
                } else {
                    origins[path.key(entry.key).text] = entry.keyOrigin
                }
            }
            return Map(path: path, origin: node.origin, entries: byKey, keys: keys)
        default:
            wrongType(path, node, expected: "a map")
            return nil
        }
    }

    /// The node as a list; nil (and an error) when it is not one. Null is an empty list.
    mutating func list(_ node: ConfigurationNode, _ path: ConfigurationKeyPath) -> [ConfigurationNode]? {
        note(path, node.origin)
        switch node.value {
        case .scalar(_, .null): return []
        case .sequence(let elements): return elements
        default:
            wrongType(path, node, expected: "a list")
            return nil
        }
    }

    /// The value of a key that has no default; an error at the key's path when it is absent.
    mutating func required(_ key: String, _ map: Map) -> ConfigurationNode? {
        if let node = map[key] { return node }
        fail(.missingKey, map.path.key(key), map.origin, "'\(key)' is required")
        return nil
    }

    // MARK: - Scalars

    mutating func intValue(_ node: ConfigurationNode, _ path: ConfigurationKeyPath) -> Int? {
        note(path, node.origin)
        guard case .scalar(let text, .int(let value)) = node.value else {
            wrongType(path, node, expected: "an integer")
            return nil
        }
        guard let value else {
            let digits = Array(text.filter { $0 != "_" && $0 != "+" && $0 != "-" })
            let leadingZero = digits.count > 1 && digits[0] == "0" && digits[1].isNumber
            fail(
                .invalidValue, path, node.origin,
                leadingZero
                    ? "'\(text)' has a leading zero, which YAML reads as octal; write it without (or as 0o... for octal)"
                    : "\(text) is too large")
            return nil
        }
        return value
    }

    mutating func boolValue(_ node: ConfigurationNode, _ path: ConfigurationKeyPath) -> Bool? {
        note(path, node.origin)
        guard case .scalar(_, .bool(let value)) = node.value else {
            wrongType(path, node, expected: "true or false")
            return nil
        }
        return value
    }

    /// Text: any scalar but null, as written (`password: 1234` is the text "1234").
    mutating func stringValue(_ node: ConfigurationNode, _ path: ConfigurationKeyPath) -> String? {
        note(path, node.origin)
        switch node.value {
        case .scalar(_, .null):
            wrongType(path, node, expected: "text")
            return nil
        case .scalar(let text, _):
            return text
        default:
            wrongType(path, node, expected: "text")
            return nil
        }
    }

    mutating func stringListValue(_ node: ConfigurationNode, _ path: ConfigurationKeyPath) -> [String]? {
        guard let elements = list(node, path) else { return nil }
        var result: [String] = []
        var ok = true
        for (index, element) in elements.enumerated() {
            if let text = stringValue(element, path.index(index)) { result.append(text) } else { ok = false }
        }
        return ok ? result : nil
    }

    mutating func enumValue<E: RawRepresentable & CaseIterable>(
        _ node: ConfigurationNode, _ path: ConfigurationKeyPath, as type: E.Type
    ) -> E? where E.RawValue == String {
        guard let text = stringValue(node, path) else { return nil }
        if let value = E(rawValue: text) { return value }
        let names = E.allCases.map(\.rawValue)
        var reason = "unknown value '\(text)'; expected one of \(names.joined(separator: ", "))"
        if let suggestion = KeySuggestion.closest(to: text, among: names) { reason += " (did you mean '\(suggestion)'?)" }
        fail(.invalidValue, path, node.origin, reason)
        return nil
    }

    // MARK: - Reading keys into properties

    private static func isNull(_ node: ConfigurationNode) -> Bool {
        if case .scalar(_, .null) = node.value { return true }
        return false
    }

    mutating func read(_ key: String, _ map: Map, into target: inout Int) {
        guard let node = map[key] else { return }
        if let value = intValue(node, map.path.key(key)) { target = value }
    }

    mutating func read(_ key: String, _ map: Map, into target: inout Int?) {
        guard let node = map[key] else { return }
        if Self.isNull(node) {
            note(map.path.key(key), node.origin)
            target = nil
        } else if let value = intValue(node, map.path.key(key)) {
            target = value
        }
    }

    mutating func read(_ key: String, _ map: Map, into target: inout Bool) {
        guard let node = map[key] else { return }
        if let value = boolValue(node, map.path.key(key)) { target = value }
    }

    mutating func read(_ key: String, _ map: Map, into target: inout String) {
        guard let node = map[key] else { return }
        if let value = stringValue(node, map.path.key(key)) { target = value }
    }

    mutating func read(_ key: String, _ map: Map, into target: inout String?) {
        guard let node = map[key] else { return }
        if Self.isNull(node) {
            note(map.path.key(key), node.origin)
            target = nil
        } else if let value = stringValue(node, map.path.key(key)) {
            target = value
        }
    }

    mutating func read(_ key: String, _ map: Map, into target: inout [String]) {
        guard let node = map[key] else { return }
        if let value = stringListValue(node, map.path.key(key)) { target = value }
    }

    mutating func read<E: RawRepresentable & CaseIterable>(_ key: String, _ map: Map, into target: inout E)
    where E.RawValue == String {
        guard let node = map[key] else { return }
        if let value = enumValue(node, map.path.key(key), as: E.self) { target = value }
    }
}
