// libFuzzer target for the SIPMessage library: the parser, the stream framer, the typed header
// views, the URI parser, validate() and the user agent checks.
//
// Built only by Tests/Fuzz/run-fuzzers.sh (SWIFTSIP_FUZZ=1, -sanitize=fuzzer,address,
// -parse-as-library); see Tests/Fuzz/README.md.
//
// A thrown SIPParseError is an expected outcome. A crash, a sanitizer report or a Swift trap is a
// bug, and so is a broken property: `fail` names the property ("SIPMessageFuzzer property
// violated: ...").
//
// Keep this file in step with the public API of Sources/SIPMessage: every accessor, typed view and
// check that a peer's bytes can reach should be called here.

import FuzzSupport
import NIOCore
import SIPMessage

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = ByteBuffer(bytes: UnsafeBufferPointer(start: data, count: size))
    let parsed = fuzzDatagram(input)
    fuzzDatagramWithTightLimits(input, defaultParse: parsed)
    fuzzFrame(input)
    // Where the stream is cut in two: taken from the first byte, so that the fuzzer can steer it.
    let split = size == 0 ? 0 : Int(data[0]) &* size / 256
    fuzzStream(input, split: split, limits: .default)
    fuzzStream(input, split: size &- split, limits: tightLimits)
    fuzzURI(SIPBytes(input))
    // Make every value fed to `blackHole` needed, so that the optimizer keeps each call.
    finishInput()
    return 0
}

/// Small limits, so that the size and count checks are reached by short inputs too.
let tightLimits = SIPParserLimits(maxHeaderBytes: 512, maxHeaderCount: 12, maxBodyBytes: 256)

// MARK: - Datagrams

/// The input as one UDP datagram, with the default limits.
func fuzzDatagram(_ input: ByteBuffer) -> SIPMessage? {
    let message: SIPMessage
    do {
        message = try SIPMessage(parsing: input)
    } catch {
        checkError(error, within: input.readableBytes)
        return nil
    }
    check(message.bytes.readableBytes <= input.readableBytes, "a datagram's message is longer than the datagram")
    if let contentLength = message.contentLength {
        check(message.body.count == contentLength, "a datagram's body length differs from its Content-Length")
    }
    exercise(message)

    // The message's own bytes parse to the same message.
    do {
        let again = try SIPMessage(parsing: message.bytes)
        check(again.bytes == message.bytes, "re-parsing a datagram's bytes gives other bytes")
        checkSameMessage(again, message, "re-parsing a datagram's bytes")
    } catch {
        fail("a datagram's own bytes no longer parse: \(error)")
    }

    // write(into:) gives bytes that parse to the same message. Canonical header names and CRLFs
    // can make the header section longer, hence the larger header limit.
    var written = ByteBuffer()
    message.write(into: &written)
    let roomy = SIPParserLimits(
        maxHeaderBytes: 4 &* SIPParserLimits.default.maxHeaderBytes &+ 4 &* message.headerCount &+ 64,
        maxHeaderCount: SIPParserLimits.default.maxHeaderCount,
        maxBodyBytes: SIPParserLimits.default.maxBodyBytes)
    do {
        let again = try SIPMessage(parsing: written, limits: roomy)
        checkSameMessage(again, message, "write(into:) then parsing")
    } catch {
        fail("what write(into:) wrote does not parse: \(error)")
    }
    return message
}

/// The input as a datagram with small limits: limits only add rejections, so whatever parses here
/// parsed with the default limits too, to the same message.
func fuzzDatagramWithTightLimits(_ input: ByteBuffer, defaultParse: SIPMessage?) {
    do {
        let message = try SIPMessage(parsing: input, limits: tightLimits)
        guard let defaultParse else { fail("a datagram parses with tight limits but not with the default ones") }
        check(message.bytes == defaultParse.bytes, "tight limits give another message length")
        checkSameMessage(message, defaultParse, "parsing with tight limits")
    } catch {
        checkError(error, within: input.readableBytes)
    }
}

