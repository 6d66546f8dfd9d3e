import NIOCore
import SIPMessage
import Testing

/// A small deterministic generator (SplitMix64), so a failing case can be replayed by seed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Random well-formed SIP messages, built with the library's writer.
struct MessageGenerator {
    var random: SplitMix64

    mutating func pick<T>(_ values: [T]) -> T { values[Int.random(in: 0..<values.count, using: &random)] }
    mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &random) < percent }
    mutating func token(_ length: ClosedRange<Int> = 1...12) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.!%*_+`'~")
        return String((0..<Int.random(in: length, using: &random)).map { _ in pick(alphabet) })
    }
    mutating func alnum(_ length: ClosedRange<Int> = 1...10) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        return String((0..<Int.random(in: length, using: &random)).map { _ in pick(alphabet) })
    }
    mutating func host() -> String {
        switch Int.random(in: 0..<3, using: &random) {
        case 0: return "\(alnum()).example.\(pick(["com", "net", "org"]))"
        case 1: return (0..<4).map { _ in String(Int.random(in: 0...255, using: &random)) }.joined(separator: ".")
        default: return "[2001:db8::\(String(Int.random(in: 1...0xFFFF, using: &random), radix: 16))]"
        }
    }
    mutating func sipURI() -> String {
        var uri = pick(["sip:", "sips:"])
        if chance(80) { uri += alnum() + "@" }
        uri += host()
        if chance(50) { uri += ":\(Int.random(in: 1...65535, using: &random))" }
        if chance(40) { uri += ";transport=\(pick(["udp", "tcp", "tls", "ws"]))" }
        if chance(20) { uri += ";lr" }
        return uri
    }
    mutating func quoted() -> String {
        let alphabet: [String] = "abc XYZ 019,;:<>@=".map(String.init) + ["\\\"", "\\\\"]
        return "\"" + (0..<Int.random(in: 0...10, using: &random)).map { _ in pick(alphabet) }.joined() + "\""
    }
    mutating func address(tag: String?) -> String {
        var value = ""
        switch Int.random(in: 0..<3, using: &random) {
        case 0: value = "<\(sipURI())>"
        case 1: value = "\(quoted()) <\(sipURI())>"
        default: value = "\(token()) <\(sipURI())>"
        }
        if let tag { value += ";tag=\(tag)" }
        return value
    }

    /// One message and the facts it was built from.
    struct Generated {
        var bytes: ByteBuffer
        var isRequest: Bool
        var callID: String
        var cseq: UInt32
        var branch: String
        var fromTag: String
        var toTag: String?
        var body: String
    }

    mutating func message() -> Generated {
        var buffer = ByteBufferAllocator().buffer(capacity: 1024)
        let isRequest = chance(60)
        let methods: [SIPMethod] = [.invite, .ack, .bye, .cancel, .options, .register, .message, .info, .notify, .subscribe]
        var method = pick(methods)
        if chance(10), let custom = SIPMethod("X" + alnum()) { method = custom }
        if isRequest {
            buffer.writeSIPRequestLine(method: method, uri: sipURI())
        } else {
            buffer.writeSIPStatusLine(status: Int.random(in: 100...699, using: &random), reason: pick(["OK", "Ringing", "Not Found", "", "Très bien"]))
        }
        let branch = "z9hG4bK" + alnum(8...16)
        let callID = alnum(8...20) + (chance(50) ? "@" + host() : "")
        let cseq = UInt32.random(in: 0...UInt32.max, using: &random)
        let fromTag = alnum(4...12)
        let toTag: String? = chance(50) ? alnum(4...12) : nil
        var headers: [(String, String)] = [
            (pick(["Via", "v", "VIA"]), "SIP/2.0/\(pick(["UDP", "TCP", "TLS", "WS"])) \(host())\(chance(50) ? ":5060" : "");branch=\(branch)\(chance(50) ? ";rport" : "")"),
            (pick(["From", "f"]), address(tag: fromTag)),
            (pick(["To", "t"]), address(tag: toTag)),
            (pick(["Call-ID", "i", "call-id"]), callID),
            ("CSeq", "\(cseq) \(method.name)"),
            ("Max-Forwards", String(Int.random(in: 0...255, using: &random))),
        ]
        if chance(50) {
            headers.append((pick(["Via", "v"]), "SIP/2.0/UDP \(host());branch=z9hG4bK\(alnum());received=\(host())"))
        }
        for _ in 0..<Int.random(in: 0...8, using: &random) {
            switch Int.random(in: 0..<6, using: &random) {
            case 0: headers.append((pick(["Contact", "m"]), address(tag: nil) + (chance(50) ? ";expires=\(Int.random(in: 0...7200, using: &random))" : "")))
            case 1: headers.append(("Record-Route", "<\(sipURI());lr>"))
            case 2: headers.append((pick(["Supported", "k"]), (0..<Int.random(in: 1...3, using: &random)).map { _ in token() }.joined(separator: ", ")))
            case 3: headers.append(("X-" + alnum(), token() + " " + quoted()))
            case 4: headers.append(("User-Agent", "SwiftSIP/\(Int.random(in: 0...9, using: &random)).0 (\(alnum()))"))
            default: headers.append(("Subject", chance(50) ? alnum() : alnum() + "\r\n " + alnum()))
            }
        }
        headers.shuffle(using: &random)
        // The Via with the expected branch must stay on top.
        let viaIndices = headers.indices.filter { ["via", "v"].contains(headers[$0].0.lowercased()) }
        if viaIndices.count == 2, !headers[viaIndices[0]].1.contains(branch) { headers.swapAt(viaIndices[0], viaIndices[1]) }
        for (name, value) in headers { buffer.writeSIPHeader(name: name, value) }
        let body = chance(40) ? "v=0\r\no=- \(alnum()) 1 IN IP4 192.0.2.1\r\ns=-\r\n" : ""
        buffer.writeSIPBody(body, contentType: body.isEmpty ? nil : "application/sdp")
        return Generated(bytes: buffer, isRequest: isRequest, callID: callID, cseq: cseq, branch: branch, fromTag: fromTag, toTag: toTag, body: body)
    }
}

/// The structure of a parsed message, to compare two parses.
struct MessageShape: Equatable {
    var startLine: [UInt8]
    var headers: [[UInt8]]
    var body: [UInt8]
    var callID: String?
    var cseq: UInt32?
    var branch: String?
    var fromTag: String?
    var toTag: String?

    init(_ message: SIPMessage) {
        startLine = Array(message.startLine.bytes)
        headers = message.headers.map { header in
            [header.name.rawValue] + (header.name == .other ? Array(header.nameBytes.bytes) : []) + [0x3A] + Array(header.value.bytes)
        }
        body = Array(message.body.bytes)
        callID = message.callID?.string
        cseq = message.cseqNumber
        branch = message.topViaBranch?.string
        fromTag = message.fromTag?.string
        toTag = message.toTag?.string
    }
}

@Suite("parse(write(m)) == m")
struct RoundTripPropertyTests {
    @Test("generated messages round-trip through write(into:) and the stream framer", arguments: 0..<20)
    func roundTrip(seed: UInt64) throws {
        var generator = MessageGenerator(random: SplitMix64(state: seed &* 7919))
        var stream = ByteBufferAllocator().buffer(capacity: 64 * 1024)
        var expected: [MessageShape] = []
        for _ in 0..<50 {
            let generated = generator.message()
            let message = try SIPMessage(parsing: generated.bytes)
            #expect(message.isRequest == generated.isRequest)
            #expect(message.callID?.string == generated.callID)
            #expect(message.cseqNumber == generated.cseq)
            #expect(message.topViaBranch?.string == generated.branch)
            #expect(message.fromTag?.string == generated.fromTag)
            #expect(message.toTag?.string == generated.toTag)
            #expect(message.body.string == generated.body)
            try message.validate()

            var written = ByteBufferAllocator().buffer(capacity: 1024)
            message.write(into: &written)
            let reparsed = try SIPMessage(parsing: written)
            #expect(MessageShape(reparsed) == MessageShape(message))

            // Keep-alives between some messages on the stream.
            if generator.chance(20) { stream.writeString("\r\n\r\n") }
            stream.writeImmutableBuffer(written)
            expected.append(MessageShape(message))
        }
        // Feed the stream in random chunks; every message comes out whole and equal.
        var framer = SIPStreamFramer()
        var received = ByteBufferAllocator().buffer(capacity: stream.readableBytes)
        var shapes: [MessageShape] = []
        while stream.readableBytes > 0 || received.readableBytes > 0 {
            let chunk = min(stream.readableBytes, Int.random(in: 1...700, using: &generator.random))
            if chunk > 0, let bytes = stream.readSlice(length: chunk) { received.writeImmutableBuffer(bytes) }
            framing: while true {
                switch try framer.nextFrame(in: received) {
                case .needMoreBytes:
                    break framing
                case .keepAlive(let count):
                    received.moveReaderIndex(forwardBy: count)
                case .message(let count):
                    guard let frame = received.readSlice(length: count) else {
                        Issue.record("frame of \(count) bytes is not in the buffer")
                        return
                    }
                    shapes.append(MessageShape(try SIPMessage(parsingFrame: frame)))
                }
            }
            if stream.readableBytes == 0, received.readableBytes > 0 {
                // Nothing more will come: what is left must be nothing.
                Issue.record("\(received.readableBytes) bytes left unframed")
                break
            }
        }
        #expect(shapes == expected)
    }
}
