import Foundation
import Intercom
import Synchronization

/// An `IntercomControlling` that records what it was asked and knows a fixed set of calls,
/// buttons and doors; anything else is a 404, the door `jammed` a 409.
final class FakeIntercom: IntercomControlling {
    enum Request: Equatable {
        case dial(String, account: String?)
        case press(String)
        case hangUp(String?)
        case openDoor(String)
    }

    static let sampleStatus = IntercomStatus(
        version: "1.2.3",
        uptimeSeconds: 12.5,
        registrations: [
            RegistrationStatus(account: "pbx", registrar: "sip:pbx.example.com", state: "registered", expiresInSeconds: 540)
        ],
        calls: [
            CallStatus(
                id: "c1", direction: "in", remote: "sip:alice@example.com", state: "answered", codec: "opus",
                durationSeconds: 3, rtp: RTPStatistics(packetsSent: 150, packetsReceived: 149, lost: 1, jitterMs: 2.5))
        ],
        lastEvents: [
            EventRecord(time: Date(timeIntervalSince1970: 1_700_000_000.25), kind: "call.incoming", detail: "sip:alice@example.com")
        ],
        audio: AudioStatus(
            capture: "null", playback: "null", backend: "null", warning: "no sound card",
            engine: AudioEngineStatistics(cycles: 100, lateCycles: 1, concealed: 2)),
        doors: [DoorStatus(name: "front", lastOpened: Date(timeIntervalSince1970: 1_700_000_100), opens: 1)]
    )

    let calls: Set<String> = ["c1"]
    let buttons: Set<String> = ["flat 3"]
    let doors: Set<String> = ["front", "jammed"]
    private let log = Mutex<[Request]>([])

    var requests: [Request] { log.withLock { $0 } }

    func status() async -> IntercomStatus {
        Self.sampleStatus
    }

    func dial(_ target: String, account: String?) async throws(ControlError) -> String {
        log.withLock { $0.append(.dial(target, account: account)) }
        return "c2"
    }

    func press(button: String) async throws(ControlError) {
        log.withLock { $0.append(.press(button)) }
        guard buttons.contains(button) else {
            throw ControlError.notFound("no button \(button)")
        }
    }

    func hangUp(callID: String?) async throws(ControlError) {
        log.withLock { $0.append(.hangUp(callID)) }
        if let callID, !calls.contains(callID) {
            throw ControlError.notFound("no call \(callID)")
        }
    }

    func openDoor(_ name: String) async throws(ControlError) {
        log.withLock { $0.append(.openDoor(name)) }
        guard doors.contains(name) else {
            throw ControlError.notFound("no door \(name)")
        }
        if name == "jammed" {
            throw ControlError.conflict("door jammed is already opening")
        }
    }
}