/// Two parses of the same message agree on its start line, header lines and body.
func checkSameMessage(_ lhs: SIPMessage, _ rhs: SIPMessage, _ what: String) {
    check(lhs.startLine == rhs.startLine, "\(what) gives another start line")
    check(lhs.headerCount == rhs.headerCount, "\(what) gives another header count")
    for index in 0..<min(lhs.headerCount, rhs.headerCount) {
        guard let left = lhs.header(at: index), let right = rhs.header(at: index) else {
            fail("header(at: \(index)) is nil below headerCount")
        }
        check(left.name == right.name, "\(what) gives another name for header \(index)")
        check(left.value == right.value, "\(what) gives another value for header \(index)")
        if left.name == .other {
            check(left.nameBytes == right.nameBytes, "\(what) gives another spelling for header \(index)")
        }
    }
    check(lhs.body == rhs.body, "\(what) gives another body")
    check(lhs.callID == rhs.callID, "\(what) gives another Call-ID")
    check(lhs.cseqNumber == rhs.cseqNumber, "\(what) gives another CSeq number")
    check(lhs.topViaBranch == rhs.topViaBranch, "\(what) gives another top Via branch")
    check(lhs.fromTag == rhs.fromTag && lhs.toTag == rhs.toTag, "\(what) gives other tags")
}

// MARK: - Streams

/// The input as one message cut from a stream (`init(parsingFrame:)` on the whole input).
func fuzzFrame(_ input: ByteBuffer) {
    do {
        let message = try SIPMessage(parsingFrame: input)
        check(message.bytes.readableBytes <= input.readableBytes, "a frame's message is longer than the frame")
        exerciseFields(message)
    } catch {
        checkError(error, within: input.readableBytes)
    }
}

/// What a stream framer made of a byte stream: where each message starts and how long it is, and
/// the error that stopped it, if any.
struct StreamCuts: Equatable {
    var messages: [Range<Int>] = []
    var error: SIPParseError.Code?
}

/// The input as a TCP stream that arrives in two reads, cut at `split`. The framer must cut the
/// same messages as when the whole stream arrives at once, and each message it cuts must parse
/// (if it parses) to exactly the bytes it was cut to.
func fuzzStream(_ input: ByteBuffer, split: Int, limits: SIPParserLimits) {
    let split = max(0, min(split, input.readableBytes))
    guard let first = input.getSlice(at: input.readerIndex, length: split),
          let second = input.getSlice(at: input.readerIndex &+ split, length: input.readableBytes &- split) else {
        fail("cannot split the input at \(split)")
    }
    let inTwo = frame([first, second], limits: limits)
    let atOnce = frame([input], limits: limits)
    check(inTwo == atOnce, "the framer cuts a stream differently when it arrives in two reads (split at \(split))")
}

func frame(_ chunks: [ByteBuffer], limits: SIPParserLimits) -> StreamCuts {
    var framer = SIPStreamFramer(limits: limits)
    var cuts = StreamCuts()
    var pending = ByteBuffer()
    var consumed = 0
    for chunk in chunks {
        pending.writeImmutableBuffer(chunk)
        while true {
            let next: SIPStreamFramer.Frame
            do {
                next = try framer.nextFrame(in: pending)
            } catch {
                checkError(error, within: pending.readableBytes)
                cuts.error = error.code
                return cuts
            }
            switch next {
            case .needMoreBytes:
                break
            case .keepAlive(let byteCount):
                check(byteCount > 0 && byteCount <= pending.readableBytes, "keepAlive(\(byteCount)) outside the stream")
                pending.moveReaderIndex(forwardBy: byteCount)
                consumed &+= byteCount
                continue
            case .message(let byteCount):
                check(byteCount > 0 && byteCount <= pending.readableBytes, "message(\(byteCount)) outside the stream")
                guard let bytes = pending.readSlice(length: byteCount) else { fail("message(\(byteCount)) outside the stream") }
                cuts.messages.append(consumed..<(consumed &+ byteCount))
                consumed &+= byteCount
                do {
                    let message = try SIPMessage(parsingFrame: bytes, limits: limits)
                    check(message.bytes.readableBytes == byteCount,
                          "the framer cut \(byteCount) bytes but the parser reads \(message.bytes.readableBytes) of them")
                } catch {
                    checkError(error, within: byteCount)
                }
                continue
            }
            break
        }
    }
    return cuts
}

