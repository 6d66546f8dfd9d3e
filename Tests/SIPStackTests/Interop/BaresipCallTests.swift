import Foundation
import InteropSupport
import NIOCore
import SIPMessage
import SIPStack
import Testing

/// Calls between ``SIPUserAgent`` and a real baresip (issue 3), directly and through a real
/// Kamailio that registers both, authenticates callers (407) and record-routes, over UDP and
/// TCP on 127.0.0.1; through Kamailio also with our agent on TLS (Kamailio bridges to baresip's
/// UDP, and opens its own TLS connection to our listener for requests to us). baresip sends a sine as its audio: the RTP it sends to the port of our SDP
/// is counted, which shows the offer/answer reached it.
///
/// Each test starts its own Kamailio and baresip on random ports and stops them by PID
/// (Tests/Interop/{kamailio,baresip}/stop.sh). `SWIFTSIP_SKIP_INTEROP=1` skips the suite.
@Suite(
    "baresip interop: calls in and out, directly and through Kamailio",
    .serialized,
    .enabled(if: !KamailioInterop.isSkipped, "SWIFTSIP_SKIP_INTEROP=1 skips the interop tests"),
    .timeLimit(.minutes(1))
)
struct BaresipCallTests {
    static let transports: [SIPTransportKind] = [.udp, .tcp]
    static let proxiedTransports: [SIPTransportKind] = [.udp, .tcp, .tls]

    /// A Kamailio for our agent's `kind` (with TLS and WebSocket listeners for TLS), and the
    /// port our agent talks to.
    static func withKamailio(for kind: SIPTransportKind, _ body: (KamailioInterop, Int) async throws -> Void) async throws {
        if kind == .tls {
            try await KamailioInterop.withSecureKamailio { secure in try await body(secure.kamailio, secure.tlsPort) }
        } else {
            try await KamailioInterop.withKamailio { kamailio in try await body(kamailio, kamailio.port) }
        }
    }

    /// baresip's account at Kamailio: over TCP when our agent uses TCP, else UDP (baresip has
    /// no TLS setup here).
    static func registeredAccount(_ kamailio: KamailioInterop, _ kind: SIPTransportKind, answer: Bool) -> String {
        let parameter = kind == .tcp ? ";transport=tcp" : ""
        return "<sip:gate@127.0.0.1:\(kamailio.port)\(parameter)>;auth_pass=gate-secret;regint=60"
            + (answer ? ";answermode=auto" : "")
    }

    static func waitForGate(_ kamailio: KamailioInterop) async throws {
        let bound = try await kamailio.pollBindings(tries: 100) { addresses in addresses.contains { $0.contains("sip:gate") } }
        guard bound else { throw InteropFailure("baresip never registered as gate") }
    }

    /// A Kamailio for `kind`, our agent (over `kind`) registered at it, and baresip registered
    /// as `gate` (answering by itself when `baresipAnswers`), for `body`.
    static func withBothRegistered(
        kind: SIPTransportKind, baresipAnswers: Bool, registerDoor: Bool = true,
        _ body: (InteropAgent, BaresipInterop, KamailioInterop) async throws -> Void
    ) async throws {
        try await withKamailio(for: kind) { kamailio, port in
            try await InteropAgent.with(kind: kind, kamailio: kamailio, kamailioPort: port) { door in
                if registerDoor { try await door.register(at: kamailio) }
                try await BaresipInterop.with(account: { _ in registeredAccount(kamailio, kind, answer: baresipAnswers) }) { baresip in
                    try await waitForGate(kamailio)
                    try await body(door, baresip, kamailio)
                }
            }
        }
    }

