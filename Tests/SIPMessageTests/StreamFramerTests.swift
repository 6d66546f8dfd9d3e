import Foundation
import NIOCore
import SIPMessage
import Testing

@Suite("Stream framing (TCP, TLS)")
struct StreamFramerTests {
    // MARK: - Messages on a TCP connection between an indoor monitor, a PBX and the door phone

    static let offerSDP = """
        v=0\r
        o=- 6512094877 2 IN IP4 10.20.30.40\r
        s=-\r
        c=IN IP4 10.20.30.40\r
        t=0 0\r
        m=audio 40118 RTP/AVP 111 8 0 101\r
        a=rtpmap:111 opus/48000/2\r
        a=rtpmap:101 telephone-event/8000\r
        a=fmtp:101 0-16\r
        a=sendrecv\r

        """

    static let answerSDP = """
        v=0\r
        o=- 3927401865 3927401867 IN IP4 192.168.1.50\r
        s=baresip\r
        c=IN IP4 192.168.1.50\r
        t=0 0\r
        m=audio 10034 RTP/AVP 8 101\r
        a=rtpmap:8 PCMA/8000\r
        a=rtpmap:101 telephone-event/8000\r
        a=sendrecv\r

        """

    static let invite = SIPWire.message([
        "INVITE sip:doorphone@192.168.1.50:5060;transport=tcp SIP/2.0",
        "Via: SIP/2.0/TCP 10.20.30.40:51034;branch=z9hG4bKjwvmxyb4;rport;alias",
        "Max-Forwards: 70",
        "From: \"Indoor Monitor 2\" <sip:monitor2@sip.example.com>;tag=a73kszlfl",
        "To: <sip:doorphone@sip.example.com>",
        "Call-ID: 1g8j2y4q0xkvr6n3",
        "CSeq: 20 INVITE",
        "Contact: <sip:monitor2@10.20.30.40:51034;transport=tcp;ob>",
        "User-Agent: LinphoneAndroid/5.2.5 (Pixel 7) LinphoneSDK/5.3.47",
        "Supported: replaces, outbound, gruu",
        "Content-Type: application/sdp",
        "Content-Length: \(offerSDP.utf8.count)",
    ], body: offerSDP)

    static let trying = SIPWire.message([
        "SIP/2.0 100 Trying",
        "Via: SIP/2.0/TCP 10.20.30.40:51034;branch=z9hG4bKjwvmxyb4;rport=51034;received=198.51.100.7;alias",
        "From: \"Indoor Monitor 2\" <sip:monitor2@sip.example.com>;tag=a73kszlfl",
        "To: <sip:doorphone@sip.example.com>",
        "Call-ID: 1g8j2y4q0xkvr6n3",
        "CSeq: 20 INVITE",
        "Server: baresip v3.10.1 (x86_64/linux)",
        "Content-Length: 0",
    ])

    static let ok = SIPWire.message([
        "SIP/2.0 200 OK",
        "Via: SIP/2.0/TCP 10.20.30.40:51034;branch=z9hG4bKjwvmxyb4;rport=51034;received=198.51.100.7;alias",
        "From: \"Indoor Monitor 2\" <sip:monitor2@sip.example.com>;tag=a73kszlfl",
        "To: <sip:doorphone@sip.example.com>;tag=4f7a2b9c1e3d5a60",
        "Call-ID: 1g8j2y4q0xkvr6n3",
        "CSeq: 20 INVITE",
        "Contact: <sip:doorphone@192.168.1.50:5060;transport=tcp>",
        "Allow: INVITE,ACK,BYE,CANCEL,OPTIONS,NOTIFY,INFO,MESSAGE",
        "Content-Type: application/sdp",
        "Content-Length: \(answerSDP.utf8.count)",
    ], body: answerSDP)

