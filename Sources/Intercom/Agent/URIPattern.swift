import Foundation

/// A caller pattern from the configuration (`sip:*@pbx.example.com`, `alice@*`): `*` matches
/// any run of characters, everything else itself, case-insensitively. A pattern without a
/// scheme matches the URI without its `sip:`/`sips:` scheme too.
struct URIPattern: Sendable, Hashable {
    let text: String
    private let pieces: [Substring]

    init(_ text: String) {
        self.text = text.lowercased()
        self.pieces = self.text.split(separator: "*", omittingEmptySubsequences: false)
    }

    /// Whether `uri` (a From URI without parameters) matches.
    func matches(_ uri: String) -> Bool {
        let candidate = uri.lowercased()
        if Self.match(pieces, candidate[...]) { return true }
        guard !text.hasPrefix("sip:"), !text.hasPrefix("sips:"), !text.hasPrefix("tel:") else { return false }
        for scheme in ["sip:", "sips:", "tel:"] where candidate.hasPrefix(scheme) {
            return Self.match(pieces, candidate.dropFirst(scheme.count))
        }
        return false
    }

    /// Glob matching of `pieces` (the pattern split at `*`) against `text`.
    private static func match(_ pieces: [Substring], _ text: Substring) -> Bool {
        guard let first = pieces.first else { return text.isEmpty }
        guard text.hasPrefix(first) else { return false }
        var rest = text.dropFirst(first.count)
        if pieces.count == 1 { return rest.isEmpty }
        let middle = pieces.dropFirst().dropLast()
        for piece in middle where !piece.isEmpty {
            guard let range = rest.range(of: piece) else { return false }
            rest = rest[range.upperBound...]
        }
        let last = pieces[pieces.count - 1]
        return rest.count >= last.count && rest.hasSuffix(last)
    }
}
