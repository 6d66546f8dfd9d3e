import Foundation
import Intercom
import Testing

/// Two agents on loopback negotiating SRTP (SDES) by their `audio.srtp` settings: encrypted
/// media both ways when they agree (the SRTP counters of each side's status), plain RTP when
/// one is off and the other optional, and a refusal when one requires what the other will not
/// do. Real time, like ``AgentCallTests``.
@Suite(.serialized, .timeLimit(.minutes(1)))
struct AgentSRTPTests {
    /// Ports apart from ``AgentCallTests``', which may run at the same time.
    static let rtpBase = 32_400

    /// The first call of `agent`'s status once it has unprotected at least `packets` packets,
    /// or its last status after `seconds`.
    static func call(of agent: IntercomAgent, unprotected packets: Int, seconds: Double = 5) async throws -> IntercomAgent.Snapshot.Call? {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1_000))
        var last: IntercomAgent.Snapshot.Call?
        while ContinuousClock.now < deadline {
            last = await agent.snapshot().calls.first
            if let last, last.packetsUnprotected >= packets || (last.srtpSuite == nil && last.packetsReceived >= packets) { return last }
            try await Task.sleep(for: .milliseconds(50))  // a bounded wait for a real-time call
        }
        return last
    }

    @Test("door required, visitor optional: encrypted both ways, first suite, no authentication failure")
    func encryptedBothWays() async throws {
        try await AgentCallTests.withPair(rtpBase: Self.rtpBase, door: { configuration, _ in configuration.audio.srtp = .required }) { pair in
            let id = try await pair.visitor.dial(pair.doorURI)
            _ = await pair.doorEvents.next { if case .callAnswered = $0 { true } else { false } }
            let door = try #require(try await Self.call(of: pair.door, unprotected: 25))
            let visitor = try #require(try await Self.call(of: pair.visitor, unprotected: 25))
            for call in [door, visitor] {
                #expect(call.srtpSuite == "AES_CM_128_HMAC_SHA1_80")
                #expect(call.packetsUnprotected >= 25)
                // (Each side's RTCP, muxed on the RTP port, used to be read there as an RTP packet
                // and fail authentication whenever a call lasted past the first report.)
                #expect(call.authenticationFailures == 0, "first failure: \(call.firstAuthenticationFailure ?? "none")")
                #expect(call.replaysDropped == 0)
                #expect(call.packetsReceived > 0)
            }
            try await pair.visitor.hangUp(callID: id)
        }
    }

    @Test("door off, visitor optional: plain RTP, nothing unprotected")
    func plainWhenOneIsOff() async throws {
        try await AgentCallTests.withPair(rtpBase: Self.rtpBase, door: { configuration, _ in configuration.audio.srtp = .off }) { pair in
            let id = try await pair.visitor.dial(pair.doorURI)
            _ = await pair.doorEvents.next { if case .callAnswered = $0 { true } else { false } }
            let door = try #require(try await Self.call(of: pair.door, unprotected: 25))
            #expect(door.srtpSuite == nil)
            #expect(door.packetsUnprotected == 0)
            #expect(door.packetsReceived >= 25)
            try await pair.visitor.hangUp(callID: id)
        }
    }

    @Test("door required, visitor off: the call is refused (488), not answered")
    func refusedWhenRequiredMeetsOff() async throws {
        try await AgentCallTests.withPair(
            rtpBase: Self.rtpBase,
            door: { configuration, _ in configuration.audio.srtp = .required },
            visitor: { configuration, _, _ in configuration.audio.srtp = .off }
        ) { pair in
            _ = try await pair.visitor.dial(pair.doorURI)
            let ended = await pair.visitorEvents.next { if case .callEnded = $0 { true } else { false } }
            guard case .callEnded(_, _, let result, _)? = ended else {
                Issue.record("the visitor's call did not end")
                return
            }
            #expect(result == "rejected")
            #expect(await pair.door.snapshot().calls.isEmpty)
        }
    }

    @Test("door optional, visitor required: the visitor offers RTP/SAVP and the call is encrypted")
    func requiredCallerOptionalCallee() async throws {
        try await AgentCallTests.withPair(rtpBase: Self.rtpBase, visitor: { configuration, _, _ in configuration.audio.srtp = .required }) { pair in
            let id = try await pair.visitor.dial(pair.doorURI)
            _ = await pair.doorEvents.next { if case .callAnswered = $0 { true } else { false } }
            let door = try #require(try await Self.call(of: pair.door, unprotected: 25))
            #expect(door.srtpSuite == "AES_CM_128_HMAC_SHA1_80")
            #expect(door.authenticationFailures == 0, "first failure: \(door.firstAuthenticationFailure ?? "none")")
            try await pair.visitor.hangUp(callID: id)
        }
    }
}