    /// An ACK with the compact form of Content-Length.
    static let ack = SIPWire.message([
        "ACK sip:doorphone@192.168.1.50:5060;transport=tcp SIP/2.0",
        "v: SIP/2.0/TCP 10.20.30.40:51034;branch=z9hG4bK.ack.7fq2;rport;alias",
        "Max-Forwards: 70",
        "f: \"Indoor Monitor 2\" <sip:monitor2@sip.example.com>;tag=a73kszlfl",
        "t: <sip:doorphone@sip.example.com>;tag=4f7a2b9c1e3d5a60",
        "i: 1g8j2y4q0xkvr6n3",
        "CSeq: 20 ACK",
        "l: 0",
    ])

    /// An INFO carrying a DTMF digit, with Content-Length folded over two lines.
    static let info = SIPWire.message([
        "INFO sip:doorphone@192.168.1.50:5060;transport=tcp SIP/2.0",
        "Via: SIP/2.0/TCP 10.20.30.40:51034;branch=z9hG4bKinfo8812;rport;alias",
        "Max-Forwards: 70",
        "From: \"Indoor Monitor 2\" <sip:monitor2@sip.example.com>;tag=a73kszlfl",
        "To: <sip:doorphone@sip.example.com>;tag=4f7a2b9c1e3d5a60",
        "Call-ID: 1g8j2y4q0xkvr6n3",
        "CSeq: 21 INFO",
        "Content-Type: application/dtmf-relay",
        "Content-Length:",
        "   26",
    ], body: "Signal=#\r\nDuration=250\r\n\r\n")

    /// A MESSAGE with a compact l: header and a UTF-8 body.
    static let message = SIPWire.message([
        "MESSAGE sip:doorphone@192.168.1.50:5060;transport=tls SIP/2.0",
        "Via: SIP/2.0/TLS 10.20.30.40:39872;branch=z9hG4bK.kT4h2pQ9z;rport",
        "Max-Forwards: 70",
        "From: \"Alice\" <sip:alice@sip.example.com>;tag=Nq3z8xTr",
        "To: <sip:doorphone@sip.example.com>",
        "Call-ID: m4dLqK2v3J",
        "CSeq: 20 MESSAGE",
        "c: text/plain;charset=UTF-8",
        "l: \("Paket vor der Tür — danke!".utf8.count)",
    ], body: "Paket vor der Tür — danke!")

    /// An OPTIONS ping from Asterisk without Content-Length (so its body is empty on a stream).
    static let options = SIPWire.message([
        "OPTIONS sip:doorphone@192.168.1.50:5060;transport=tcp SIP/2.0",
        "Via: SIP/2.0/TCP 192.168.1.10:5060;rport;branch=z9hG4bKPj3e1a7c52-9b4d",
        "From: <sip:doorphone@192.168.1.10>;tag=d2c84b1e-5a3f",
        "To: <sip:doorphone@192.168.1.50>",
        "Call-ID: 6a0f3d2c-8e1b-4a79-b5c4-3d2e1f0a9b8c",
        "CSeq: 27961 OPTIONS",
        "Max-Forwards: 70",
        "User-Agent: Asterisk PBX 20.5.0",
    ])

    /// A BYE written with bare LFs.
    static let bye = SIPWire.message([
        "BYE sip:monitor2@10.20.30.40:51034;transport=tcp;ob SIP/2.0",
        "Via: SIP/2.0/TCP 192.168.1.50:5060;branch=z9hG4bK1a7c3e9f;alias",
        "Max-Forwards: 70",
        "From: <sip:doorphone@sip.example.com>;tag=4f7a2b9c1e3d5a60",
        "To: \"Indoor Monitor 2\" <sip:monitor2@sip.example.com>;tag=a73kszlfl",
        "Call-ID: 1g8j2y4q0xkvr6n3",
        "CSeq: 9 BYE",
        "Reason: Q.850;cause=16;text=\"Normal call clearing\"",
        "Content-Length: 0",
    ]).replacingOccurrences(of: "\r\n", with: "\n")

