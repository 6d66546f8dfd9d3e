import Yams

/// A small block-style YAML writer for ``IntercomConfiguration/yaml(maskingSecrets:)``: maps
/// in the order given, lists of scalars in flow style (`[opus, pcmu]`), lists of maps as block
/// sequences, and strings quoted whenever YAML would read them back as something else.
enum YAMLWriter {
    /// A value to write.
    indirect enum Value {
        /// Written as is (numbers, booleans, null).
        case literal(String)
        /// Text, quoted when needed.
        case string(String)
        case map([(String, Value)])
        case list([Value])

        static func optional(_ text: String?) -> Value { text.map(Value.string) ?? .literal("null") }
        static func optional(_ number: Int?) -> Value { number.map { .literal(String($0)) } ?? .literal("null") }
        static func int(_ number: Int) -> Value { .literal(String(number)) }
        static func bool(_ flag: Bool) -> Value { .literal(flag ? "true" : "false") }
        static func strings(_ texts: [String]) -> Value { .list(texts.map(Value.string)) }
    }

    /// The document for a top-level map.
    static func document(_ entries: [(String, Value)]) -> String {
        var lines: [String] = []
        writeMap(entries, indent: 0, into: &lines)
        return lines.joined(separator: "\n") + "\n"
    }

    private static func writeMap(_ entries: [(String, Value)], indent: Int, into lines: inout [String]) {
        let pad = String(repeating: " ", count: indent)
        for (key, value) in entries {
            let name = quoted(key)
            if let inline = inline(value) {
                lines.append("\(pad)\(name): \(inline)")
            } else if case .map(let child) = value {
                lines.append("\(pad)\(name):")
                writeMap(child, indent: indent + 2, into: &lines)
            } else if case .list(let elements) = value {
                lines.append("\(pad)\(name):")
                writeList(elements, indent: indent + 2, into: &lines)
            }
        }
    }

    /// A block list of maps (or of lists).
    private static func writeList(_ elements: [Value], indent: Int, into lines: inout [String]) {
        let pad = String(repeating: " ", count: indent)
        for element in elements {
            if let inline = inline(element) {
                lines.append("\(pad)- \(inline)")
            } else if case .map(let entries) = element {
                var nested: [String] = []
                writeMap(entries, indent: indent + 2, into: &nested)
                // The first key goes on the dash's line.
                if let first = nested.first {
                    nested[0] = pad + "- " + first.dropFirst(indent + 2)
                }
                lines.append(contentsOf: nested)
            } else if case .list(let inner) = element {
                lines.append("\(pad)-")
                writeList(inner, indent: indent + 2, into: &lines)
            }
        }
    }

    /// The one-line form of scalars, empty containers and lists of scalars; nil for the rest.
    private static func inline(_ value: Value) -> String? {
        switch value {
        case .literal(let text): return text
        case .string(let text): return quoted(text)
        case .map(let entries): return entries.isEmpty ? "{}" : nil
        case .list(let elements):
            var parts: [String] = []
            for element in elements {
                switch element {
                case .literal(let text): parts.append(text)
                case .string(let text): parts.append(quoted(text))
                default: return nil
                }
            }
            return "[" + parts.joined(separator: ", ") + "]"
        }
    }

    /// `text` plain when it is made of safe characters and YAML reads it back as the same
    /// text (not `true`, `5060`, `null`...), else double-quoted with escapes.
    static func quoted(_ text: String) -> String {
        let safe = !text.isEmpty
            && text.unicodeScalars.allSatisfy { scalar in
                ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
                    || "_./-+@".unicodeScalars.contains(scalar)
            }
            && !(text.first.map { "-.@".contains($0) } ?? true)
        if safe, Node.scalar(Node.Scalar(text, Tag(.implicit), .plain)).tag.rawValue == Tag.Name.str.rawValue {
            return text
        }
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            default:
                if Self.isWrittenAsIs(scalar) {
                    result.unicodeScalars.append(scalar)
                } else {
                    // \xXX, \uXXXX or \UXXXXXXXX: YAML 1.1 §5.6 escapes for any code point.
                    let (escape, width) = scalar.value <= 0xFF ? ("x", 2) : scalar.value <= 0xFFFF ? ("u", 4) : ("U", 8)
                    let hex = String(scalar.value, radix: 16, uppercase: true)
                    result += "\\" + escape + String(repeating: "0", count: width - hex.count) + hex
                }
            }
        }
        return result + "\""
    }

    /// Whether `scalar` reads back as itself inside a double-quoted scalar: printable (YAML 1.1
    /// §5.1, which libyaml's reader enforces) and neither a line break that would be folded to
    /// a space (NEL, LS, PS) nor a byte order mark.
    private static func isWrittenAsIs(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x20...0x7E: true
        case 0xA0...0xD7FF: scalar.value != 0x2028 && scalar.value != 0x2029
        case 0xE000...0xFFFD: scalar.value != 0xFEFF
        case 0x10000...0x10FFFF: true
        default: false
        }
    }
}