    @Test("baresip calls us through Kamailio; we ring and answer; BYE from us, then on a second call from baresip", arguments: proxiedTransports)
    func baresipCallsUs(kind: SIPTransportKind) async throws {
        try await Self.withBothRegistered(kind: kind, baresipAnswers: false) { door, baresip, kamailio in
            var events = door.agent.events.makeAsyncIterator()

            // Call 1: we answer, we hang up.
            try await baresip.control.send("dial", "sip:door@127.0.0.1:\(kamailio.port)")
            let first = try await door.nextIncomingCall(&events)
            #expect(first.from == "sip:gate@127.0.0.1:\(kamailio.port)")
            #expect(first.offer?.hasType("application/sdp") == true)
            #expect(first.request.values(.recordRoute).isEmpty == false, "Kamailio record-routes")
            try await door.agent.ring(first.handle)
            _ = try await baresip.control.waitFor(["CALL_RINGING"])
            try await door.agent.answer(first.handle, body: door.sdp)
            let confirmed = try await door.nextState(of: first.handle, &events) { !($0 == .answered) }
            #expect(confirmed == .confirmed(body: nil))
            _ = try await baresip.control.waitFor(["CALL_ESTABLISHED"])
            let packets = try await door.waitForRTP(5)
            #expect(packets >= 5, "baresip's RTP reached the port of our answer")
            try await door.agent.hangUp(first.handle)
            _ = try await baresip.control.waitFor(["CALL_CLOSED"])
            #expect(await door.agent.callState(first.handle) == .terminated(.localHangUp))

            // Call 2: we answer, baresip hangs up.
            try await baresip.control.send("dial", "sip:door@127.0.0.1:\(kamailio.port)")
            let second = try await door.nextIncomingCall(&events)
            try await door.agent.answer(second.handle, body: door.sdp)
            _ = try await door.nextState(of: second.handle, &events) { if case .confirmed = $0 { true } else { false } }
            _ = try await baresip.control.waitFor(["CALL_ESTABLISHED"])
            try await baresip.control.send("hangup")
            let ended = try await door.nextState(of: second.handle, &events) { $0.isTerminated }
            #expect(ended == .terminated(.remoteHangUp))
        }
    }

    @Test("baresip cancels its call before we answer: the call ends with 487", arguments: proxiedTransports)
    func baresipCancels(kind: SIPTransportKind) async throws {
        try await Self.withBothRegistered(kind: kind, baresipAnswers: false) { door, baresip, kamailio in
            var events = door.agent.events.makeAsyncIterator()
            try await baresip.control.send("dial", "sip:door@127.0.0.1:\(kamailio.port)")
            let call = try await door.nextIncomingCall(&events)
            try await door.agent.ring(call.handle)
            _ = try await baresip.control.waitFor(["CALL_RINGING"])
            try await baresip.control.send("hangup")
            let ended = try await door.nextState(of: call.handle, &events) { $0.isTerminated }
            #expect(ended == .terminated(.cancelled))
            let closed = try await baresip.control.waitFor(["CALL_CLOSED"])
            #expect(closed.type == "CALL_CLOSED")
            await #expect(throws: SIPUserAgentError.self) { try await door.agent.answer(call.handle, body: door.sdp) }
        }
    }

    @Test("we call baresip directly; it answers; we hang up", arguments: transports)
    func weCallBaresipDirectly(kind: SIPTransportKind) async throws {
        try await InteropAgent.with(kind: kind, kamailio: nil) { door in
            var events = door.agent.events.makeAsyncIterator()
            try await BaresipInterop.with(account: { port in "<sip:baresip@127.0.0.1:\(port)>;regint=0;answermode=auto" }) { baresip in
                let parameter = kind == .udp ? "" : ";transport=\(kind.rawValue.lowercased())"
                let call = try await door.agent.call("sip:baresip@127.0.0.1:\(baresip.sipPort)\(parameter)", offer: door.sdp)
                let state = try await door.nextState(of: call, &events) { state in
                    if case .confirmed = state { return true }
                    return state.isTerminated
                }
                guard case .confirmed(let answer) = state else {
                    Issue.record("the call did not connect: \(state)")
                    return
                }
                #expect(answer?.string.contains("m=audio") == true)
                #expect(answer?.string.contains("RTP/AVP 0") == true || answer?.string.contains("RTP/AVP 8") == true)
                _ = try await baresip.control.waitFor(["CALL_ESTABLISHED"])
                let packets = try await door.waitForRTP(5)
                #expect(packets >= 5)
                try await door.agent.hangUp(call)
                _ = try await baresip.control.waitFor(["CALL_CLOSED"])
            }
        }
    }

    @Test("we call baresip through Kamailio, answering its 407; baresip hangs up", arguments: proxiedTransports)
    func weCallBaresipThroughKamailio(kind: SIPTransportKind) async throws {
        try await Self.withBothRegistered(kind: kind, baresipAnswers: true, registerDoor: false) { door, baresip, kamailio in
            var events = door.agent.events.makeAsyncIterator()
            let call = try await door.agent.call("sip:gate@127.0.0.1:\(kamailio.port)", offer: door.sdp)
            let state = try await door.nextState(of: call, &events) { state in
                if case .confirmed = state { return true }
                return state.isTerminated
            }
            guard case .confirmed = state else {
                Issue.record("the call did not connect: \(state)")
                return
            }
            _ = try await baresip.control.waitFor(["CALL_ESTABLISHED"])
            #expect(try await door.waitForRTP(5) >= 5)
            try await baresip.control.send("hangup")
            let ended = try await door.nextState(of: call, &events) { $0.isTerminated }
            #expect(ended == .terminated(.remoteHangUp))
        }
    }
}