    /// What each message must parse to.
    struct Expected: Sendable, Equatable, CustomStringConvertible {
        let startLine: String
        let callID: String
        let cseq: UInt32
        let body: String
        var description: String { "\(startLine) [\(callID) \(cseq)]" }
    }

    static let conversation: [(String, Expected)] = [
        (invite, Expected(startLine: "INVITE sip:doorphone@192.168.1.50:5060;transport=tcp SIP/2.0", callID: "1g8j2y4q0xkvr6n3", cseq: 20, body: offerSDP)),
        (trying, Expected(startLine: "SIP/2.0 100 Trying", callID: "1g8j2y4q0xkvr6n3", cseq: 20, body: "")),
        (ok, Expected(startLine: "SIP/2.0 200 OK", callID: "1g8j2y4q0xkvr6n3", cseq: 20, body: answerSDP)),
        (ack, Expected(startLine: "ACK sip:doorphone@192.168.1.50:5060;transport=tcp SIP/2.0", callID: "1g8j2y4q0xkvr6n3", cseq: 20, body: "")),
        (info, Expected(startLine: "INFO sip:doorphone@192.168.1.50:5060;transport=tcp SIP/2.0", callID: "1g8j2y4q0xkvr6n3", cseq: 21,
                        body: "Signal=#\r\nDuration=250\r\n\r\n")),
        (message, Expected(startLine: "MESSAGE sip:doorphone@192.168.1.50:5060;transport=tls SIP/2.0", callID: "m4dLqK2v3J", cseq: 20,
                           body: "Paket vor der Tür — danke!")),
        (options, Expected(startLine: "OPTIONS sip:doorphone@192.168.1.50:5060;transport=tcp SIP/2.0",
                           callID: "6a0f3d2c-8e1b-4a79-b5c4-3d2e1f0a9b8c", cseq: 27961, body: "")),
        (bye, Expected(startLine: "BYE sip:monitor2@10.20.30.40:51034;transport=tcp;ob SIP/2.0", callID: "1g8j2y4q0xkvr6n3", cseq: 9, body: "")),
    ]

    // MARK: - A driver: a connection's read loop

    struct Framed {
        var keepAlives: [Int] = []
        var frameLengths: [Int] = []
        var messages: [SIPMessage] = []
        var leftover = 0
        var expected: [Expected] {
            messages.map {
                Expected(startLine: $0.startLine.string, callID: $0.callID?.string ?? "", cseq: $0.cseqNumber ?? 0, body: $0.body.string)
            }
        }
    }

    /// Feeds `stream` to a framer `chunk` bytes at a time, as reads from a socket would, and
    /// parses every frame it cuts.
    static func frame(_ stream: [UInt8], chunk: Int, limits: SIPParserLimits = .default) throws -> Framed {
        var framer = SIPStreamFramer(limits: limits)
        var buffer = ByteBufferAllocator().buffer(capacity: 64)
        var result = Framed()
        var offset = 0
        repeat {
            let end = min(stream.count, offset + min(chunk, stream.count))
            buffer.writeBytes(stream[offset..<end])
            offset = end
            reading: while true {
                switch try framer.nextFrame(in: buffer) {
                case .needMoreBytes:
                    break reading
                case .keepAlive(let count):
                    #expect(count > 0)
                    result.keepAlives.append(count)
                    buffer.moveReaderIndex(forwardBy: count)
                case .message(let count):
                    let slice = buffer.readSlice(length: count)
                    let frame = try #require(slice)
                    result.frameLengths.append(count)
                    result.messages.append(try SIPMessage(parsingFrame: frame, limits: limits))
                }
            }
            if buffer.readerIndex > 4096 { buffer.discardReadBytes() }
        } while offset < stream.count
        result.leftover = buffer.readableBytes
        return result
    }

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// The error framing `stream` throws, fed `chunk` bytes at a time, and how many bytes had been fed.
    static func framingError(_ stream: [UInt8], chunk: Int, limits: SIPParserLimits = .default) -> (SIPParseError, Int)? {
        var framer = SIPStreamFramer(limits: limits)
        var buffer = ByteBufferAllocator().buffer(capacity: 64)
        var offset = 0
        while offset < stream.count {
            let end = min(stream.count, offset + min(chunk, stream.count))
            buffer.writeBytes(stream[offset..<end])
            offset = end
            do {
                reading: while true {
                    switch try framer.nextFrame(in: buffer) {
                    case .needMoreBytes: break reading
                    case .keepAlive(let count): buffer.moveReaderIndex(forwardBy: count)
                    case .message(let count): buffer.moveReaderIndex(forwardBy: count)
                    }
                }
            } catch {
                return (error, offset)
            }
        }
        return nil
    }