// MARK: - Accessors

/// Calls every public accessor, typed view and check of a parsed message.
func exercise(_ message: SIPMessage) {
    exerciseFields(message)
    exerciseHeaderLookups(message)
    exerciseTypedViews(message)
    exerciseChecks(message)
}

/// The start line, the pre-parsed fields and their raw views.
func exerciseFields(_ message: SIPMessage) {
    blackHole(message.isRequest)
    exercise(message.method)
    consume(message.methodToken)
    consume(message.requestURI)
    consume(message.version)
    blackHole(message.isVersion2)
    blackHole(message.statusCode)
    consume(message.reasonPhrase)
    consume(message.startLine)
    if let token = message.methodToken { exercise(SIPMethod(token.string)) }

    consume(message.callID)
    blackHole(message.cseqNumber)
    exercise(message.cseqMethod)
    consume(message.cseqMethodToken)
    consume(message.topViaBranch)
    consume(message.topViaSentBy)
    consume(message.topViaHost)
    blackHole(message.topViaPort)
    consume(message.topViaTransport)
    blackHole(message.hasVia)
    consume(message.fromTag)
    consume(message.toTag)
    blackHole(message.contentLength)
    consume(message.body)
    blackHole(message.hasConflictingContentLength)
    blackHole(message.headerSectionIsUnterminated)
    blackHole(message.usesBareLineFeeds)
    if let contentLength = message.contentLength { check(contentLength >= 0, "a negative Content-Length") }

    // The raw views hold the same bytes as the accessors.
    message.withUnsafeFields { fields in
        check(fields.isRequest == message.isRequest, "withUnsafeFields: isRequest differs")
        check(fields.statusCode == (message.statusCode ?? 0), "withUnsafeFields: statusCode differs")
        check(same(fields.methodToken, message.methodToken), "withUnsafeFields: methodToken differs")
        check(same(fields.requestURI, message.requestURI), "withUnsafeFields: requestURI differs")
        check(same(fields.callID, message.callID), "withUnsafeFields: callID differs")
        check(fields.cseqNumber == message.cseqNumber, "withUnsafeFields: cseqNumber differs")
        check(same(fields.cseqMethodToken, message.cseqMethodToken), "withUnsafeFields: cseqMethodToken differs")
        check(fields.cseqMethodID == (message.cseqMethod?.rawValue ?? 0), "withUnsafeFields: cseqMethodID differs")
        check(same(fields.topViaBranch, message.topViaBranch), "withUnsafeFields: topViaBranch differs")
        check(same(fields.topViaSentBy, message.topViaSentBy), "withUnsafeFields: topViaSentBy differs")
        check(same(fields.topViaTransport, message.topViaTransport), "withUnsafeFields: topViaTransport differs")
        check(same(fields.fromTag, message.fromTag), "withUnsafeFields: fromTag differs")
        check(same(fields.toTag, message.toTag), "withUnsafeFields: toTag differs")
        check(fields.contentLength == message.contentLength, "withUnsafeFields: contentLength differs")
        check(same(fields.body, message.body), "withUnsafeFields: body differs")
    }
}

