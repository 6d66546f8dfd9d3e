/// A value's place in the configuration, as errors print it (`accounts[0].registrar`) and as
/// ``ConfigurationSchema/at(_:)`` looks it up (`["accounts", "[]", "registrar"]`).
struct ConfigurationKeyPath: Sendable, Hashable, CustomStringConvertible {
    /// The printed form; empty for the document.
    private(set) var text = ""
    /// The schema components: keys, and `[]` for list elements.
    private(set) var components: [String] = []

    static let root = ConfigurationKeyPath()

    /// The path of `key` in the map at this path.
    func key(_ key: String) -> ConfigurationKeyPath {
        var path = self
        path.text = text.isEmpty ? key : text + "." + key
        path.components.append(key)
        return path
    }

    /// The path of element `index` of the list at this path.
    func index(_ index: Int) -> ConfigurationKeyPath {
        var path = self
        path.text += "[\(index)]"
        path.components.append("[]")
        return path
    }

    var description: String { text }

    /// The printed path of the enclosing value (`a.b[0].c` → `a.b[0]` → `a.b` → `a` → ``),
    /// nil for the document.
    static func parent(of text: String) -> String? {
        guard !text.isEmpty else { return nil }
        guard let cut = text.lastIndex(where: { $0 == "." || $0 == "[" }) else { return "" }
        return String(text[..<cut])
    }
}
