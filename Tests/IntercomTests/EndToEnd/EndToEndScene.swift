import Audio
import Foundation
import InteropSupport
import Testing

/// One end-to-end test's world on 127.0.0.1: a Kamailio (registrar with digest auth, proxy),
/// the agent as a real `intercom` process registered there as `door`, and baresip callers
/// (Kamailio users `gate` and `visitor`) started on demand. Everything is stopped by PID
/// whatever happens; on failure the logs' ends are recorded.
struct EndToEndScene {
    let kamailio: KamailioInterop
    let agent: IntercomProcess
    let configuration: EndToEndConfiguration
    /// The agent's DNS server, when the test gave records.
    var dns: DnsmasqInterop?

    /// The longest registration Kamailio grants [s]: the agent (asking for 60 s) refreshes after
    /// half of it, so a test sees a refresh within seconds.
    static let maxExpiresSeconds = 20
    /// The door's microphone: a 900 Hz tone warbling at 3 Hz, 2 s, looped by the agent.
    static let doorMicrophoneSeconds = 2.0
    /// The callers' microphone: a voice-like signal long enough for any call of these tests
    /// (aufile stops sending at the end of its file).
    static let callerMicrophoneSeconds = 30.0

    var directory: URL { configuration.directory }
    /// `sip:USER@127.0.0.1:KAMAILIO-PORT`.
    func uri(_ user: String) -> String { "sip:\(user)@127.0.0.1:\(kamailio.port)" }
    /// The agent's contact as Kamailio lists it.
    var agentContact: String { "door@127.0.0.1:\(configuration.sipPort)" }
    var callerMicrophone: URL { directory.appendingPathComponent("caller-mic.wav") }

    /// Starts Kamailio, writes the WAV files, starts the agent on the configuration
    /// `configure` adjusts, waits until Kamailio holds the agent's binding, runs `body`, stops
    /// everything.
    ///
    /// With `dnsRecords`, a dnsmasq (Tests/Interop/dnsmasq) serves the records it gives for
    /// Kamailio's port and is the agent's `sip.dnsServer` for the whole test. Without
    /// `registered`, `body` runs as soon as the agent has started.
    static func with(
        dnsRecords: ((_ kamailioPort: Int) -> [String])? = nil, registered: Bool = true,
        _ configure: (inout EndToEndConfiguration) -> Void = { _ in }, _ body: (EndToEndScene) async throws -> Void
    ) async throws {
        let kamailio = try await KamailioInterop.start(maxExpiresSeconds: maxExpiresSeconds)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swiftsip-e2e-\(UUID().uuidString.prefix(8))")
        do {
            if let dnsRecords {
                try await DnsmasqInterop.withDnsmasq(records: dnsRecords(kamailio.port)) { dns in
                    try await run(kamailio: kamailio, directory: directory, dns: dns, registered: registered, configure, body)
                }
            } else {
                try await run(kamailio: kamailio, directory: directory, dns: nil, registered: registered, configure, body)
            }
        } catch {
            Issue.record("Kamailio run directory \(kamailio.runDirectory.path), log:\n\(kamailio.logTail())")
            await kamailio.stop(keepRunDirectory: true)
            throw error
        }
        await kamailio.stop(keepRunDirectory: IntercomProcess.keepsRunDirectories)
        if !IntercomProcess.keepsRunDirectories { try? FileManager.default.removeItem(at: directory) }
    }

