/// Environment variables that override configuration keys, applied to the YAML tree before it
/// is decoded, so that an overridden value goes through the same checks as one from the file.
///
/// The name is `INTERCOM_` and the key path in upper snake case, with `__` between levels and
/// list indexes as numbers:
///
/// | variable                              | key path                  |
/// | ------------------------------------- | ------------------------- |
/// | `INTERCOM_SIP__USER=door`             | `sip.user`                |
/// | `INTERCOM_ANSWER__DELAY_MS=200`       | `answer.delayMs`          |
/// | `INTERCOM_ACCOUNTS__0__PASSWORD=s3`   | `accounts[0].password`    |
/// | `INTERCOM_AUDIO__CODECS=[pcmu, pcma]` | `audio.codecs`            |
/// | `INTERCOM_ANSWER__CHALLENGE__USERS__ALICE=pw` | `answer.challenge.users.alice` |
///
/// Values are typed as YAML types a plain scalar (`200` is an integer, `false` a boolean, an
/// empty value null); a value starting with `[` or `{` is a YAML flow list or map. An index
/// equal to the list's length appends an element (so `ACCOUNTS__0__...` variables can define an
/// account the file does not have); a larger one is an error. Keys of `challenge.users` are
/// matched to the file's case-insensitively, and lower-cased when new.
///
/// Every `INTERCOM_` variable must name a key, so that a typo is an error rather than silently
/// ignored; the exceptions are ``ignoredVariables``, which the agent itself sets for door
/// commands.
enum EnvironmentOverrides {
    static let prefix = "INTERCOM_"

    /// Variables the agent sets in a door command's environment (``DoorAction/command(_:)``),
    /// so a command that runs `intercom check-config` does not trip on them.
    static let ignoredVariables: Set<String> = ["INTERCOM_CALLER", "INTERCOM_DOOR", "INTERCOM_SOURCE"]

    /// Applies every `INTERCOM_` variable of `environment` to `root`, in the order of their key
    /// paths (list indexes numerically), and returns the problems.
    static func apply(_ environment: [String: String], to root: inout ConfigurationNode) -> [ConfigurationError] {
        let variables = environment.keys
            .filter { $0.hasPrefix(prefix) && !ignoredVariables.contains($0) }
            .map { name in (name: name, segments: segments(of: name)) }
            .sorted { lhs, rhs in
                // Names whose paths sort alike ("01" and "1" are both index 1) go by name, so
                // that the order never depends on the dictionary's.
                isOrderedBefore(lhs.segments, rhs.segments)
                    || (!isOrderedBefore(rhs.segments, lhs.segments) && lhs.name < rhs.name)
            }
        var errors: [ConfigurationError] = []
        for variable in variables {
            guard let text = environment[variable.name] else { continue }
            do throws(ConfigurationError) {
                guard !variable.segments.contains(where: \.isEmpty) else {
                    throw ConfigurationError(
                        .environment, keyPath: "",
                        reason: "empty key in the variable name; levels are separated by exactly '__'",
                        environmentVariable: variable.name)
                }
                let value = try ConfigurationNode.environmentValue(text, variable: variable.name)
                try set(
                    value, at: variable.segments[...], in: &root, schema: .root, path: .root, variable: variable.name,
                    spelled: prefix)
            } catch {
                errors.append(error)
            }
        }
        return errors
    }

    /// `accountId` → `ACCOUNT_ID`, `requireTLS` → `REQUIRE_TLS`, `allowMD5` → `ALLOW_MD5`: the
    /// spelling of a key in a variable name (a run of capitals is one word).
    static func environmentName(of key: String) -> String {
        var result = ""
        var previous: Character?
        for character in key {
            if character.isUppercase, let previous, !previous.isUppercase { result.append("_") }
            result.append(contentsOf: character.uppercased())
            previous = character
        }
        return result
    }

    private static func segments(of name: String) -> [String] {
        name.dropFirst(prefix.count).split(separator: "__", omittingEmptySubsequences: false).map(String.init)
    }

    private static func isOrderedBefore(_ lhs: [String], _ rhs: [String]) -> Bool {
        for (left, right) in zip(lhs, rhs) where left != right {
            if let l = Int(left), let r = Int(right) { return l < r }
            return left < right
        }
        return lhs.count < rhs.count
    }