/// Header lines by position, by id and by spelling.
func exerciseHeaderLookups(_ message: SIPMessage) {
    let count = message.headerCount
    blackHole(message.header(at: -1))
    blackHole(message.header(at: count))
    let headers = message.headers
    check(headers.count == count, "headers.count differs from headerCount")
    // Each distinct name once (by id, and by spelling for unknown names), plus one id no header
    // has, so that the lookups stay linear in the number of header lines.
    var seenIDs: Set<SIPHeaderName> = [SIPHeaderName(rawValue: .max)]
    var seenSpellings: Set<SIPBytes> = []
    for (index, header) in headers.enumerated() {
        check(message.header(at: index) == header, "header(at:) differs from headers[index]")
        blackHole(header.name.description)
        blackHole(header.name.canonicalName.description)
        consume(header.nameBytes)
        consume(header.value)
        seenIDs.insert(header.name)
        if header.name == .other, seenSpellings.insert(header.nameBytes).inserted {
            let spelling = header.nameBytes.string
            blackHole(SIPHeaderName(spelling))
            for value in message.headers(named: spelling) { consume(value) }
        }
    }
    for name in seenIDs {
        consume(message.firstValue(name))
        let values = message.values(name)
        check(values.count == message.count(of: name), "values(_:) and count(of:) disagree")
        if name.canonicalName.utf8CodeUnitCount > 0 {
            check(message.headers(named: name.canonicalName.description).count == values.count,
                  "headers(named:) and values(_:) disagree for a known name")
        }
    }
}

/// Every typed header view. Each may throw on a malformed value; the views of the headers that
/// parsing already decoded must agree with the pre-parsed fields.
func exerciseTypedViews(_ message: SIPMessage) {
    let bound = message.bytes.readableBytes

    if let from = attempt(bound, { () throws(SIPParseError) in try message.from() }), let from {
        exercise(from)
        if let tag = message.fromTag {
            check(from.tag == tag, "from().tag differs from fromTag")
        }
    }
    if let to = attempt(bound, { () throws(SIPParseError) in try message.to() }), let to {
        exercise(to)
        if let tag = message.toTag {
            check(to.tag == tag, "to().tag differs from toTag")
        }
    }
    if let replyTo = attempt(bound, { () throws(SIPParseError) in try message.replyTo() }), let replyTo {
        exercise(replyTo)
    }
    for list in [
        attempt(bound, { () throws(SIPParseError) in try message.contacts() }),
        attempt(bound, { () throws(SIPParseError) in try message.routes() }),
        attempt(bound, { () throws(SIPParseError) in try message.recordRoutes() }),
    ] {
        for address in list ?? [] { exercise(address) }
    }

    blackHole(message.viaCount)
    if let vias = attempt(bound, { () throws(SIPParseError) in try message.vias() }) {
        check(vias.count == message.viaCount, "vias().count differs from viaCount")
        for via in vias { exercise(via) }
        if let top = vias.first {
            if let branch = message.topViaBranch {
                check(top.branch == branch, "vias().first.branch differs from topViaBranch")
            }
            if let host = message.topViaHost { check(top.host == host, "vias().first.host differs from topViaHost") }
            if let transport = message.topViaTransport {
                check(top.transport == transport, "vias().first.transport differs from topViaTransport")
            }
        }
    }
    if let top = attempt(bound, { () throws(SIPParseError) in try message.topVia() }), let top { exercise(top) }

    if let type = attempt(bound, { () throws(SIPParseError) in try message.contentType() }), let type { exercise(type) }
    for type in attempt(bound, { () throws(SIPParseError) in try message.accept() }) ?? [] { exercise(type) }
    blackHole(message.hasAccept)

    for list in [
        attempt(bound, { () throws(SIPParseError) in try message.allow() }),
        attempt(bound, { () throws(SIPParseError) in try message.supported() }),
        attempt(bound, { () throws(SIPParseError) in try message.require() }),
        attempt(bound, { () throws(SIPParseError) in try message.proxyRequire() }),
        attempt(bound, { () throws(SIPParseError) in try message.unsupported() }),
        attempt(bound, { () throws(SIPParseError) in try message.tokens(.allowEvents) }),
    ] {
        for token in list ?? [] { consume(token) }
    }
    blackHole(attempt(bound, { () throws(SIPParseError) in try message.maxForwards() }))
    blackHole(attempt(bound, { () throws(SIPParseError) in try message.expires() }))
    blackHole(attempt(bound, { () throws(SIPParseError) in try message.minExpires() }))
    consume(message.userAgent)
    consume(message.server)
    if let event = attempt(bound, { () throws(SIPParseError) in try message.event() }), let event { exercise(event) }
    if let state = attempt(bound, { () throws(SIPParseError) in try message.subscriptionState() }), let state {
        exercise(state)
    }
    for reason in attempt(bound, { () throws(SIPParseError) in try message.reasons() }) ?? [] { exercise(reason) }
    if let retry = attempt(bound, { () throws(SIPParseError) in try message.retryAfter() }), let retry {
        blackHole(retry.seconds)
        consume(retry.comment)
        exercise(retry.parameters)
        blackHole(retry.duration)
    }

    for list in [
        attempt(bound, { () throws(SIPParseError) in try message.wwwAuthenticate() }),
        attempt(bound, { () throws(SIPParseError) in try message.proxyAuthenticate() }),
        attempt(bound, { () throws(SIPParseError) in try message.authorization() }),
        attempt(bound, { () throws(SIPParseError) in try message.proxyAuthorization() }),
    ] {
        for header in list ?? [] { exercise(header) }
    }

    if let uri = message.requestURI {
        blackHole(SIPURI.scheme(of: uri))
        fuzzURI(uri)
    }
}

