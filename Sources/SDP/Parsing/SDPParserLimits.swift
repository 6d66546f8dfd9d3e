/// Bounds on what the SDP parser accepts, so that a hostile description costs bounded work.
///
/// A description over a limit throws ``SDPParseError/Code/tooLarge``.
public struct SDPParserLimits: Sendable, Hashable {
    /// The most bytes a description may have.
    public var maxBytes: Int
    /// The most lines a description may have.
    public var maxLines: Int
    /// The most `m=` sections a description may have.
    public var maxMediaDescriptions: Int

    /// Limits with the given values.
    public init(maxBytes: Int = 65_535, maxLines: Int = 1_024, maxMediaDescriptions: Int = 32) {
        self.maxBytes = maxBytes
        self.maxLines = maxLines
        self.maxMediaDescriptions = maxMediaDescriptions
    }

    /// 64 KiB, 1024 lines, 32 media descriptions: far beyond any call's needs.
    public static let `default` = SDPParserLimits()
}
