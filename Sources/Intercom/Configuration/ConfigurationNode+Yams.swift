import Yams

extension ConfigurationNode {
    /// Composes `yaml` with Yams (YAML 1.1 core types: `yes`/`no` are booleans, `0x10` is an
    /// integer) and converts the single document to a ``ConfigurationNode``. An empty
    /// document is an empty mapping.
    ///
    /// - Throws: ``ConfigurationError`` (``ConfigurationError/Code/syntax``) with the line of
    ///   a scanner, parser or composer error, or of the first duplicated key.
    static func compose(yaml: String) throws(ConfigurationError) -> ConfigurationNode {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw syntaxError(error, yaml: yaml)
        } catch {
            throw ConfigurationError(.syntax, keyPath: "", reason: "not valid YAML: \(error)")
        }
        guard let root else { return .emptyMapping(origin: .file(line: 1, column: 1)) }
        return try converting(root, origin: nil)
    }

    /// The most values a document may expand to. Yams shares aliased nodes, but the
    /// conversion copies them: a few lines of nested aliases ("billion laughs") would otherwise
    /// expand to billions of values.
    static let maximumNodeCount = 100_000

    /// Converts a Yams node; `origin` replaces the node's marks (for environment values).
    ///
    /// - Throws: a ``ConfigurationError/Code/tooLarge`` error past ``maximumNodeCount``.
    static func converting(_ node: Node, origin: Origin?) throws(ConfigurationError) -> ConfigurationNode {
        var budget = maximumNodeCount
        return try converting(node, origin: origin, budget: &budget)
    }

    private static func converting(_ node: Node, origin: Origin?, budget: inout Int) throws(ConfigurationError)
        -> ConfigurationNode
    {
        let here = origin ?? node.mark.map { Origin.file(line: $0.line, column: $0.column) } ?? .none
        budget -= 1
        guard budget >= 0 else {
            throw ConfigurationError(
                .tooLarge, keyPath: "", line: here.line, column: here.column,
                reason: "the document expands to more than \(maximumNodeCount) values (aliases of aliases?)")
        }
        switch node {
        case .scalar(let scalar):
            return ConfigurationNode(.scalar(scalar.string, kind(of: node, scalar: scalar)), origin: here)
        case .mapping(let mapping):
            var entries: [Entry] = []
            entries.reserveCapacity(mapping.count)
            for pair in mapping {
                let keyOrigin = origin ?? pair.key.mark.map { Origin.file(line: $0.line, column: $0.column) } ?? here
                let keyText: String
                switch pair.key {
                case .scalar(let scalar): keyText = scalar.string
                // A map or list used as a key cannot name anything; keep something readable
                // for the "unknown key" error.
                case .mapping: keyText = "<a map>"
                case .sequence: keyText = "<a list>"
                case .alias(let alias): keyText = "*" + alias.anchor.rawValue
                }
                entries.append(Entry(key: keyText, keyOrigin: keyOrigin, value: try converting(pair.value, origin: origin, budget: &budget)))
            }
            return ConfigurationNode(.mapping(entries), origin: here)
        case .sequence(let sequence):
            var elements: [ConfigurationNode] = []
            elements.reserveCapacity(sequence.count)
            for element in sequence { elements.append(try converting(element, origin: origin, budget: &budget)) }
            return ConfigurationNode(.sequence(elements), origin: here)
        case .alias(let alias):
            // Yams resolves aliases while composing; an unresolved one is kept as text.
            return ConfigurationNode(.scalar("*" + alias.anchor.rawValue, .string), origin: here)
        }
    }

    private static func kind(of node: Node, scalar: Node.Scalar) -> ScalarKind {
        // (`Tag.name` is internal to Yams; its raw value is public.)
        switch node.tag.rawValue {
        case Tag.Name.null.rawValue: return .null
        case Tag.Name.bool.rawValue: return .bool(node.bool ?? false)
        case Tag.Name.int.rawValue:
            // YAML 1.1 base-60 integers (`5:30`) are read as text; Yams' own conversion of
            // them traps on overflow.
            if scalar.string.contains(":") { return .string }
            return .int(integer(scalar.string))
        case Tag.Name.float.rawValue: return .float
        default: return .string
        }
    }

    /// A YAML 1.1 integer (`-12`, `1_000`, `0x1F`, `0o17`, `0b101`) without traps; nil when it
    /// does not fit an `Int` or is ambiguous: a leading zero (`0100`), which YAML 1.1 reads
    /// as octal and people as decimal.
    static func integer(_ text: String) -> Int? {
        var digits = Substring(text.filter { $0 != "_" })
        var negative = false
        if let sign = digits.first, sign == "-" || sign == "+" {
            negative = sign == "-"
            digits = digits.dropFirst()
        }
        var radix = 10
        for (prefix, base) in [("0x", 16), ("0o", 8), ("0b", 2)] where digits.hasPrefix(prefix) {
            radix = base
            digits = digits.dropFirst(2)
            break
        }
        if radix == 10, digits.count > 1, digits.first == "0" { return nil }
        guard !digits.isEmpty, let magnitude = Int(digits, radix: radix) else { return nil }
        return negative ? -magnitude : magnitude
    }

    /// The number of lines libyaml's marks count in `yaml`: one more than its line breaks,
    /// which are LF, CR, CR LF, NEL, LS and PS (YAML 1.1 §4.1.4).
    static func lineCount(of yaml: String) -> Int {
        lineEnds(of: yaml).count + 1
    }

    /// The error for a document Yams refused for a repeated key, the same on every run.
    ///
    /// Yams names the repeated keys, and the line of one of them, in the order of a sort that
    /// is not total (keys that are maps or lists, or the same text with other tags, compare
    /// equal) over a dictionary whose order changes from run to run. This names instead the
    /// line at which a key repeats: the end of the shortest prefix of whole lines that Yams
    /// refuses for a key the whole document repeats too, found by bisection over the lines that
    /// hold a repeated key's text. Where cutting the file short makes it invalid in another way
    /// (a flow map over several lines, a key written with escapes), the line found is the end
    /// of the map or a later line: later than it could be, the same on every run. When one key
    /// repeats there, the error also names where it was first.
    ///
    /// Only on this error path; it composes about log2(lines) prefixes.
    static func duplicateKeyError(yaml: String) -> ConfigurationError {
        let scalars = yaml.unicodeScalars
        guard let whole = duplicateKeys(in: yaml) else {
            return ConfigurationError(.syntax, keyPath: "", reason: "not valid YAML: a key repeats in a map")
        }
        let repeated = Set(whole.names)
        // Candidate prefixes: the lines holding a repeated key's text (every line when a key is
        // a map or a list), each as (its 1-based number, the index after its break); the
        // whole document last, which is known to be refused.
        let texts = repeated.contains("<uncovertable>") ? [] : repeated
        var candidates: [(line: Int, end: String.Index)] = []
        var lineStart = scalars.startIndex
        let ends = lineEnds(of: yaml)
        for (index, end) in ends.enumerated() where end != scalars.endIndex {
            defer { lineStart = end }
            let text = String(scalars[lineStart..<end])
            if texts.isEmpty || texts.contains(where: { text.contains($0) }) { candidates.append((index + 1, end)) }
        }
        // The last line: the one a final break ends, or the one after the last break.
        candidates.append((ends.last == scalars.endIndex ? ends.count : ends.count + 1, scalars.endIndex))

        // Bisection: `low` is refused for no repeated key (or is before the first candidate),
        // `high` is refused for one.
        var low = -1
        var high = candidates.count - 1
        var found = whole
        while high - low > 1 {
            let middle = (low + high) / 2
            if let prefix = duplicateKeys(in: String(scalars[..<candidates[middle].end])), Set(prefix.names).isSubset(of: repeated) {
                high = middle
                found = prefix
            } else {
                low = middle
            }
        }
        let line = candidates[high].line
        let described = Set(found.names.map(keyDescription)).sorted()
        var reason = "not valid YAML: duplicate key \(described.joined(separator: ", ")) in a map"
        if found.names.count == 1, let first = found.mark, first.line < line { reason += " (first at line \(first.line))" }
        return ConfigurationError(.syntax, keyPath: "", line: line, reason: reason)
    }

    /// The repeated keys Yams reports for `yaml`, and the mark it gives, or nil when Yams
    /// accepts it or refuses it for another reason.
    private static func duplicateKeys(in yaml: String) -> (names: [String], mark: Mark?)? {
        do {
            _ = try Yams.compose(yaml: yaml)
        } catch .duplicatedKeysInMapping(let names, let context) as YamlError {
            return (names, context.mark)
        } catch {}
        return nil
    }

    /// How an error names a repeated key: quoted text, or what a map or list key is.
    private static func keyDescription(_ name: String) -> String {
        // Yams names a key that is not a scalar "<uncovertable>" (sic).
        name == "<uncovertable>" ? "<a map or list>" : "'\(name)'"
    }

    /// The index after each line break of `yaml` (LF, CR, CR LF, NEL, LS, PS), in order.
    static func lineEnds(of yaml: String) -> [String.Index] {
        var ends: [String.Index] = []
        let scalars = yaml.unicodeScalars
        var index = scalars.startIndex
        while index < scalars.endIndex {
            let value = scalars[index].value
            let next = scalars.index(after: index)
            switch value {
            case 0x0D where next < scalars.endIndex && scalars[next].value == 0x0A:
                break  // the LF of CR LF ends the line
            case 0x0A, 0x0D, 0x85, 0x2028, 0x2029:
                ends.append(next)
            default:
                break
            }
            index = next
        }
        return ends
    }

    private static func syntaxError(_ error: YamlError, yaml: String) -> ConfigurationError {
        // libyaml ends a stream that lacks a final line break on the line after the last one
        // (its scanner adds the missing break): name the file's last line instead.
        let lastLine = lineCount(of: yaml)
        func at(_ mark: Mark, _ reason: String) -> ConfigurationError {
            let line = min(mark.line, lastLine)
            return ConfigurationError(
                .syntax, keyPath: "", line: line, column: line == mark.line ? mark.column : 1, reason: reason)
        }
        switch error {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            var reason = "not valid YAML: \(problem)"
            if let context { reason += " (\(context.text) at line \(context.mark.line))" }
            return at(mark, reason)
        case .duplicatedKeysInMapping:
            return duplicateKeyError(yaml: yaml)
        case .reader(let problem, let offset, _, _):
            var line: Int?
            if let offset {
                line = yaml.prefix(offset).reduce(1) { $1 == "\n" ? $0 + 1 : $0 }
            }
            return ConfigurationError(.syntax, keyPath: "", line: line, reason: "not valid YAML text: \(problem)")
        default:
            return ConfigurationError(.syntax, keyPath: "", reason: "not valid YAML: \(error)")
        }
    }
}

extension ConfigurationNode {
    /// The value of an environment override: a flow list or map when it starts with `[` or
    /// `{` (`[pcmu, pcma]`), else the whole text as one plain YAML scalar, typed as YAML types
    /// it (`200` an integer, `false` a boolean, empty or `null` null, anything else text).
    static func environmentValue(_ text: String, variable: String) throws(ConfigurationError) -> ConfigurationNode {
        let origin = Origin.environment(variable)
        let first = text.first { !$0.isWhitespace }
        if first == "[" || first == "{" {
            do {
                guard let node = try Yams.compose(yaml: text) else { return ConfigurationNode(.scalar("", .null), origin: origin) }
                return try converting(node, origin: origin)
            } catch let error as ConfigurationError {
                throw ConfigurationError(.tooLarge, keyPath: "", reason: error.reason, environmentVariable: variable)
            } catch {
                throw ConfigurationError(
                    .environment, keyPath: "", reason: "the value is not a valid YAML flow list or map",
                    environmentVariable: variable)
            }
        }
        let node = Node.scalar(Node.Scalar(text, Tag(.implicit), .plain))
        return try converting(node, origin: origin)
    }
}
