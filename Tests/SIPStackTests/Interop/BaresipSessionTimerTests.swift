import Foundation
import InteropSupport
import NIOCore
import SIPMessage
import SIPStack
import Testing

/// RFC 4028 session timers against a real baresip on 127.0.0.1 over UDP. baresip does not
/// claim timer support, so with it as the caller this agent is the refresher (refresher=uas)
/// and re-INVITEs it at half the interval (baresip 1.0.0 answers them 200, without
/// Session-Expires; the refreshes go on); a refresh it did not answer 2xx would leave the call
/// to expire at the interval. Real time: the test lasts one 90 s interval and a bit.
@Suite(
    "baresip interop: session timers",
    .serialized,
    .enabled(if: !KamailioInterop.isSkipped, "SWIFTSIP_SKIP_INTEROP=1 skips the interop tests"),
    .timeLimit(.minutes(3))
)
struct BaresipSessionTimerTests {
    @Test("baresip calls us with a 90 s session interval: we refresh it, and the call outlives the interval")
    func weRefreshBaresip() async throws {
        try await InteropAgent.with(kind: .udp, kamailio: nil, sessionExpires: 90) { door in
            var events = door.agent.events.makeAsyncIterator()
            try await BaresipInterop.with(account: { port in "<sip:baresip@127.0.0.1:\(port)>;regint=0" }) { baresip in
                try await baresip.control.send("dial", door.contactURI)
                let incoming = try await door.nextIncomingCall(&events)
                let supportsTimer = (try? incoming.request.supported())?.contains { $0.equalsIgnoringCase("timer") } ?? false
                try await door.agent.answer(incoming.handle, body: door.sdp)
                _ = try await door.nextState(of: incoming.handle, &events) { !($0 == .answered) }
                _ = try await baresip.control.waitFor(["CALL_ESTABLISHED"])
                // Past the interval: without a refresh answered 2xx the call would have ended
                // (ours as the refresher at 90 s, or baresip's at 60 s as the non-refresher).
                try await Task.sleep(for: .seconds(95))
                let state = await door.agent.callState(incoming.handle)
                #expect(state == .confirmed(body: nil), "baresip (Supported: timer \(supportsTimer)) kept the call: \(String(describing: state))")
                // baresip 1.0.0 logs each one ("call: got re-INVITE (SDP Offer)"): at 45 s and 90 s.
                let refreshes = baresip.logTail().components(separatedBy: "got re-INVITE").count - 1
                #expect(refreshes >= 2, "baresip saw \(refreshes) refresh re-INVITEs")
                try await door.agent.hangUp(incoming.handle)
                _ = try await baresip.control.waitFor(["CALL_CLOSED"])
            }
        }
    }
}