/// validate(), the user agent checks with both profiles, and building a response.
func exerciseChecks(_ message: SIPMessage) {
    let bound = message.bytes.readableBytes
    var isValid = true
    do {
        try message.validate()
    } catch {
        checkError(error, within: bound)
        isValid = false
    }
    for profile in [SIPEndpointProfile.userAgent, .registrar] {
        let disposition = message.check(profile: profile)
        blackHole(disposition)
        blackHole(disposition.rejectStatus)
        switch disposition {
        case .accept:
            check(isValid, "check(profile:) accepts a message that validate() rejects")
        case .reject(let rejection):
            check(message.isRequest, "check(profile:) rejects a response (responses are discarded)")
            check((400...699).contains(rejection.status), "a rejection with status \(rejection.status)")
            blackHole(rejection.reasonPhrase)
            if let error = rejection.error { checkError(error, within: bound) }
            blackHole(rejection.unsupported)
            blackHole(rejection.allow)
        case .discard(let reason):
            check(!message.isRequest, "check(profile:) discards a request (requests are answered)")
            blackHole(reason)
        }
    }

    if message.isRequest {
        var head = ByteBuffer()
        message.writeResponseHead(status: 200, reason: "OK", toTag: "fuzz", into: &head)
        head.writeSIPEndOfHeaders()
        if let response = try? SIPMessage(parsing: head) { exerciseFields(response) }
    }
}

// MARK: - Views

func exercise(_ method: SIPMethod?) {
    guard let method else { return }
    blackHole(method)
    blackHole(method.name)
    blackHole(method.isKnown)
}

func exercise(_ address: SIPNameAddress) {
    blackHole(address)
    consume(address.displayNameBytes)
    blackHole(address.displayName)
    consume(address.uri)
    blackHole(address.isBracketed)
    blackHole(address.isWildcard)
    exercise(address.parameters)
    consume(address.tag)
    blackHole(address.expires)
    blackHole(address.q)
    if let uri = attempt(address.uri.count, { () throws(SIPParseError) in try address.parsedURI() }) { exercise(uri) }
}

func exercise(_ via: SIPVia) {
    blackHole(via)
    consume(via.protocolName)
    consume(via.protocolVersion)
    consume(via.transport)
    consume(via.host)
    blackHole(via.port)
    exercise(via.parameters)
    consume(via.branch)
    consume(via.received)
    consume(via.maddr)
    blackHole(via.ttl)
    blackHole(via.hasRPort)
    blackHole(via.rport)
    blackHole(via.hasRFC3261Branch)
}

