import Audio
import Foundation
import Intercom
import Logging
import NIOCore
import SIPStack
import Testing

/// Two agents on loopback, each with WAV-backed audio: one calls the other, which answers by
/// itself; audio flows both ways; the caller keys the door code (RFC 4733) and the door's
/// command runs once; wrong codes lock the caller out; the allow list refuses with 403 and a
/// second call gets 486. Runs in real time (the audio devices are paced).
@Suite(.serialized, .timeLimit(.minutes(1)))
struct AgentCallTests {
    struct Pair {
        let directory: String
        let door: IntercomAgent
        let visitor: IntercomAgent
        let doorEvents: AgentEventRecorder
        let visitorEvents: AgentEventRecorder
        var doorURI: String {
            "sip:door@127.0.0.1:\(door.localAddresses[.udp]?.port ?? 0)"
        }
    }

    static func configuration(user: String, directory: String, name: String, rtpBase: Int) -> IntercomConfiguration {
        var configuration = IntercomConfiguration()
        configuration.sip.listen = [ListenAddress(transport: .udp, address: "127.0.0.1", port: 0)]
        configuration.sip.user = user
        configuration.sip.advertise = "127.0.0.1"
        configuration.answer.delayMs = 100
        configuration.audio.capture = "wav-loop:\(directory)/\(name)-mic.wav"
        configuration.audio.playback = "wav:\(directory)/\(name)-speaker.wav"
        configuration.audio.sampleRate = 16_000
        configuration.audio.realtimePriority = nil
        configuration.audio.rtpPortMin = rtpBase
        configuration.audio.rtpPortMax = rtpBase + 99
        configuration.control.enabled = false
        return configuration
    }

    /// Runs `body` with a door and a visitor agent; the door's RTP ports start at `rtpBase`, the
    /// visitor's 200 above. Suites that run beside this one need their own `rtpBase`: the RTP
    /// sockets set SO_REUSEADDR, so two agents on one port would hear each other's calls.
    static func withPair(
        rtpBase: Int = 31_000,
        door adjust: (inout IntercomConfiguration, String) -> Void = { _, _ in },
        visitor adjustVisitor: (inout IntercomConfiguration, String, Int) -> Void = { _, _, _ in },
        _ body: (Pair) async throws -> Void
    ) async throws {
        let directory = NSTemporaryDirectory() + "intercom-agent-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let format = AudioFormat(sampleRate: 16_000)
        try WAVFile(format: format, samples: TestSignals.voice(seconds: 2)).write(to: "\(directory)/visitor-mic.wav")
        try WAVFile(format: format, samples: TestSignals.warble(seconds: 2)).write(to: "\(directory)/door-mic.wav")
        var logger = Logger(label: "agent-test")
        logger.logLevel = .warning
        var doorConfiguration = configuration(user: "door", directory: directory, name: "door", rtpBase: rtpBase)
        adjust(&doorConfiguration, directory)
        let doorEvents = AgentEventRecorder()
        let visitorEvents = AgentEventRecorder()
        let door = try await IntercomAgent.start(configuration: doorConfiguration, logger: logger, onEvent: doorEvents.sink)
        let visitor: IntercomAgent
        do {
            var visitorConfiguration = configuration(user: "visitor", directory: directory, name: "visitor", rtpBase: rtpBase + 200)
            adjustVisitor(&visitorConfiguration, directory, door.localAddresses[.udp]?.port ?? 0)
            visitor = try await IntercomAgent.start(
                configuration: visitorConfiguration, logger: logger, onEvent: visitorEvents.sink)
        } catch {
            await door.shutdown()
            throw error
        }
        let pair = Pair(directory: directory, door: door, visitor: visitor, doorEvents: doorEvents, visitorEvents: visitorEvents)
        do {
            try await body(pair)
        } catch {
            await visitor.shutdown()
            await door.shutdown()
            throw error
        }
        await visitor.shutdown()
        await door.shutdown()
    }

