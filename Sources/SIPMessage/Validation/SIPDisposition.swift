/// What a user agent does with a received message after the checks of RFC 3261 §8.2 (requests)
/// and §8.1.3.3 (responses).
public enum SIPDisposition: Sendable, Hashable {
    /// Process it.
    case accept
    /// Answer the request with this status and do not process it.
    case reject(SIPRejection)
    /// Drop the response silently (it was not meant for this element, or is unusable).
    case discard(reason: String)

    /// The status of a rejection, or nil.
    public var rejectStatus: Int? {
        if case .reject(let rejection) = self { return rejection.status }
        return nil
    }
}

/// Why a request is refused: the status to answer, its reason phrase, and the headers that
/// the response must carry (Unsupported for 420, Allow for 405, Accept for 415).
public struct SIPRejection: Sendable, Hashable {
    /// The status code (400, 405, 415, 416, 420, 501, 505...).
    public let status: Int
    /// The reason phrase to send.
    public let reasonPhrase: String
    /// When the request is malformed, what is wrong with it and where.
    public let error: SIPParseError?
    /// For 420: the option tags that are not supported.
    public let unsupported: [String]
    /// For 405: the allowed methods; for 415: the accepted body types.
    public let allow: [String]

    public init(status: Int, reasonPhrase: String, error: SIPParseError? = nil, unsupported: [String] = [], allow: [String] = []) {
        self.status = status
        self.reasonPhrase = reasonPhrase
        self.error = error
        self.unsupported = unsupported
        self.allow = allow
    }
}
