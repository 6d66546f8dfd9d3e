// libFuzzer target for the SIP user agent's state: dialogs, transactions and their timers, fed
// what a hostile or broken peer sends. SIPMessageFuzzer covers the bytes; this target covers
// what the agent does with messages that parse: responses to its own requests, requests in and
// out of its dialogs, in any order, interleaved with its own actions and with time.
//
// Built only by Tests/Fuzz/run-fuzzers.sh (SWIFTSIP_FUZZ=1, -sanitize=fuzzer,address,
// -parse-as-library); see Tests/Fuzz/README.md.
//
// An input is a script of steps separated by lines "---". Each step's first byte says what
// happens, the rest is its argument:
//   u MESSAGE   the peer (192.0.2.9:5060) sends MESSAGE over UDP
//   t MESSAGE   the peer sends MESSAGE over TCP (reliable: no retransmissions)
//   w N         N × 100 ms of (virtual) time pass, at most 10 minutes
//   c           the agent calls sip:bob@192.0.2.9         a   it answers what waits for it
//   r           it rejects what waits (486)               h   it hangs up every call
//   i           it re-INVITEs its first call (hold)       n   it sends INFO in its first call
//   m           it sends MESSAGE outside a dialog
// In a MESSAGE, lone LF become CRLF, and $B, $C, $F, $T, $N are replaced by the top Via branch,
// Call-ID, From tag, To tag and CSeq number of the last message the agent sent, so that a
// script can answer the agent's requests and reach into its dialogs.
//
// Properties (a broken one stops with "UserAgentFuzzer property violated"):
// - every message the agent sends parses; the requests it starts outside a dialog and its 2xx
//   responses pass validate() (the rest may carry what the peer sent malformed);
// - after the script, once every call is hung up and ten minutes have passed, no call is active
//   or remembered and no transaction is alive: nothing a peer does leaves state behind;
// - the agent still works: a new OPTIONS gets 200, a new INVITE is offered as a call.

import FuzzSupport
import Glibc
import Logging
import NIOCore
import NIOEmbedded
import SIPMessage
import SIPStack

/// Writes `line` to standard error at once (a broken property ends the process before
/// buffered output would be written).
func traceLine(_ line: String) {
    var text = line + "\n"
    text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
}

/// Keeps what the agent sends, after checking it: everything parses; the requests it starts
/// outside a dialog (no To tag: INVITE, CANCEL, MESSAGE, OPTIONS) and its 2xx responses (to
/// requests that passed the checks) pass validate() as well. The rest may not: an error
/// response copies To, From and Via from the request it refuses (RFC 3261 §8.2.6.2), an ACK and
/// the requests of a dialog carry the To the peer's response gave, and any of those can be what
/// is malformed.
final class CapturingTransport: TransactionTransport {
    private(set) var sent: [SIPMessage] = []
    private(set) var count = 0
    /// UA_FUZZ_TRACE=1 prints the start line of everything sent (to follow a script).
    let trace = getenv("UA_FUZZ_TRACE") != nil

    func send(_ bytes: ByteBuffer, to destination: TransactionDestination) throws(TransactionError) {
        let message: SIPMessage
        do {
            message = try SIPMessage(parsing: bytes)
            if message.isRequest ? message.toTag == nil && message.method != .ack : (200..<300).contains(message.statusCode ?? 0) {
                try message.validate()
            }
        } catch {
            fail("the agent sent a message that is not valid (\(error)):\n\(String(buffer: bytes))")
        }
        check(message.isRequest || (100...699).contains(message.statusCode ?? 0), "the agent sent a status outside 100-699")
        count += 1
        if trace { traceLine("  agent -> \(destination.address): \(message.startLine.string)") }
        sent.append(message)
        if sent.count > 32 { sent.removeFirst(sent.count - 32) }
    }
}

/// One agent, its transaction layer and its transport on an embedded (virtual-time) loop.
final class Scene {
    let loop = EmbeddedEventLoop()
    let transport = CapturingTransport()
    let layer: TransactionLayer
    let agent: SIPUserAgent
    static let peer = try? SocketAddress(ipAddress: "192.0.2.9", port: 5060)
    static let peerTCP = try? SocketAddress(ipAddress: "192.0.2.9", port: 5070)
    static let offer = SIPBody.sdp("v=0\r\no=door 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n")
    /// Calls offered to the application and not yet answered or rejected; re-offers waiting.
    var waiting: [SIPCallHandle] = []
    var handles: Set<SIPCallHandle> = []

    init() {
        // Quiet: the agent's notices about a hostile peer would cost more than the input.
        let logger = Logger(label: "fuzz") { _ in SwiftLogNoOpLogHandler() }
        layer = TransactionLayer(eventLoop: loop, transport: transport, logger: logger)
        var configuration = SIPUserAgent.Configuration(addressOfRecord: "sip:door@192.0.2.1", host: "192.0.2.1")
        configuration.unansweredTimeout = .seconds(60)
        // Challenges to its requests are answered (both algorithms), so that 401 and 407 lead on.
        configuration.credentials = DigestClient(credentials: DigestCredentials(username: "door", password: "secret"), allowMD5: true)
        agent = SIPUserAgent(configuration: configuration, layer: layer, transport: transport, logger: logger)
        agent.onEvent = { [unowned self] event in
            switch event {
            case .incomingCall(let call):
                handles.insert(call.handle)
                waiting.append(call.handle)
            case .offerReceived(let handle, _):
                waiting.append(handle)
            case .callStateChanged(let handle, _):
                handles.insert(handle)
            case .reofferCompleted, .infoReceived, .messageReceived:
                break
            }
        }
    }