    // MARK: - Tests

    @Test("each message alone, fed whole", arguments: 0..<conversation.count)
    func singleMessage(index: Int) throws {
        let (text, expected) = Self.conversation[index]
        var framer = SIPStreamFramer()
        let buffer = ByteBuffer(string: text)
        #expect(try framer.nextFrame(in: buffer) == .message(byteCount: text.utf8.count))
        let framed = try Self.frame(Self.bytes(text), chunk: .max)
        #expect(framed.expected == [expected])
        #expect(framed.frameLengths == [text.utf8.count])
        #expect(framed.leftover == 0)
        #expect(framed.keepAlives.isEmpty)
    }

    @Test("each message alone, fed byte by byte", arguments: 0..<conversation.count)
    func singleMessageByteByByte(index: Int) throws {
        let (text, expected) = Self.conversation[index]
        let bytes = Self.bytes(text)
        var framer = SIPStreamFramer()
        var buffer = ByteBufferAllocator().buffer(capacity: bytes.count)
        for (position, byte) in bytes.enumerated() {
            buffer.writeInteger(byte)
            let frame = try framer.nextFrame(in: buffer)
            if position < bytes.count - 1 {
                #expect(frame == .needMoreBytes, "after \(position + 1) of \(bytes.count) bytes")
            } else {
                #expect(frame == .message(byteCount: bytes.count))
            }
        }
        let message = try SIPMessage(parsingFrame: buffer)
        #expect(message.callID?.string == expected.callID)
        #expect(message.body.string == expected.body)
    }

    /// The whole conversation on one connection, with keep-alives before, between and after.
    static let stream: String = {
        var text = "\r\n\r\n"
        for (index, (message, _)) in conversation.enumerated() {
            text += message
            if index % 3 == 0 { text += "\r\n\r\n" }
            if index == 4 { text += "\r\n" }
        }
        return text + "\r\n\r\n"
    }()

    @Test("the whole conversation in one buffer and in chunks of every size", arguments: [Int.max, 4096, 512, 100, 64, 13, 7, 5, 3, 2, 1])
    func conversationInChunks(chunk: Int) throws {
        let framed = try Self.frame(Self.bytes(Self.stream), chunk: chunk)
        #expect(framed.expected == Self.conversation.map(\.1))
        #expect(framed.frameLengths == Self.conversation.map { $0.0.utf8.count })
        #expect(framed.leftover == 0)
        // Every keep-alive byte is reported, however the reads split them.
        let keepAliveBytes = Self.stream.utf8.count - Self.conversation.reduce(0) { $0 + $1.0.utf8.count }
        #expect(framed.keepAlives.reduce(0, +) == keepAliveBytes)
        #expect(framed.messages[7].usesBareLineFeeds)
        #expect(framed.messages[4].contentLength == 26)
        #expect(framed.messages[6].contentLength == nil)
        #expect(framed.messages[3].contentLength == 0)
        #expect(try framed.messages[5].contentType()?.parameters.first?.value?.string == "UTF-8")
        for message in framed.messages { try message.validate() }
    }

    @Test("whole buffer: keep-alives are reported as one run each")
    func keepAliveRuns() throws {
        let framed = try Self.frame(Self.bytes(Self.stream), chunk: .max)
        #expect(framed.keepAlives == [4, 4, 4, 2, 4, 4])
    }

