/// One header line of a message: its name (resolved and as written) and its value.
public struct SIPHeader: Sendable, Hashable {
    /// The resolved name; ``SIPHeaderName/other`` for names the parser does not know.
    public let name: SIPHeaderName
    /// The name exactly as written (`v`, `VIA`, `X-Custom`).
    public let nameBytes: SIPBytes
    /// The value, trimmed; a folded value keeps its inner CRLF and white space.
    public let value: SIPBytes
}