    /// The peer's `text` (placeholders filled, lone LF made CRLF), delivered if it parses.
    func deliver(_ text: String, reliable: Bool) {
        var text = text
        if let last = transport.sent.last {
            let fields: [(String, String?)] = [
                ("$B", last.topViaBranch?.string), ("$C", last.firstValue(.callID)?.string),
                ("$F", last.fromTag?.string), ("$T", last.toTag?.string), ("$N", last.cseqNumber.map { "\($0)" }),
            ]
            for (placeholder, value) in fields {
                if let value { text = text.replacing(placeholder, with: value) }
            }
        }
        var bytes: [UInt8] = []
        var previous: UInt8 = 0
        for byte in text.utf8 {
            if byte == 0x0A && previous != 0x0D { bytes.append(0x0D) }
            bytes.append(byte)
            previous = byte
        }
        // A step ends at the separator's line break: a message without a body ends its head
        // there.
        let headEnd: [UInt8] = [0x0D, 0x0A, 0x0D, 0x0A]
        if !bytes.indices.contains(where: { bytes[$0...].starts(with: headEnd) }) { bytes += [0x0D, 0x0A] }
        var buffer = ByteBufferAllocator().buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        guard let message = try? SIPMessage(parsing: buffer), let source = reliable ? Self.peerTCP : Self.peer else { return }
        layer.receive(message, from: TransactionDestination(address: source, isReliable: reliable))
    }

    var firstCall: SIPCallHandle? { agent.activeCalls.first }

    func run(step: Substring) {
        guard let opcode = step.first else { return }
        if transport.trace { traceLine("step \(opcode) \(step.dropFirst().prefix { $0 != "\n" })") }
        let argument = String(step.dropFirst())
        switch opcode {
        case "u": deliver(argument, reliable: false)
        case "t": deliver(argument, reliable: true)
        case "w":
            let tenths = Int64(argument.prefix(4).filter(\.isNumber)) ?? 1
            loop.advanceTime(by: .milliseconds(100 * min(tenths, 6_000)))
        case "c": _ = try? agent.call("sip:bob@192.0.2.9", offer: Self.offer)
        case "a":
            for handle in waiting { try? agent.answer(handle, body: Self.offer) }
            waiting = []
        case "r":
            for handle in waiting { try? agent.reject(handle, status: 486) }
            waiting = []
        case "h":
            for handle in agent.activeCalls { try? agent.hangUp(handle) }
        case "i":
            if let handle = firstCall { try? agent.reinvite(handle, offer: Self.offer) }
        case "n":
            if let handle = firstCall { _ = try? agent.sendInfo(handle, body: .text("1")) }
        case "m":
            _ = try? agent.sendMessage(to: "sip:bob@192.0.2.9", body: .text("open"))
        default:
            break
        }
    }

    /// Hangs everything up, lets ten minutes pass, and checks that nothing is left and that
    /// the agent still answers.
    func finish() {
        for handle in waiting { try? agent.reject(handle, status: 486) }
        waiting = []
        for handle in agent.activeCalls { try? agent.hangUp(handle) }
        for _ in 0..<60 { loop.advanceTime(by: .seconds(10)) }
        check(agent.activeCalls.isEmpty, "calls still active 10 minutes after hanging up: \(agent.activeCalls)")
        let remembered = handles.filter { agent.state(of: $0) != nil }
        check(remembered.isEmpty, "calls still remembered 10 minutes after they ended: \(remembered.sorted())")
        check(layer.liveTransactionCount == 0, "\(layer.liveTransactionCount) transactions alive 10 minutes after the last request")

        let before = transport.count
        deliver(
            "OPTIONS sip:door@192.0.2.1 SIP/2.0\nVia: SIP/2.0/UDP 192.0.2.77:5060;branch=z9hG4bKprobe1\nFrom: <sip:probe@192.0.2.77>;tag=p1\nTo: <sip:door@192.0.2.1>\nCall-ID: probe-options\nCSeq: 1 OPTIONS\nMax-Forwards: 70\nContent-Length: 0\n\n",
            reliable: false)
        let answered = transport.sent.suffix(transport.count - before).contains {
            $0.statusCode == 200 && $0.topViaBranch?.string == "z9hG4bKprobe1"
        }
        check(answered, "a new OPTIONS after the script got no 200")
        let offered = waiting.count
        deliver(
            "INVITE sip:door@192.0.2.1 SIP/2.0\nVia: SIP/2.0/UDP 192.0.2.77:5060;branch=z9hG4bKprobe2\nFrom: <sip:probe@192.0.2.77>;tag=p2\nTo: <sip:door@192.0.2.1>\nCall-ID: probe-invite\nCSeq: 1 INVITE\nMax-Forwards: 70\nContact: <sip:probe@192.0.2.77>\nContent-Length: 0\n\n",
            reliable: false)
        check(waiting.count == offered + 1, "a new INVITE after the script was not offered as a call")
        agent.shutdown()
        layer.shutdown()
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let script = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let scene = Scene()
    var steps = 0
    for step in script.split(separator: "\n---\n", omittingEmptySubsequences: true) {
        steps += 1
        if steps > 64 { break }
        scene.run(step: step)
    }
    scene.finish()
    blackHole(scene.transport.count)
    finishInput()
    return 0
}

// MARK: - Entry point

@_cdecl("UserAgentFuzzer_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, fuzz)
}