    @Test("keep-alives alone", arguments: [
        ("\r\n\r\n", SIPStreamFramer.Frame.keepAlive(byteCount: 4)),
        ("\r\n", .keepAlive(byteCount: 2)),
        ("\n", .keepAlive(byteCount: 1)),
        ("\n\n\n", .keepAlive(byteCount: 3)),
        ("\r\n\n\r\n", .keepAlive(byteCount: 5)),
        ("\r\n\r", .keepAlive(byteCount: 2)),
        ("\r", .needMoreBytes),
        ("", .needMoreBytes),
        ("\r\n\r\nOPT", .keepAlive(byteCount: 4)),
        ("OPT", .needMoreBytes),
    ])
    func keepAlives(text: String, expected: SIPStreamFramer.Frame) throws {
        var framer = SIPStreamFramer()
        #expect(try framer.nextFrame(in: ByteBuffer(string: text)) == expected)
    }

    @Test("an RFC 5626 ping before, between and after messages")
    func pingPong() throws {
        let text = "\r\n\r\n" + Self.options + "\r\n\r\n" + Self.trying + "\r\n\r\n"
        let framed = try Self.frame(Self.bytes(text), chunk: .max)
        #expect(framed.keepAlives == [4, 4, 4])
        #expect(framed.messages.map { $0.callID?.string } == ["6a0f3d2c-8e1b-4a79-b5c4-3d2e1f0a9b8c", "1g8j2y4q0xkvr6n3"])
        let byteByByte = try Self.frame(Self.bytes(text), chunk: 1)
        #expect(byteByByte.keepAlives.reduce(0, +) == 12)
        #expect(byteByByte.messages.count == 2)
    }

    @Test("a message whose body has not all arrived waits for it")
    func pendingBody() throws {
        let text = Self.invite
        let headerEnd = SIPWire.offset(of: "\r\n\r\n", in: text) + 4
        var framer = SIPStreamFramer()
        var buffer = ByteBuffer(bytes: Array(text.utf8.prefix(headerEnd)))
        #expect(try framer.nextFrame(in: buffer) == .needMoreBytes)
        buffer.writeString("v=0\r\n")
        #expect(try framer.nextFrame(in: buffer) == .needMoreBytes)
        buffer.writeBytes(Array(Self.offerSDP.utf8.dropFirst(5)))
        #expect(try framer.nextFrame(in: buffer) == .message(byteCount: text.utf8.count))
        // Bytes of the next message after the body do not change the frame.
        var framer2 = SIPStreamFramer()
        let two = ByteBuffer(string: text + "ACK sip:x")
        #expect(try framer2.nextFrame(in: two) == .message(byteCount: text.utf8.count))
    }

    @Test("a message cut short at the end of the stream is left over")
    func truncatedStream() throws {
        let text = Self.options + Self.invite
        let framed = try Self.frame(Array(Self.bytes(text).dropLast(10)), chunk: 7)
        #expect(framed.messages.count == 1)
        #expect(framed.leftover == Self.invite.utf8.count - 10)
    }

    @Test("missing Content-Length frames an empty body, and the bytes after it are the next message")
    func missingContentLength() throws {
        // Asterisk's OPTIONS has no Content-Length: its body is empty, the ACK follows directly.
        let noLength = Self.options.replacingOccurrences(of: "User-Agent: Asterisk PBX 20.5.0\r\n", with: "")
        let framed = try Self.frame(Self.bytes(noLength + Self.ack), chunk: .max)
        #expect(framed.messages.count == 2)
        #expect(framed.messages[0].contentLength == nil)
        #expect(framed.messages[0].body.isEmpty)
        #expect(framed.messages[1].method == .ack)
    }

    struct LengthErrorCase: Sendable, CustomTestStringConvertible {
        let name: String
        let text: String
        let code: SIPParseError.Code
        let marker: String
        let isRequest: Bool
        var testDescription: String { name }
    }

