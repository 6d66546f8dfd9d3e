/// A Session-Expires value (RFC 4028 §4): the session interval in seconds, who refreshes
/// the session, and any other parameters.
///
/// ```
/// Session-Expires = ("Session-Expires" / "x") HCOLON delta-seconds *(SEMI se-params)
/// se-params       = refresher-param / generic-param
/// refresher-param = "refresher" EQUAL ("uas" / "uac")
/// ```
public struct SIPSessionExpires: Sendable, Hashable {
    /// The side that sends the session refresh requests (RFC 4028 §4).
    public enum Refresher: Sendable, Hashable {
        /// The side that sent the INVITE that created or refreshed the session.
        case uac
        /// The side that answered it.
        case uas
    }

    /// The session interval in seconds.
    public let seconds: UInt32
    /// The `refresher` parameter, or nil when it is absent or names neither `uac` nor `uas`
    /// (such a value is a generic-param, not an error).
    public let refresher: Refresher?
    /// Every parameter, `refresher` included.
    public let parameters: [SIPParameter]
}

extension SIPMessage {
    /// The Session-Expires header (RFC 4028 §4; compact form `x`), or nil when absent.
    ///
    /// - Throws: `malformedHeaderValue` when the value does not start with a number or a
    ///   parameter is malformed, `valueOutOfRange` for more than 2^32-1 seconds.
    public func sessionExpires() throws(SIPParseError) -> SIPSessionExpires? {
        guard let index = layout.headers.firstIndex(of: .sessionExpires) else { return nil }
        let (seconds, parameters) = try deltaSecondsWithParameters(layout.headers[index].valueRange)
        let refresher: SIPSessionExpires.Refresher? = switch parameters.first(named: "refresher")?.value {
        case let value? where value.equalsIgnoringCase("uac"): .uac
        case let value? where value.equalsIgnoringCase("uas"): .uas
        default: nil
        }
        return SIPSessionExpires(seconds: seconds, refresher: refresher, parameters: parameters)
    }

    /// The Min-SE header in seconds (RFC 4028 §5: `delta-seconds *(SEMI generic-param)`), or
    /// nil when absent.
    ///
    /// - Throws: as ``sessionExpires()``.
    public func minSE() throws(SIPParseError) -> UInt32? {
        guard let index = layout.headers.firstIndex(of: .minSE) else { return nil }
        return try deltaSecondsWithParameters(layout.headers[index].valueRange).seconds
    }

    /// `delta-seconds *(SEMI generic-param)` in `range`.
    func deltaSecondsWithParameters(_ range: ByteRange) throws(SIPParseError) -> (seconds: UInt32, parameters: [SIPParameter]) {
        let (seconds, parameters) = try withBytes { (raw) throws(SIPParseError) -> (UInt32, ByteRange) in
            var digitsEnd = range.start
            while digitsEnd < range.end, ASCII.isDigit(raw[digitsEnd]) { digitsEnd &+= 1 }
            guard digitsEnd > range.start else {
                throw SIPParseError(.malformedHeaderValue, at: range.start, "expected delta-seconds", isRequest: layout.isRequest)
            }
            guard let value = parseDecimal(raw, range.start, digitsEnd), value <= UInt64(UInt32.max) else {
                throw SIPParseError(.valueOutOfRange, at: range.start, "delta-seconds above 2^32-1", isRequest: layout.isRequest)
            }
            try scanParameters(raw, digitsEnd, range.end) { _ in true }
            return (UInt32(value), ByteRange(digitsEnd, range.end))
        }
        return (seconds, parameterList(parameters))
    }
}
