/// A `;name=value` parameter of a header or URI. The value keeps its quotes when it was a
/// quoted string; ``unquotedValue`` removes them and resolves `\` escapes.
public struct SIPParameter: Sendable, Hashable {
    /// The name as received (compare with ``SIPBytes/equalsIgnoringCase(_:)``).
    public let name: SIPBytes
    /// The value as received, or nil for a parameter without `=`.
    public let value: SIPBytes?

    public init(name: SIPBytes, value: SIPBytes?) {
        self.name = name
        self.value = value
    }

    /// The value with surrounding quotes removed and quoted-pairs resolved.
    public var unquotedValue: String? {
        value.map(unquote)
    }
}

/// The text of `bytes` with surrounding quotes removed and `\x` pairs resolved; unchanged
/// when it is not a quoted string.
func unquote(_ bytes: SIPBytes) -> String {
    bytes.withUnsafeBytes { raw in
        guard raw.count >= 2, raw[0] == ASCII.quote, raw[raw.count &- 1] == ASCII.quote else {
            return String(decoding: raw, as: UTF8.self)
        }

        var result: [UInt8] = []
        result.reserveCapacity(raw.count)
        var index = 1
        while index < raw.count &- 1 {
            if raw[index] == ASCII.backslash, index &+ 1 < raw.count &- 1 {
                result.append(raw[index &+ 1])
                index &+= 2
            } else {
                result.append(raw[index])
                index &+= 1
            }
        }
        return String(decoding: result, as: UTF8.self)
    }
}

extension SIPMessage {
    /// The parameters in `range` (already checked), as views.
    func parameterList(_ range: ByteRange) -> [SIPParameter] {
        var result: [SIPParameter] = []
        readBytes { raw in
            try? scanParameters(raw, range.start, range.end) { parameter in
                result.append(SIPParameter(
                    name: slice(parameter.name), value: parameter.hasValue ? slice(parameter.value) : nil))
                return true
            }
        }
        return result
    }
}

extension Array where Element == SIPParameter {
    /// The first parameter named `name` (case-insensitive), or nil.
    public func first(named name: String) -> SIPParameter? {
        first { $0.name.equalsIgnoringCase(name) }
    }
}
