/// One Via value (RFC 3261 §20.42, §25.1 via-parm) as ranges:
/// `SIP / 2.0 / UDP host:port ;branch=...;received=...`.
struct ViaLayout: Sendable {
    var protocolName = ByteRange.empty
    var protocolVersion = ByteRange.empty
    var transport = ByteRange.empty
    var host = ByteRange.empty
    /// 0 when the sent-by has no port (see ``hasPort``).
    var port: UInt16 = 0
    var hasPort = false
    var sentBy = ByteRange.empty
    var parameters = ByteRange.empty
    var branch = ByteRange.empty
    /// Where the value ends: the end of the range, or the comma before the next value.
    var end = 0

    init() {}

    /// Scans the Via value that starts at `start`, up to `end` or the comma that ends it.
    static func scan(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int) throws(SIPParseError) -> ViaLayout {
        var via = ViaLayout()
        var index = skipWhitespace(bytes, start, end)
        // sent-protocol = protocol-name SLASH protocol-version SLASH transport; SLASH = SWS "/" SWS.
        var nameEnd = scanRun(bytes, index, end, ASCII.token)
        guard nameEnd > index else { throw SIPParseError(.malformedHeaderValue, at: index, "Via has no protocol name") }
        via.protocolName = ByteRange(index, nameEnd)
        index = skipWhitespace(bytes, nameEnd, end)
        guard index < end, bytes[index] == ASCII.slash else { throw SIPParseError(.malformedHeaderValue, at: index, "Via: expected '/' after the protocol name") }
        index = skipWhitespace(bytes, index &+ 1, end)
        nameEnd = scanRun(bytes, index, end, ASCII.token)
        guard nameEnd > index else { throw SIPParseError(.malformedHeaderValue, at: index, "Via has no protocol version") }
        via.protocolVersion = ByteRange(index, nameEnd)
        index = skipWhitespace(bytes, nameEnd, end)
        guard index < end, bytes[index] == ASCII.slash else { throw SIPParseError(.malformedHeaderValue, at: index, "Via: expected '/' after the protocol version") }
        index = skipWhitespace(bytes, index &+ 1, end)
        nameEnd = scanRun(bytes, index, end, ASCII.token)
        guard nameEnd > index else { throw SIPParseError(.malformedHeaderValue, at: index, "Via has no transport") }
        via.transport = ByteRange(index, nameEnd)
        // LWS, then sent-by = host [ COLON port ].
        index = skipWhitespace(bytes, nameEnd, end)
        guard index > nameEnd else { throw SIPParseError(.malformedHeaderValue, at: index, "Via: expected white space before sent-by") }
        guard let host = scanHost(bytes, index, end) else { throw SIPParseError(.malformedHeaderValue, at: index, "Via sent-by is not a valid host") }
        via.host = host
        var sentByEnd = host.end
        index = skipWhitespace(bytes, host.end, end)
        if index < end, bytes[index] == ASCII.colon {
            index = skipWhitespace(bytes, index &+ 1, end)
            guard let (port, next) = scanPort(bytes, index, end) else { throw SIPParseError(.malformedHeaderValue, at: index, "Via sent-by port is not a number from 0 to 65535") }
            via.port = port
            via.hasPort = true
            sentByEnd = next
            index = next
        }
        via.sentBy = ByteRange(host.start, sentByEnd)
        // *( SEMI via-params ), ending at the end or at the comma before the next Via value.
        let parametersStart = index
        var foundBranch = false
        while true {
            index = skipWhitespace(bytes, index, end)
            if index >= end || bytes[index] == ASCII.comma { break }
            guard bytes[index] == ASCII.semicolon else {
                throw SIPParseError(.malformedHeaderValue, at: index, "Via: expected ';' before a parameter")
            }
            index = skipWhitespace(bytes, index &+ 1, end)
            let (parameter, next) = try scanParameter(bytes, index, end)
            // A repeated parameter: the first one counts, as in every typed view.
            if !foundBranch, parameter.name.count == 6, literalEqualsLowercased(bytes, parameter.name.start, "branch") {
                via.branch = parameter.value
                foundBranch = true
            }
            index = next
        }
        via.parameters = ByteRange(parametersStart, index)
        via.end = index
        return via
    }
}