func exercise(_ type: SIPMediaType) {
    blackHole(type)
    consume(type.type)
    consume(type.subtype)
    exercise(type.parameters)
    blackHole(type.matches(type: "application", subtype: "sdp"))
    blackHole(type.description)
}

func exercise(_ value: SIPTokenWithParameters) {
    blackHole(value)
    consume(value.token)
    exercise(value.parameters)
    blackHole(value.value("expires"))
}

func exercise(_ header: SIPAuthHeader) {
    blackHole(header)
    consume(header.scheme)
    exercise(header.parameters)
    blackHole(header.isDigest)
    blackHole(header.realm)
    blackHole(header.nonce)
    blackHole(header.opaque)
    blackHole(header.algorithm)
    blackHole(header.domain)
    blackHole(header.stale)
    blackHole(header.qopOptions)
    blackHole(header.charset)
    blackHole(header.userhash)
    blackHole(header.username)
    blackHole(header.uri)
    blackHole(header.response)
    blackHole(header.cnonce)
    blackHole(header.qop)
    blackHole(header.nonceCount)
}

func exercise(_ parameters: [SIPParameter]) {
    for parameter in parameters {
        consume(parameter.name)
        consume(parameter.value)
        blackHole(parameter.unquotedValue)
    }
    blackHole(parameters.first(named: "tag"))
}

/// Parses `bytes` as a sip, sips or tel URI.
func fuzzURI(_ bytes: SIPBytes) {
    blackHole(SIPURI.scheme(of: bytes))
    if let uri = attempt(bytes.count, { () throws(SIPParseError) in try SIPURI(parsing: bytes) }) { exercise(uri) }
}

func exercise(_ uri: SIPURI) {
    blackHole(uri)
    consume(uri.bytes)
    blackHole(uri.scheme)
    blackHole(uri.port)
    consume(uri.user)
    consume(uri.password)
    consume(uri.host)
    consume(uri.parametersText)
    consume(uri.headersText)
    blackHole(uri.hasHeaders)
    blackHole(uri.unescapedUser)
    exercise(uri.parameters)
    consume(uri.parameter("transport"))
    blackHole(uri.transport)
    blackHole(uri.isLooseRouter)
    blackHole(uri.description)
}

/// Reads every byte of `bytes` through each of its views.
func consume(_ bytes: SIPBytes?) {
    guard let bytes else { return }
    blackHole(bytes)
    blackHole(bytes.string)
    blackHole(bytes.decimalValue)
    blackHole(bytes.equals("SIP/2.0"))
    blackHole(bytes.equalsIgnoringCase("udp"))
    check(bytes.bytes.count == bytes.count, "SIPBytes.bytes and count disagree")
}

/// Whether a raw field view and an accessor hold the same bytes (or are both absent).
func same(_ raw: UnsafeRawBufferPointer?, _ bytes: SIPBytes?) -> Bool {
    guard let raw, let bytes else { return raw == nil && bytes == nil }
    return bytes.withUnsafeBytes { $0.elementsEqual(raw) }
}

// MARK: - Errors and checks

/// Runs a throwing view; an error is an expected outcome, whose offset must lie within `bound`.
func attempt<T>(_ bound: Int, _ body: () throws(SIPParseError) -> T) -> T? {
    do {
        return try body()
    } catch {
        checkError(error, within: bound)
        return nil
    }
}

func checkError(_ error: SIPParseError, within bound: Int) {
    check(error.offset >= 0 && error.offset <= bound, "an error's offset is outside its input (\(bound) bytes): \(error)")
    blackHole(error)
    blackHole(error.description)
    blackHole(error.rejectStatus)
    blackHole(error.isRequest)
    blackHole(error.code.description)
    if let status = error.rejectStatus { check((400...599).contains(status), "rejectStatus \(status)") }
}

// MARK: - Entry point

@_cdecl("SIPMessageFuzzer_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, fuzz)
}
