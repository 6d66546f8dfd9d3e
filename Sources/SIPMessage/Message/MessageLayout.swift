/// Everything the parser learns about a message, as offsets into its bytes.
///
/// Routing needs the Via, From/To tags, Call-ID, CSeq and Content-Length of every message, so
/// these are decoded at parse time; every other header stays a raw range in ``headers``.
@usableFromInline
struct MessageLayout: Sendable {
    // Start line.
    @usableFromInline var isRequest = false
    @usableFromInline var methodID: UInt8 = 0
    @usableFromInline var methodRange = ByteRange.empty
    @usableFromInline var requestURIRange = ByteRange.empty
    @usableFromInline var versionRange = ByteRange.empty
    @usableFromInline var statusCode: UInt16 = 0
    @usableFromInline var reasonRange = ByteRange.empty
    @usableFromInline var startLineRange = ByteRange.empty

    // Headers.
    @usableFromInline var headers = HeaderTable()
    /// Offset of the first byte after the empty line that ends the header section.
    @usableFromInline var bodyStart = 0
    @usableFromInline var bodyRange = ByteRange.empty

    // Pre-parsed fields (empty range: absent).
    @usableFromInline var callID = ByteRange.empty
    @usableFromInline var cseqNumber: UInt32 = 0
    @usableFromInline var cseqMethodID: UInt8 = 0
    @usableFromInline var cseqMethodRange = ByteRange.empty
    @usableFromInline var viaTransport = ByteRange.empty
    @usableFromInline var viaHost = ByteRange.empty
    @usableFromInline var viaPort: UInt16 = 0
    @usableFromInline var viaSentBy = ByteRange.empty
    @usableFromInline var viaBranch = ByteRange.empty
    /// The top Via value: from the start of the first Via header's value to the comma or end
    /// that closes it.
    @usableFromInline var topVia = ByteRange.empty
    @usableFromInline var fromTag = ByteRange.empty
    @usableFromInline var toTag = ByteRange.empty
    /// -1 when there is no Content-Length header.
    @usableFromInline var contentLength: Int = -1
    @usableFromInline var flags = Flags()

    @inlinable
    init() {}

    @usableFromInline
    struct Flags: OptionSet, Sendable {
        @usableFromInline let rawValue: UInt16
        @inlinable init(rawValue: UInt16) { self.rawValue = rawValue }

        @usableFromInline static let hasCSeq = Flags(rawValue: 1 << 0)
        @usableFromInline static let hasVia = Flags(rawValue: 1 << 1)
        @usableFromInline static let hasFrom = Flags(rawValue: 1 << 2)
        @usableFromInline static let hasTo = Flags(rawValue: 1 << 3)
        @usableFromInline static let conflictingContentLength = Flags(rawValue: 1 << 4)
        @usableFromInline static let hasCallID = Flags(rawValue: 1 << 5)
        /// The header section ended at the end of the datagram without an empty line.
        @usableFromInline static let unterminatedHeaders = Flags(rawValue: 1 << 6)
        /// A line ended in a bare LF rather than CRLF.
        @usableFromInline static let bareLineFeed = Flags(rawValue: 1 << 7)
        /// The top Via's sent-by has a port (possibly 0).
        @usableFromInline static let hasViaPort = Flags(rawValue: 1 << 8)
    }
}