    @Test func aCallIsAnsweredAudioFlowsAndTheRightCodeOpensTheDoorOnce() async throws {
        try await Self.withPair(door: { configuration, directory in
            var door = DoorConfiguration(name: "front", action: .command(["/usr/bin/touch", "\(directory)/opened"]))
            door.codes = [DoorCode(code: "1234")]
            configuration.doors = [door]
            configuration.answer.allow = AllowList()
            configuration.answer.allow?.networks = ["127.0.0.1/32"]
        }) { pair in
            let id = try await pair.visitor.dial(pair.doorURI)
            let answered = await pair.visitorEvents.next { if case .callAnswered = $0 { true } else { false } }
            #expect(answered != nil)
            guard case .callAnswered(_, _, let codec)? = await pair.doorEvents.next({ if case .callAnswered = $0 { true } else { false } })
            else { return }
            #expect(codec.lowercased() == "opus")

            try await pair.visitor.sendDigits("1234", callID: id)
            let opened = await pair.doorEvents.next { if case .doorOpened = $0 { true } else { false } }
            #expect(opened == .doorOpened(door: "front", caller: "sip:visitor@127.0.0.1", trigger: "dtmf"))
            #expect(FileManager.default.fileExists(atPath: "\(pair.directory)/opened"))

            // Wrong codes: three lock the caller out; then even the right code is ignored.
            for _ in 0..<3 { try await pair.visitor.sendDigits("9999", callID: id) }
            let locked = await pair.doorEvents.next { if case .lockedOut = $0 { true } else { false } }
            #expect(locked == .lockedOut(caller: "sip:visitor@127.0.0.1", seconds: 900))
            try await pair.visitor.sendDigits("1234", callID: id)
            let ignored = await pair.doorEvents.next { if case .ignoredLockedOut = $0 { true } else { false } }
            #expect(ignored != nil)

            // Let 4 s of audio flow (the microphone files loop every 2 s), then hang up.
            for _ in 0..<200 {
                let cycles = await pair.door.snapshot().calls.first?.engine?.cycles ?? 0
                if cycles >= 200 { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            try await pair.visitor.hangUp(callID: id)
            let ended = await pair.doorEvents.next { if case .callEnded = $0 { true } else { false } }
            guard case .callEnded(_, let direction, let result, let seconds)? = ended else {
                Issue.record("no end: \(pair.doorEvents.all)")
                return
            }
            #expect(direction == "in")
            #expect(result == "answered")
            #expect(seconds > 1)
            let opens = pair.doorEvents.all.filter { if case .doorOpened = $0 { true } else { false } }
            #expect(opens.count == 1)

            // The door's loudspeaker recording (written when its device closes) holds the
            // visitor's voice, and the visitor's holds the door's microphone. (The visitor's
            // ringback also wrote its speaker file, briefly: wait for the call's recording.)
            for (recording, source) in [("door-speaker.wav", "visitor-mic.wav"), ("visitor-speaker.wav", "door-mic.wav")] {
                let path = "\(pair.directory)/\(recording)"
                var heard: [Int16] = []
                for _ in 0..<100 {
                    heard = (try? WAVFile(contentsOf: path).samples) ?? []
                    if heard.count > 60_000 { break }
                    try await Task.sleep(for: .milliseconds(50))
                }
                let spoken = try WAVFile(contentsOf: "\(pair.directory)/\(source)").samples
                // Three 250 ms pieces of the source, each searched on its own (a loaded machine
                // can stretch the playout delay mid-call, or conceal a frame inside one piece);
                // audio that does not flow matches none of them. Searched in the microphone's
                // second pass (2 s = 32,000 samples later), after the echo cancellers' first
                // second: the door's recording of the visitor's voice matched 0.66-0.87 there
                // (0.49-0.54 on a loaded machine), 0.87-0.88 a pass later but for the first
                // piece (0.69-0.73 in both passes; 0.89 with the visitor's processing off: the
                // suppressor takes some of the near-end voice while the far end plays).
                let matches = stride(from: 8_000, to: 20_000, by: 4_000).map { start in
                    TestSignals.bestCorrelation(Array(spoken[start..<start + 4_000]), in: heard, from: start + 32_000, lags: 0..<8_000)
                }
                #expect(matches.filter { $0 > 0.6 }.count >= 2, "\(recording) (\(heard.count) samples) against \(source): \(matches)")
            }
        }
    }

    @Test func aButtonPressOnItsFIFOCallsItsTargetsInTurn() async throws {
        try await Self.withPair(visitor: { configuration, directory, doorPort in
            var button = ButtonConfiguration(name: "bell")
            button.input = .fifo(path: "\(directory)/bell")
            // Nothing answers at port 9: after its ring timeout the door is called.
            button.targets = ["sip:ghost@127.0.0.1:9", "sip:door@127.0.0.1:\(doorPort)"]
            button.strategy = .sequential
            button.ringTimeoutSeconds = 1
            configuration.buttons = [button]
        }) { pair in
            let fifo = open("\(pair.directory)/bell", O_WRONLY | O_NONBLOCK)
            #expect(fifo >= 0)
            var newline = UInt8(ascii: "\n")
            #expect(write(fifo, &newline, 1) == 1)
            close(fifo)
            let first = await pair.visitorEvents.next { if case .outgoingCall = $0 { true } else { false } }
            #expect(first.map { "\($0)" }?.contains("ghost") == true)
            let second = await pair.visitorEvents.next { if case .outgoingCall = $0 { true } else { false } }
            guard case .outgoingCall(_, let target, let button)? = second else { return }
            #expect(target == pair.doorURI)
            #expect(button == "bell")
            let answered = await pair.doorEvents.next { if case .callAnswered = $0 { true } else { false } }
            #expect(answered != nil)
        }
    }

    @Test func theAllowListRefusesWith403() async throws {
        try await Self.withPair(door: { configuration, _ in
            configuration.answer.allow = AllowList()
            configuration.answer.allow?.uris = ["sip:alice@*"]
        }) { pair in
            _ = try await pair.visitor.dial(pair.doorURI)
            let refused = await pair.doorEvents.next { if case .callRefused = $0 { true } else { false } }
            guard case .callRefused(_, let from, let status, _)? = refused else { return }
            #expect(status == 403)
            #expect(from == "sip:visitor@127.0.0.1")
            let ended = await pair.visitorEvents.next { if case .callEnded = $0 { true } else { false } }
            guard case .callEnded(_, _, let result, _)? = ended else { return }
            #expect(result == "rejected")
        }
    }

    @Test func aSecondCallerGetsBusyHere() async throws {
        try await Self.withPair { pair in
            let first = try await pair.visitor.dial(pair.doorURI)
            _ = await pair.doorEvents.next { if case .callAnswered = $0 { true } else { false } }
            _ = try await pair.visitor.dial(pair.doorURI)
            let refused = await pair.doorEvents.next { if case .callRefused = $0 { true } else { false } }
            guard case .callRefused(_, _, let status, _)? = refused else { return }
            #expect(status == 486)
            let busy = await pair.visitorEvents.next { event in
                if case .callEnded(_, _, let result, _) = event { return result == "busy" }
                return false
            }
            #expect(busy != nil)
            // The caller's side says who refused it and how.
            let rejected = pair.visitorEvents.all.first { if case .callRejected = $0 { true } else { false } }
            guard case .callRejected(_, let to, let rejectedStatus, let reason)? = rejected else {
                Issue.record("no call.rejected: \(pair.visitorEvents.all)")
                return
            }
            #expect(to == pair.doorURI)
            #expect(rejectedStatus == 486)
            #expect(reason == "Busy Here")
            try await pair.visitor.hangUp(callID: first)
        }
    }
}
