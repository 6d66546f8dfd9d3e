import Foundation
import Logging
import Synchronization

/// The control interface's view of the running agent: answers ``IntercomControlling`` by
/// forwarding to the ``IntercomAgent`` once it has started (503 before), and turns every
/// ``AgentEvent`` into a record of the ``EventLog`` and the matching ``IntercomMetrics``.
public final class AgentController: IntercomControlling {
    private let agent = Mutex<IntercomAgent?>(nil)
    /// The last events, for `GET /status`.
    public let events: EventLog
    /// The Prometheus series, for `GET /metrics`.
    public let metrics: IntercomMetrics?
    private let version: String

    public init(events: EventLog = EventLog(), metrics: IntercomMetrics?, version: String = "0.1") {
        self.events = events
        self.metrics = metrics
        self.version = version
    }

    /// The agent has started.
    public func attach(_ started: IntercomAgent) {
        agent.withLock { $0 = started }
    }

    /// Records one event (log ring and metrics).
    public func record(_ event: AgentEvent) {
        events.append(kind: event.kind, detail: event.detail)
        guard let metrics else { return }
        switch event {
        case .registrationChanged(let account, _, let phase):
            switch phase {
            case .registered:
                metrics.registered(account: account)
            case .failed:
                metrics.unregistered(account: account)
                metrics.registrationFailed(account: account)
            case .unregistered:
                metrics.unregistered(account: account)
            case .registering:
                break
            }
        case .incomingCall:
            metrics.callStarted(direction: .incoming)
        case .outgoingCall:
            metrics.callStarted(direction: .outgoing)
        case .callRefused(_, _, let status, _):
            metrics.callEnded(direction: .incoming, result: status == 486 ? .busy : .rejected, duration: .zero)
        case .callEnded(_, let direction, let result, let seconds):
            let callResult = CallResult(rawValue: result) ?? .failed
            if callResult == .failed || callResult == .timeout { metrics.callFailed(reason: result) }
            metrics.callEnded(
                direction: direction == "in" ? .incoming : .outgoing, result: callResult, duration: .milliseconds(Int64(seconds * 1_000)))
        case .doorOpened(let door, _, _):
            metrics.doorOpened(door: door)
        case .doorActionFailed(let door, _):
            metrics.doorFailed(door: door)
        case .wrongCode:
            metrics.wrongCode()
        case .lockedOut:
            metrics.callerLockedOut()
        case .callAudio(_, let lateCycles, _):
            metrics.audioCyclesLate(lateCycles)
        case .callAnswered, .ignoredLockedOut, .configurationReloaded, .configurationRefused, .doorAttempt, .callNotPlaced, .callRejected:
            break
        }
    }

    private func running() throws(ControlError) -> IntercomAgent {
        guard let agent = agent.withLock({ $0 }) else { throw ControlError(status: 503, reason: "the agent is starting") }
        return agent
    }

    public func status() async -> IntercomStatus {
        guard let agent = agent.withLock({ $0 }) else {
            return IntercomStatus(
                version: version, uptimeSeconds: 0, registrations: [], calls: [], lastEvents: events.records,
                audio: AudioStatus(capture: "", playback: "", backend: "", warning: "starting", realtime: false, engine: AudioEngineStatistics()),
                doors: [])
        }
        let snapshot = await agent.snapshot()
        let configuration = await agent.currentConfiguration()
        let live = snapshot.calls.first { $0.engine != nil }?.engine
        return IntercomStatus(
            version: version, uptimeSeconds: snapshot.uptimeSeconds,
            registrations: snapshot.registrations.map { registration in
                RegistrationStatus(
                    account: registration.name,
                    registrar: configuration.accounts.first { $0.name == registration.name }?.registrar ?? "",
                    state: registration.phase.rawValue,
                    expiresInSeconds: nil, lastError: registration.lastError)
            },
            calls: snapshot.calls.map { call in
                CallStatus(
                    id: call.id, direction: call.direction, remote: call.remoteURI, state: call.state, codec: call.codec,
                    durationSeconds: call.durationSeconds,
                    rtp: RTPStatistics(
                        packetsSent: call.packetsSent, packetsReceived: call.packetsReceived, lost: call.packetsLost,
                        jitterMs: call.jitterMs, srtpSuite: call.srtpSuite, packetsUnprotected: call.packetsUnprotected,
                        authenticationFailures: call.authenticationFailures, replaysDropped: call.replaysDropped))
            },
            lastEvents: events.records,
            audio: AudioStatus(
                capture: snapshot.captureDevice, playback: snapshot.playbackDevice,
                backend: Self.backend(snapshot.captureDevice), warning: nil, realtime: live?.realtime ?? false,
                engine: AudioEngineStatistics(cycles: live?.cycles ?? 0, lateCycles: live?.lateCycles ?? 0, concealed: live?.concealed ?? 0)),
            doors: snapshot.doors.map { door in
                DoorStatus(
                    name: door.name, lastOpened: door.lastOpenedSecondsAgo.map { Date(timeIntervalSinceNow: -$0) }, opens: door.opens,
                    lockedOutCallers: snapshot.lockedOutCallers)
            })
    }

    private static func backend(_ device: String) -> String {
        if device.hasPrefix("alsa:") { return "alsa" }
        if device.hasPrefix("wav") { return "wav" }
        return "null"
    }

    public func dial(_ target: String, account: String?) async throws(ControlError) -> String {
        let agent = try running()
        do {
            return try await agent.dial(target, account: account)
        } catch {
            throw ControlError(status: 409, reason: "\(error)")
        }
    }

    public func press(button: String) async throws(ControlError) {
        let agent = try running()
        do {
            try await agent.press(button: button)
        } catch {
            throw ControlError(status: "\(error)".hasPrefix("no button") ? 404 : 409, reason: "\(error)")
        }
    }

    public func hangUp(callID: String?) async throws(ControlError) {
        let agent = try running()
        do {
            try await agent.hangUp(callID: callID)
        } catch {
            throw ControlError(status: 404, reason: "\(error)")
        }
    }

    public func openDoor(_ name: String) async throws(ControlError) {
        let agent = try running()
        do {
            try await agent.openDoor(name)
        } catch {
            throw ControlError(status: 404, reason: "\(error)")
        }
    }
}