    /// Replaces the value at `segments` below `node` (whose schema and path are given) with
    /// `value`, creating maps and list elements on the way.
    private static func set(
        _ value: ConfigurationNode, at segments: ArraySlice<String>, in node: inout ConfigurationNode,
        schema: ConfigurationSchema, path: ConfigurationKeyPath, variable: String, spelled: String
    ) throws(ConfigurationError) {
        guard let segment = segments.first else {
            node = value
            return
        }
        let rest = segments.dropFirst()
        let origin = ConfigurationNode.Origin.environment(variable)
        switch schema {
        case .mapping(let fields):
            guard let field = fields.first(where: { environmentName(of: $0.key) == segment.uppercased() }) else {
                var reason = "unknown key '\(segment)'" + (path.text.isEmpty ? "" : " in \(path.text)")
                let names = fields.map { environmentName(of: $0.key) }
                if let suggestion = KeySuggestion.closest(to: segment, among: names) {
                    reason += "; did you mean \(spelled)\(suggestion)?"
                } else {
                    reason += "; expected one of \(names.map { spelled + $0 }.joined(separator: ", "))"
                }
                throw ConfigurationError(.unknownKey, keyPath: path.text, reason: reason, environmentVariable: variable)
            }
            var entries: [ConfigurationNode.Entry] = []
            if case .mapping(let existing) = node.value { entries = existing }
            try setEntry(
                value, key: field.key, rest: rest, entries: &entries, schema: field.value, path: path.key(field.key),
                variable: variable, spelled: spelled + segment + "__")
            node = ConfigurationNode(.mapping(entries), origin: nodeOrigin(node, origin))
        case .dictionary(let valueSchema):
            var entries: [ConfigurationNode.Entry] = []
            if case .mapping(let existing) = node.value { entries = existing }
            let key = entries.first { $0.key.lowercased() == segment.lowercased() }?.key ?? segment.lowercased()
            try setEntry(
                value, key: key, rest: rest, entries: &entries, schema: valueSchema, path: path.key(key),
                variable: variable, spelled: spelled + segment + "__")
            node = ConfigurationNode(.mapping(entries), origin: nodeOrigin(node, origin))
        case .list(let elementSchema):
            guard let index = Int(segment), index >= 0, segment.allSatisfy(\.isASCII) else {
                throw ConfigurationError(
                    .environment, keyPath: path.text, reason: "'\(segment)' is not a list index (0, 1, ...)",
                    environmentVariable: variable)
            }
            var elements: [ConfigurationNode] = []
            if case .sequence(let existing) = node.value { elements = existing }
            guard index <= elements.count else {
                throw ConfigurationError(
                    .environment, keyPath: path.index(index).text,
                    reason: "index \(index) is past the end of the list (\(elements.count) elements); "
                        + "overrides may append only at index \(elements.count)",
                    environmentVariable: variable)
            }
            if index == elements.count { elements.append(ConfigurationNode(.scalar("", .null), origin: origin)) }
            try set(
                value, at: rest, in: &elements[index], schema: elementSchema, path: path.index(index), variable: variable,
                spelled: spelled + segment + "__")
            node = ConfigurationNode(.sequence(elements), origin: nodeOrigin(node, origin))
        case .scalar:
            throw ConfigurationError(
                .unknownKey, keyPath: path.text, reason: "\(path.text) has no keys below it (unknown key '\(segment)')",
                environmentVariable: variable)
        }
    }

    private static func setEntry(
        _ value: ConfigurationNode, key: String, rest: ArraySlice<String>, entries: inout [ConfigurationNode.Entry],
        schema: ConfigurationSchema, path: ConfigurationKeyPath, variable: String, spelled: String
    ) throws(ConfigurationError) {
        let origin = ConfigurationNode.Origin.environment(variable)
        let position: Int
        if let existing = entries.firstIndex(where: { $0.key == key }) {
            position = existing
        } else {
            entries.append(.init(key: key, keyOrigin: origin, value: ConfigurationNode(.scalar("", .null), origin: origin)))
            position = entries.count - 1
        }
        try set(value, at: rest, in: &entries[position].value, schema: schema, path: path, variable: variable, spelled: spelled)
    }

    /// A container keeps its file origin when it was a container of the right kind already.
    private static func nodeOrigin(_ node: ConfigurationNode, _ fallback: ConfigurationNode.Origin) -> ConfigurationNode.Origin {
        if case .file = node.origin {
            switch node.value {
            case .mapping, .sequence: return node.origin
            case .scalar: return fallback
            }
        }
        return node.origin == .none ? fallback : node.origin
    }
}
