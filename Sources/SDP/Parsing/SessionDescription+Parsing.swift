import NIOCore

extension SessionDescription {
    /// Parses the readable bytes of `bytes` (a SIP message body) as one session description.
    ///
    /// - Throws: ``SDPParseError`` naming what is wrong, its line and its byte offset in
    ///   `bytes`. Malformed input never traps.
    public init(parsing bytes: ByteBuffer, limits: SDPParserLimits = .default) throws(SDPParseError) {
        let result: Result<SessionDescription, SDPParseError> = bytes.withUnsafeReadableBytes { raw in
            do throws(SDPParseError) {
                return .success(try SDPParser.parse(raw, limits: limits))
            } catch {
                return .failure(error)
            }
        }
        self = try result.get()
    }

    /// Parses the UTF-8 of `text` as one session description (for tests, tools and examples).
    public init(parsing text: String, limits: SDPParserLimits = .default) throws(SDPParseError) {
        try self.init(parsing: ByteBuffer(string: text), limits: limits)
    }
}