    /// The agent and its files for ``with(dnsRecords:registered:_:_:)``, once Kamailio (and
    /// dnsmasq) run.
    private static func run(
        kamailio: KamailioInterop, directory: URL, dns: DnsmasqInterop?, registered: Bool,
        _ configure: (inout EndToEndConfiguration) -> Void, _ body: (EndToEndScene) async throws -> Void
    ) async throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var configuration = EndToEndConfiguration(
            directory: directory, sipPort: try await LoopbackPorts.freeUDPAndTCP(), rtpPorts: try await LoopbackPorts.freeUDPRange(count: 40),
            account: .init(registrar: "sip:127.0.0.1:\(kamailio.port)", user: "door", password: "door-secret"),
            allowURIs: ["sip:gate@*"])
        configuration.dnsServer = dns?.server
        configure(&configuration)
        let format = AudioFormat(sampleRate: 16_000)
        try WAVFile(format: format, samples: TestSignals.warble(seconds: doorMicrophoneSeconds)).write(to: configuration.microphone.path)
        try WAVFile(format: format, samples: TestSignals.voice(seconds: callerMicrophoneSeconds))
            .write(to: directory.appendingPathComponent("caller-mic.wav").path)
        try await IntercomProcess.with(configuration) { agent in
            let scene = EndToEndScene(kamailio: kamailio, agent: agent, configuration: configuration, dns: dns)
            if registered {
                try await agent.waitForLog(containing: "registration: account pbx: registered(")
                try await scene.waitForBinding(scene.agentContact)
            }
            try await body(scene)
        }
    }

    /// Waits (polling `ul.dump`, at most `seconds`) until Kamailio lists a contact containing
    /// `contact`.
    func waitForBinding(_ contact: String, seconds: Int = 10) async throws {
        let bound = try await kamailio.pollBindings(tries: seconds * 10) { $0.contains { $0.contains(contact) } }
        guard bound else { throw InteropFailure("Kamailio never listed \(contact): \(try await kamailio.bindingsDump())") }
    }

    /// Waits until Kamailio lists no contact containing `contact`.
    func waitForNoBinding(_ contact: String, seconds: Int = 10) async throws {
        let gone = try await kamailio.pollBindings(tries: seconds * 10) { !$0.contains { $0.contains(contact) } }
        guard gone else { throw InteropFailure("Kamailio still lists \(contact): \(try await kamailio.bindingsDump())") }
    }

    /// A new baresip `gate` calls the door through Kamailio; once the agent has answered (logged
    /// after line `mark`), it hangs up and the agent logs the call's end.
    func callDoorAndHangUp(after mark: Int) async throws {
        try await withCaller("gate") { gate in
            try await dialDoor(from: gate, after: mark)
            try await gate.control.send("hangup")
            try await agent.waitForLog(containing: "call.ended:", after: mark)
        }
    }

    /// `caller` dials the door; returns once baresip says the call is up and the agent logged
    /// its answer (after log line `mark`).
    func dialDoor(from caller: BaresipInterop, after mark: Int) async throws {
        try await caller.control.send("dial", uri("door"))
        _ = try await caller.control.waitFor(["CALL_ESTABLISHED"])
        try await agent.waitForLog(containing: "call.answered:", after: mark)
    }

    /// A baresip registered at Kamailio as `user` (password `USER-secret`), sending the
    /// callers' WAV and recording what it hears, answering calls by itself when
    /// `autoAnswer`, with `accountParameters` added to its account line (`;mediaenc=srtp-mand`);
    /// stopped when `body` ends.
    func withCaller(
        _ user: String, autoAnswer: Bool = false, accountParameters: String = "", _ body: (BaresipInterop) async throws -> Void
    ) async throws {
        let answer = autoAnswer ? ";answermode=auto" : ";answermode=manual"
        try await BaresipInterop.with(
            account: { _ in "<\(uri(user))>;auth_pass=\(user)-secret;regint=60\(answer)\(accountParameters)" },
            audio: .file(callerMicrophone.path, sampleRate: 16_000)
        ) { baresip in
            try await waitForBinding("@127.0.0.1:\(baresip.sipPort)")
            try await body(baresip)
        }
    }
}

extension EndToEndScene {
    /// Checks what the door and the caller heard after a call of ``EndToEndTests/audioSeconds``:
    /// the caller's recording holds the door's microphone and the door's loudspeaker the
    /// caller's (correlation > 0.8 at the best lag, on the 8 kHz signals). Returns the caller's
    /// recording and microphone, for further checks.
    func expectAudioBothWays(callerRecording: URL) async throws -> (heardByCaller: [Float], callerMicrophone: [Float]) {
        let heardByCaller = try await RecordedAudio.waitForRecording(
            callerRecording.path, minimumSeconds: EndToEndTests.audioSeconds - 0.5)
        let heardByDoor = try await RecordedAudio.waitForRecording(
            configuration.loudspeaker.path, minimumSeconds: EndToEndTests.audioSeconds - 0.5)
        let doorMicrophone = try RecordedAudio.at8kHz(configuration.microphone.path)
        let callerMicrophone = try RecordedAudio.at8kHz(self.callerMicrophone.path)
        let doorToCaller = RecordedAudio.bestCorrelation(Array(doorMicrophone[4_000..<5_200]), in: heardByCaller)
        let callerToDoor = RecordedAudio.bestCorrelation(Array(callerMicrophone[4_000..<5_200]), in: heardByDoor)
        #expect(doorToCaller > 0.8, "door microphone in baresip's recording: correlation \(doorToCaller)")
        #expect(callerToDoor > 0.8, "baresip's microphone in the door's loudspeaker: correlation \(callerToDoor)")
        return (heardByCaller, callerMicrophone)
    }
}
