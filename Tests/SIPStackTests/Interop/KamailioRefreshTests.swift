import Foundation
import InteropSupport
import NIOCore
import SIPMessage
import SIPStack
import Testing

/// Registration refresh against a real Kamailio (issue 3): the agent's RegistrationClient,
/// sharing the transaction layer with the UA core, registers for 10 s (Kamailio's minimum),
/// refreshes before expiry while the binding stays, answers MESSAGE and OPTIONS relayed by
/// Kamailio to its binding, and unregisters.
@Suite(
    "Kamailio interop: registration refresh, and requests relayed to the binding",
    .serialized,
    .enabled(if: !KamailioInterop.isSkipped, "SWIFTSIP_SKIP_INTEROP=1 skips the interop tests"),
    .timeLimit(.minutes(1))
)
struct KamailioRefreshTests {
    @Test("register for 10 s, refresh twice before expiry, still bound after 12 s, unregister", arguments: [SIPTransportKind.udp, .tcp])
    func refresh(kind: SIPTransportKind) async throws {
        try await KamailioInterop.withKamailio { kamailio in
            try await InteropAgent.with(kind: kind, kamailio: kamailio, expires: 10) { door in
                let registration = try #require(door.registration)
                var states = registration.states.makeAsyncIterator()
                try await door.register(at: kamailio)
                let first = try await kamailio.registerCount()
                let cseq = try await door.eventLoop.submit { registration.stateMachine.cseq }.get()

                // Past the 10 s grant: only refreshes keep the binding.
                try await KamailioInterop.pause(.seconds(12))
                let contact = door.contactURI
                #expect(try await kamailio.pollBindings(tries: 1) { $0.contains(contact) }, "the binding expired")
                let refreshed = try await door.eventLoop.submit { registration.stateMachine.cseq }.get()
                #expect(refreshed >= cseq + 2, "two refreshes in 12 s of a 10 s grant (CSeq \(cseq) -> \(refreshed))")
                #expect(try await kamailio.registerCount() > first)
                let state = try await door.eventLoop.submit { registration.state }.get()
                guard case .registered(let expires, _) = state else {
                    Issue.record("not registered after the refreshes: \(state)")
                    return
                }
                #expect(expires <= 10)

                try await door.eventLoop.submit { registration.stop() }.get()
                while let next = await states.next() {
                    if next == .unregistered { break }
                }
                #expect(try await kamailio.pollBindings(tries: 50) { !$0.contains(contact) }, "still bound after unregistering")
            }
        }
    }

    @Test("a MESSAGE and an OPTIONS from a second agent reach ours through Kamailio and get 200")
    func messageThroughKamailio() async throws {
        try await KamailioInterop.withKamailio { kamailio in
            try await InteropAgent.with(kind: .udp, kamailio: kamailio) { door in
                var events = door.agent.events.makeAsyncIterator()
                try await door.register(at: kamailio)
                try await InteropAgent.with(kind: .tcp, kamailio: kamailio) { sender in
                    // The second agent is also `door`: Kamailio's test users know its password.
                    let status = try await sender.agent.sendMessage(to: "sip:door@127.0.0.1:\(kamailio.port)", body: .text("open sesame"))
                    #expect(status == 200)
                    let event = try await door.next(&events) { if case .messageReceived = $0 { true } else { false } }
                    guard case .messageReceived(let message) = event else { return }
                    #expect(message.body?.string == "open sesame")
                    #expect(message.call == nil)
                    #expect(try await sender.agent.sendOptions(to: "sip:door@127.0.0.1:\(kamailio.port)") == 200)
                }
            }
        }
    }
}