    static let lengthErrors: [LengthErrorCase] = [
        .init(name: "two Content-Length values", text: Self.invite.replacingOccurrences(of: "Content-Type: application/sdp", with: "Content-Type: application/sdp\r\nl: 12"),
              code: .conflictingContentLength, marker: "\(offerSDP.utf8.count)\r\n\r\n", isRequest: true),
        .init(name: "two Content-Length values in a response", text: Self.trying.replacingOccurrences(of: "Content-Length: 0", with: "Content-Length: 0\r\nContent-Length: 1"),
              code: .conflictingContentLength, marker: "1\r\n\r\n", isRequest: false),
        .init(name: "negative Content-Length", text: Self.ack.replacingOccurrences(of: "l: 0", with: "l: -5"),
              code: .invalidContentLength, marker: "-5", isRequest: true),
        .init(name: "Content-Length that is not a number", text: Self.ack.replacingOccurrences(of: "l: 0", with: "l: zero"),
              code: .invalidContentLength, marker: "zero", isRequest: true),
        .init(name: "Content-Length of 2^31", text: Self.ack.replacingOccurrences(of: "l: 0", with: "Content-Length: 2147483648"),
              code: .invalidContentLength, marker: "2147483648", isRequest: true),
        .init(name: "Content-Length with letters after the digits", text: Self.ack.replacingOccurrences(of: "l: 0", with: "Content-Length: 12abc"),
              code: .invalidContentLength, marker: "12abc", isRequest: true),
        .init(name: "folded Content-Length with two numbers", text: Self.info.replacingOccurrences(of: "   26", with: "   2\r\n 6"),
              code: .invalidContentLength, marker: "2\r\n 6", isRequest: true),
    ]

    @Test("Content-Length values a stream cannot be framed with", arguments: lengthErrors)
    func unusableContentLength(_ test: LengthErrorCase) throws {
        for chunk in [Int.max, 1] {
            let (error, fed) = try #require(Self.framingError(Self.bytes(test.text), chunk: chunk))
            #expect(error.code == test.code)
            #expect(error.offset == SIPWire.offset(of: test.marker, in: test.text))
            #expect(error.isRequest == test.isRequest)
            #expect(error.rejectStatus == (test.isRequest ? 400 : nil))
            // It throws as soon as the header section is complete.
            #expect(fed == (chunk == 1 ? SIPWire.offset(of: "\r\n\r\n", in: test.text) + 4 : test.text.utf8.count))
        }
    }

    @Test("a header section above the limit throws headersTooLarge", arguments: [true, false])
    func headersTooLarge(request: Bool) throws {
        let limits = SIPParserLimits(maxHeaderBytes: 256)
        let text = request ? Self.invite : Self.ok
        // Whole: the first read already holds more than 256 bytes without an empty line.
        let (whole, wholeFed) = try #require(Self.framingError(Self.bytes(text), chunk: .max, limits: limits))
        #expect(whole.code == .headersTooLarge)
        #expect(whole.offset == 256)
        #expect(whole.isRequest == request)
        #expect(whole.rejectStatus == (request ? 513 : nil))
        #expect(wholeFed == text.utf8.count)
        // Byte by byte: it throws when the 256th byte arrives.
        let (single, fed) = try #require(Self.framingError(Self.bytes(text), chunk: 1, limits: limits))
        #expect(single.code == .headersTooLarge)
        #expect(fed == 256)
        #expect(single.rejectStatus == (request ? 513 : nil))
    }

    @Test("a header section right at the limit is framed and parses")
    func headersAtLimit() throws {
        let text = Self.options
        let size = text.utf8.count
        for chunk in [Int.max, 1] {
            let framed = try Self.frame(Self.bytes(text), chunk: chunk, limits: SIPParserLimits(maxHeaderBytes: size))
            #expect(framed.messages.count == 1)
            #expect(framed.messages.first?.cseqNumber == 27961)
        }
        let (error, _) = try #require(Self.framingError(Self.bytes(text), chunk: .max, limits: SIPParserLimits(maxHeaderBytes: size - 10)))
        #expect(error.code == .headersTooLarge)
    }

