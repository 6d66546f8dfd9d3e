/// The SDP parser: splits bytes into lines, checks each line's grammar and RFC 8866 §5's
/// order, and builds a ``SessionDescription``. Internal; reached through
/// ``SessionDescription/init(parsing:limits:)-(ByteBuffer,_)``.
///
/// Lines end in CRLF or, tolerated as RFC 8866 §5 asks, a bare LF. Blank lines are skipped. A
/// NUL byte or a CR that does not end a line is an error: such a byte could smuggle a line
/// past a filter.
struct SDPParser {
    private let limits: SDPParserLimits
    private var origin: SDPOrigin?
    private var sessionName: String?
    private var sawVersion = false
    private var session = SessionDescription(origin: SDPOrigin(sessionID: 0, sessionVersion: 0, address: "0.0.0.0"))
    private var media: [SDPMediaDescription] = []
    private var mediaLines: [Int] = []

    private init(limits: SDPParserLimits) {
        self.limits = limits
        session.timings = []
    }

    /// Parses `bytes` as one session description.
    static func parse(_ bytes: UnsafeRawBufferPointer, limits: SDPParserLimits) throws(SDPParseError) -> SessionDescription {
        guard bytes.count <= limits.maxBytes else {
            throw SDPParseError(.tooLarge, line: 0, offset: limits.maxBytes, "the description is longer than the byte limit")
        }
        var parser = SDPParser(limits: limits)
        var start = 0
        var number = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count, bytes[end] != 0x0A { end += 1 }
            let next = end + 1
            number += 1
            if end > start, bytes[end - 1] == 0x0D { end -= 1 }
            if number > limits.maxLines {
                throw SDPParseError(.tooLarge, line: number, offset: start, "the description has more lines than the limit")
            }
            if end > start {
                try parser.take(try line(bytes, start, end, number))
            }
            start = next
        }
        return try parser.finish()
    }

    /// The line `bytes[start..<end]` (without its line ending), checked for forbidden bytes
    /// and for the `<letter>=` prefix.
    private static func line(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int, _ number: Int) throws(SDPParseError) -> SDPLine {
        for index in start..<end where bytes[index] == 0x00 || bytes[index] == 0x0D {
            throw SDPParseError(.invalidCharacter, line: number, offset: index, "a line holds a NUL byte or a bare CR")
        }
        guard end - start >= 2, bytes[start + 1] == UInt8(ascii: "=") else {
            throw SDPParseError(.malformedLine, line: number, offset: start, "the line is not <letter>=<value>")
        }
        let type = bytes[start]
        guard type >= UInt8(ascii: "a"), type <= UInt8(ascii: "z") else {
            throw SDPParseError(.malformedLine, line: number, offset: start, "the line type is not a lowercase letter")
        }
        let value = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[(start + 2)..<end]), as: UTF8.self)
        return SDPLine(type: type, value: value[...], number: number, valueOffset: start + 2, endOffset: end)
    }

    // MARK: - Lines

    private var inMedia: Bool { !media.isEmpty }

    private mutating func take(_ line: SDPLine) throws(SDPParseError) {
        let type = Character(Unicode.Scalar(line.type))
        if !sawVersion {
            guard type == "v" else { throw line.error(.missingLine, "the first line is not v=") }
        } else if type != "o" && type != "s" && (origin == nil || sessionName == nil) {
            throw line.error(.misplacedLine, "o= and s= must follow v= before any other line")
        }
        switch type {
        case "v":
            guard !sawVersion else { throw line.error(.misplacedLine, "a second v= line") }
            guard line.value == "0" else { throw line.error(.unsupportedVersion, "the version is not 0") }
            sawVersion = true
        case "o":
            guard origin == nil, !inMedia else { throw line.error(.misplacedLine, "a second o= line") }
            origin = try Self.origin(line)
        case "s":
            guard sessionName == nil, !inMedia else { throw line.error(.misplacedLine, "a second s= line") }
            guard !line.value.isEmpty else { throw line.error(.malformedLine, "the session name is empty (write s=-)") }
            sessionName = String(line.value)
        case "i":
            if inMedia {
                guard media[media.count - 1].information == nil else { throw line.error(.misplacedLine, "a second i= line in a media description") }
                media[media.count - 1].information = String(line.value)
            } else {
                guard session.information == nil else { throw line.error(.misplacedLine, "a second i= line") }
                session.information = String(line.value)
            }
        case "u":
            guard !inMedia, session.uri == nil else { throw line.error(.misplacedLine, "u= after m= or twice") }
            session.uri = String(line.value)
        case "e":
            guard !inMedia else { throw line.error(.misplacedLine, "e= after m=") }
            session.emails.append(String(line.value))
        case "p":
            guard !inMedia else { throw line.error(.misplacedLine, "p= after m=") }
            session.phones.append(String(line.value))
        case "c":
            let connection = try Self.connection(line)
            if inMedia {
                media[media.count - 1].connections.append(connection)
            } else {
                guard session.connection == nil else { throw line.error(.misplacedLine, "a second session-level c= line") }
                session.connection = connection
            }
        case "b":
            let bandwidth = try Self.bandwidth(line)
            if inMedia { media[media.count - 1].bandwidths.append(bandwidth) } else { session.bandwidths.append(bandwidth) }
        case "t":
            guard !inMedia else { throw line.error(.misplacedLine, "t= after m=") }
            session.timings.append(try Self.timing(line))
        case "r":
            guard !inMedia, !session.timings.isEmpty else { throw line.error(.misplacedLine, "r= not after a t= line") }
            session.timings[session.timings.count - 1].repeats.append(String(line.value))
        case "z":
            guard !inMedia, session.timeZones == nil else { throw line.error(.misplacedLine, "z= after m= or twice") }
            session.timeZones = String(line.value)
        case "k":
            if inMedia { media[media.count - 1].encryptionKey = String(line.value) } else { session.encryptionKey = String(line.value) }
        case "a":
            let attribute = try Self.attribute(line)
            if inMedia { media[media.count - 1].attributes.append(attribute) } else { session.attributes.append(attribute) }
        case "m":
            guard media.count < limits.maxMediaDescriptions else {
                throw line.error(.tooLarge, "more media descriptions than the limit")
            }
            media.append(try Self.media(line))
            mediaLines.append(line.number)
        default:
            throw line.error(.unknownLineType, "RFC 8866 defines no line of this type")
        }
    }

    private func finish() throws(SDPParseError) -> SessionDescription {
        guard sawVersion else { throw SDPParseError(.empty, line: 0, offset: 0, "no lines") }
        guard let origin, let sessionName else {
            throw SDPParseError(.missingLine, line: 0, offset: 0, "no o= or s= line")
        }
        guard !session.timings.isEmpty else { throw SDPParseError(.missingLine, line: 0, offset: 0, "no t= line") }
        var result = session
        result.origin = origin
        result.sessionName = sessionName
        result.media = media
        if result.connection == nil {
            for (index, item) in media.enumerated() where item.connections.isEmpty && item.port != 0 {
                throw SDPParseError(.missingLine, line: mediaLines[index], offset: 0, "a media description has no c= line and the session none")
            }
        }
        return result
    }

    // MARK: - Fields

    private static func origin(_ line: SDPLine) throws(SDPParseError) -> SDPOrigin {
        let fields = line.fields()
        guard fields.count == 6 else { throw line.error(.malformedOrigin, "o= does not have six fields") }
        guard let id = SDPGrammar.decimal(fields[1].text) else {
            throw line.error(.malformedOrigin, column: fields[1].column, "the session id is not a number")
        }
        guard let version = SDPGrammar.decimal(fields[2].text) else {
            throw line.error(.malformedOrigin, column: fields[2].column, "the session version is not a number")
        }
        guard let connection = SDPConnection(fields: fields[3...5].map { String($0.text) }) else {
            throw line.error(.malformedOrigin, column: fields[3].column, "the origin address is malformed")
        }
        return SDPOrigin(
            username: String(fields[0].text), sessionID: id, sessionVersion: version,
            networkType: connection.networkType, addressType: connection.addressType, address: String(fields[5].text))
    }

    private static func connection(_ line: SDPLine) throws(SDPParseError) -> SDPConnection {
        let fields = line.fields()
        guard let connection = SDPConnection(fields: fields.map { String($0.text) }) else {
            throw line.error(.malformedConnection, column: fields.last?.column ?? 0, "c= is not <nettype> <addrtype> <address>")
        }
        return connection
    }

    private static func bandwidth(_ line: SDPLine) throws(SDPParseError) -> SDPBandwidth {
        let parts = line.value.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, SDPGrammar.isToken(parts[0]) else {
            throw line.error(.malformedBandwidth, "b= is not <bwtype>:<bandwidth>")
        }
        guard let value = SDPGrammar.decimal(parts[1]) else {
            throw line.error(.malformedBandwidth, column: parts[0].utf8.count + 1, "the bandwidth is not a number")
        }
        return SDPBandwidth(type: String(parts[0]), value: value)
    }

    private static func timing(_ line: SDPLine) throws(SDPParseError) -> SDPTiming {
        let fields = line.fields()
        guard fields.count == 2 else { throw line.error(.malformedTiming, "t= does not have two fields") }
        guard let start = SDPGrammar.decimal(fields[0].text), let stop = SDPGrammar.decimal(fields[1].text) else {
            throw line.error(.malformedTiming, "a t= time is not a number")
        }
        return SDPTiming(start: start, stop: stop)
    }

    private static func media(_ line: SDPLine) throws(SDPParseError) -> SDPMediaDescription {
        let fields = line.fields()
        guard fields.count >= 4 else { throw line.error(.malformedMedia, "m= needs a media, a port, a protocol and a format") }
        guard SDPGrammar.isToken(fields[0].text) else { throw line.error(.malformedMedia, "the media type is not a token") }
        let portParts = fields[1].text.split(separator: "/", omittingEmptySubsequences: false)
        guard portParts.count <= 2, let port = SDPGrammar.decimal(portParts[0]), port <= 65_535 else {
            throw line.error(.malformedMedia, column: fields[1].column, "the port is not a number up to 65535")
        }
        var count: Int?
        if portParts.count == 2 {
            guard let value = SDPGrammar.decimal(portParts[1]), value > 0, value <= 65_535 else {
                throw line.error(.malformedMedia, column: fields[1].column, "the number of ports is not a positive number")
            }
            count = Int(value)
        }
        guard fields[2].text.split(separator: "/", omittingEmptySubsequences: false).allSatisfy(SDPGrammar.isToken) else {
            throw line.error(.malformedMedia, column: fields[2].column, "the protocol is not a token")
        }
        var formats: [String] = []
        for field in fields[3...] {
            guard SDPGrammar.isToken(field.text) else { throw line.error(.malformedMedia, column: field.column, "a format is not a token") }
            formats.append(String(field.text))
        }
        var description = SDPMediaDescription(
            media: String(fields[0].text), port: UInt16(port), portCount: count, proto: String(fields[2].text), formats: formats)
        if description.isRTP {
            for (field, format) in zip(fields[3...], formats) where (SDPGrammar.decimal(format).map { $0 > 127 } ?? true) {
                throw line.error(.malformedMedia, column: field.column, "an RTP format is not a payload type 0...127")
            }
        }
        description.attributes.reserveCapacity(8)
        return description
    }

    private static func attribute(_ line: SDPLine) throws(SDPParseError) -> SDPAttribute {
        let parts = line.value.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        let name = parts[0]
        guard SDPGrammar.isToken(name) else { throw line.error(.malformedAttribute, "the attribute name is not a token") }
        let value = parts.count == 2 ? String(parts[1]) : nil
        let column = name.utf8.count + 1
        switch name.lowercased() {
        case "rtpmap":
            guard let value, SDPRTPMap(value: value) != nil else {
                throw line.error(.malformedAttribute, column: column, "rtpmap is not <pt> <name>/<rate>[/<channels>]")
            }
        case "fmtp":
            let fields = value.map { $0.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true) } ?? []
            guard fields.count >= 1, SDPGrammar.isToken(fields[0]) else {
                throw line.error(.malformedAttribute, column: column, "fmtp is not <format> <parameters>")
            }
        case "ptime", "maxptime":
            guard let value, SDPMediaDescription.milliseconds(value) != nil else {
                throw line.error(.malformedAttribute, column: column, "ptime or maxptime is not a positive number of milliseconds")
            }
        case "rtcp":
            guard let value, SDPRTCPAttribute(value: value) != nil else {
                throw line.error(.malformedAttribute, column: column, "rtcp is not <port> [<nettype> <addrtype> <address>]")
            }
        case "rtcp-mux", "sendrecv", "sendonly", "recvonly", "inactive":
            guard value == nil else { throw line.error(.malformedAttribute, column: column, "a property attribute has a value") }
        default:
            break
        }
        return SDPAttribute(String(name), value)
    }
}
