/// Bounds on what the parser accepts, so that no peer can make it buffer or scan without end
/// (RFC 3261 §18.3 leaves the limits to the implementation).
public struct SIPParserLimits: Sendable, Hashable {
    /// Largest header section (start line, headers and the empty line), in bytes.
    public var maxHeaderBytes: Int
    /// Largest number of header lines (continuation lines not counted).
    public var maxHeaderCount: Int
    /// Largest body, in bytes.
    public var maxBodyBytes: Int

    public init(maxHeaderBytes: Int = 16_384, maxHeaderCount: Int = 256, maxBodyBytes: Int = 65_536) {
        self.maxHeaderBytes = maxHeaderBytes
        self.maxHeaderCount = maxHeaderCount
        self.maxBodyBytes = maxBodyBytes
    }

    /// 16 KiB of headers, 256 header lines, 64 KiB of body.
    public static let `default` = SIPParserLimits()
}
