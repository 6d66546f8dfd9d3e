import NIOCore
import RTP
import SIPStack

/// What the control interface and the command line ask of a running agent; each hops to the
/// agent's event loop.
extension IntercomAgent {
    /// A snapshot of the agent for the status report.
    public struct Snapshot: Sendable {
        public struct Call: Sendable {
            public var id: String
            public var direction: String
            public var remoteURI: String
            public var state: String
            public var codec: String?
            public var durationSeconds: Double
            public var engine: AudioEngineStatisticsSummary?
            /// RTP counts; lost and jitter [ms] from the receiver statistics.
            public var packetsSent = 0
            public var packetsReceived = 0
            public var packetsLost = 0
            public var jitterMs = 0.0
            /// The SRTP suite in use, or nil for plain RTP; then SRTP's counts.
            public var srtpSuite: String?
            public var packetsUnprotected = 0
            public var authenticationFailures = 0
            /// The first packet that failed authentication, described (source, RTP or RTCP,
            /// SSRC, sequence number).
            public var firstAuthenticationFailure: String?
            public var replaysDropped = 0
        }

        /// Per account: its state in words, its phase, and why it last failed (kept through the
        /// retries until it registers again).
        public var registrations: [(name: String, state: String, phase: RegistrationPhase, lastError: String?)]
        public var calls: [Call]
        public var doors: [(name: String, opens: Int, lastOpenedSecondsAgo: Double?)]
        public var lockedOutCallers: Int
        public var uptimeSeconds: Double
        public var captureDevice: String
        public var playbackDevice: String
    }

    /// The engine counters of a call, for the status report.
    public struct AudioEngineStatisticsSummary: Sendable, Hashable {
        public var cycles: Int
        public var lateCycles: Int
        public var concealed: Int
        public var realtime: Bool
    }

    /// Where things stand now.
    public func snapshot() async -> Snapshot {
        (try? await eventLoop.submit { self.makeSnapshot() }.get())
            ?? Snapshot(
                registrations: [], calls: [], doors: [], lockedOutCallers: 0, uptimeSeconds: 0, captureDevice: "",
                playbackDevice: "")
    }

    /// The configuration in force.
    public func currentConfiguration() async -> IntercomConfiguration {
        (try? await eventLoop.submit { self.configuration }.get()) ?? IntercomConfiguration()
    }

    /// Calls `target` now, from the account named `account` (nil: the agent's choice);
    /// returns the call's id.
    public func dial(_ target: String, account: String? = nil) async throws -> String {
        try await dial(target, attempt: nil, account: account)
    }

    /// Presses the configured button `name`.
    public func press(button name: String) async throws {
        try await eventLoop.submit { try self.press(button: name) }.get()
    }

    /// Hangs up the call with this id, or every call.
    public func hangUp(callID: String?) async throws {
        try await eventLoop.submit {
            let targets = self.calls.values.filter { callID == nil || $0.id == callID }
            guard !targets.isEmpty || callID == nil else { throw AgentError("no call \(callID ?? "")") }
            for call in targets { try? self.userAgent.hangUp(call.handle) }
        }.get()
    }

    /// Sends DTMF `digits` in call `callID`: RFC 4733 events in the RTP stream when the peer
    /// agreed to telephone-event, else one SIP INFO (`application/dtmf-relay`) per digit.
    public func sendDigits(_ digits: String, callID: String) async throws {
        let valid = Set("0123456789*#ABCDabcd")
        guard !digits.isEmpty, digits.allSatisfy({ valid.contains($0) }) else {
            throw AgentError("digits must be 0-9, *, #, A-D")
        }
        try await eventLoop.submit {
            guard let call = self.calls.values.first(where: { $0.id == callID }), call.answered != nil else {
                throw AgentError("no answered call \(callID)")
            }
            if let session = call.session, session.configuration.telephoneEventPayloadType != nil, call.media != nil {
                for digit in digits { _ = session.sendDigit(digit) }
            } else {
                for digit in digits {
                    _ = try? self.userAgent.sendInfo(
                        call.handle, body: SIPBody(contentType: "application/dtmf-relay", "Signal=\(digit)\r\nDuration=160\r\n"))
                }
            }
        }.get()
    }

    /// Fires door `name`'s action now, as `requester` (the control interface).
    public func openDoor(_ name: String, requester: String = "control") async throws {
        try await eventLoop.submit {
            guard self.configuration.doors.contains(where: { $0.name == name }) else { throw AgentError("no door named \(name)") }
            self.openDoor(name, caller: requester, source: "control", trigger: "control", call: self.calls.values.first)
        }.get()
    }
}