    @Test("a body above the limit throws bodyTooLarge as soon as the header section is read", arguments: [true, false])
    func bodyTooLarge(request: Bool) throws {
        let text = request ? Self.invite : Self.ok
        let body = request ? Self.offerSDP : Self.answerSDP
        let headerEnd = SIPWire.offset(of: "\r\n\r\n", in: text) + 4
        let tight = SIPParserLimits(maxBodyBytes: body.utf8.count - 1)
        for chunk in [Int.max, 1] {
            let (error, fed) = try #require(Self.framingError(Self.bytes(text), chunk: chunk, limits: tight))
            #expect(error.code == .bodyTooLarge)
            #expect(error.offset == headerEnd)
            #expect(error.isRequest == request)
            #expect(error.rejectStatus == (request ? 513 : nil))
            #expect(fed == (chunk == 1 ? headerEnd : text.utf8.count))
        }
        let exact = try Self.frame(Self.bytes(text), chunk: 3, limits: SIPParserLimits(maxBodyBytes: body.utf8.count))
        #expect(exact.messages.first?.body.string == body)
    }

    @Test("frames of messages with bare LF and mixed line endings")
    func bareLineFeedFrames() throws {
        let lf = Self.invite.replacingOccurrences(of: "\r\n\r\nv=0", with: "\n\nv=0")
        let mixed = Self.info.replacingOccurrences(of: "\r\n\r\nSignal", with: "\n\r\nSignal")
        let framed = try Self.frame(Self.bytes(lf + mixed + Self.bye), chunk: 11)
        #expect(framed.messages.map(\.cseqMethod) == [.invite, .info, .bye])
        #expect(framed.messages[0].body.string == Self.offerSDP)
        #expect(framed.messages[1].body.string == "Signal=#\r\nDuration=250\r\n\r\n")
        #expect(framed.messages.allSatisfy { $0.usesBareLineFeeds })
    }

    @Test("a frame must end its header section with an empty line")
    func frameWithoutEmptyLine() throws {
        let head = String(Self.ack.dropLast(1))
        let caught = SIPWire.error { try SIPMessage(parsingFrame: ByteBuffer(string: head)) }
        let error = try #require(caught)
        #expect(error.code == .malformedLineEnding)
        #expect(error.offset == head.utf8.count)
        // A frame whose Content-Length is more than the frame holds.
        let short = SIPWire.error { try SIPMessage(parsingFrame: ByteBuffer(bytes: Array(Self.bytes(Self.invite).dropLast(3)))) }
        #expect(short?.code == .truncatedBody)
        #expect(short?.offset == SIPWire.offset(of: "\r\n\r\n", in: Self.invite) + 4)
    }

    @Test("the 18 corpus messages back to back on one stream", arguments: [Int.max, 1500, 97, 1])
    func corpusStream(chunk: Int) throws {
        let files = try Fixtures.files(in: "corpus")
        #expect(files.count == 18)
        var stream: [UInt8] = Array("\r\n\r\n".utf8)
        var expected: [(String, Int)] = []
        for file in files {
            let bytes = try Fixtures.bytes("corpus/\(file)")
            stream += bytes
            stream += Array("\r\n\r\n".utf8)
            let message = try SIPMessage(parsing: ByteBuffer(bytes: bytes))
            expected.append((try #require(message.callID?.string), message.body.count))
        }
        let framed = try Self.frame(stream, chunk: chunk)
        #expect(framed.messages.count == 18)
        #expect(framed.messages.map { $0.callID?.string ?? "" } == expected.map(\.0))
        #expect(framed.messages.map(\.body.count) == expected.map(\.1))
        #expect(framed.keepAlives.reduce(0, +) == 4 * 19)
        #expect(framed.leftover == 0)
    }
}
