import Audio
import Foundation
import Testing

/// The real ALSA code path without a sound card: PCMs of ALSA's own `null` and `file` plugins,
/// defined in a private configuration (no ~/.asoundrc, no environment).
@Suite("ALSA devices on the null and file plugins")
struct ALSADeviceTests {
    /// `silence`: the null plugin (accepts any parameters, never blocks);
    /// `fixed48k`: a plug over it whose slave runs only at 48 kHz, like a hw device;
    /// `recorder`: the file plugin writing raw S16 to `out.raw`;
    /// `player`: the file plugin capturing raw S16 from `in.raw`.
    static func configuration(in directory: String) throws -> ALSAConfiguration {
        try ALSAConfiguration(text: """
            pcm.silence { type null }
            pcm.fixed48k { type plug slave { pcm silence rate 48000 } }
            pcm.recorder { type file slave.pcm silence file "\(directory)/out.raw" format raw }
            pcm.player { type file slave.pcm silence file "/dev/null" infile "\(directory)/in.raw" format raw }
            """)
    }

    @Test("null playback gets exactly the rate, period and buffer asked for, and the sw params")
    func nullPlayback() throws {
        let directory = try TemporaryDirectory()
        let configuration = try Self.configuration(in: directory.path)
        let format = AudioFormat(sampleRate: 16_000)
        let device = try ALSAPlaybackDevice(
            name: "silence", settings: ALSAPCMSettings(format: format, periodFrames: 160, bufferFrames: 640),
            configuration: configuration)
        #expect(device.negotiated.format == format)
        #expect(device.negotiated.periodFrames == 160)
        #expect(device.negotiated.bufferFrames == 640)
        #expect(device.negotiated.startThresholdFrames == 320, "two periods by default")
        #expect(device.negotiated.availMinFrames == 160)
        let period = DeviceTestSupport.ramp(160)
        for _ in 0..<10 {
            #expect(try period.withUnsafeBufferPointer { try device.write($0) } == 160)
        }
        #expect((0...640).contains(device.delayFrames()))
        #expect(device.recoveries == 0)
        device.close()
        #expect(device.delayFrames() == 0, "0 once closed")
        let error = #expect(throws: AudioDeviceError.self) { try period.withUnsafeBufferPointer { try device.write($0) } }
        #expect(error?.device == "silence")
    }

    @Test("null capture returns whole periods of the negotiated shape", arguments: [(48_000, 2, 480), (8_000, 1, 80), (44_100, 1, 441)])
    func nullCapture(rate: Int, channels: Int, period: Int) throws {
        let directory = try TemporaryDirectory()
        let format = AudioFormat(sampleRate: rate, channels: channels)
        let device = try ALSACaptureDevice(
            name: "silence", settings: ALSAPCMSettings(format: format, periodFrames: period, startThresholdFrames: 1),
            configuration: Self.configuration(in: directory.path))
        defer { device.close() }
        #expect(device.negotiated.periodFrames == period)
        #expect(device.negotiated.bufferFrames == period * 4)
        #expect(device.negotiated.startThresholdFrames == 1)
        var buffer = [Int16](repeating: 0, count: device.negotiated.periodFrames * channels)
        for _ in 0..<5 {
            #expect(try buffer.withUnsafeMutableBufferPointer { try device.read(into: $0) } == period)
        }
        #expect(device.delayFrames() >= 0)
    }

    @Test("the file plugin's output is byte for byte what was written, short writes included")
    func filePluginRecordsBytes() throws {
        let directory = try TemporaryDirectory()
        let format = AudioFormat(sampleRate: 16_000, channels: 2)
        let device = try ALSAPlaybackDevice(
            name: "recorder", settings: ALSAPCMSettings(format: format, periodFrames: 160),
            configuration: Self.configuration(in: directory.path))
        let samples = DeviceTestSupport.ramp(2 * (160 * 5 + 100))
        var offset = 0
        for frames in [160, 160, 100, 160, 160, 160] {
            let written = try samples[offset..<offset + frames * 2].withUnsafeBufferPointer { try device.write($0) }
            #expect(written == frames)
            offset += frames * 2
        }
        device.close()
        let file = try [UInt8](Data(contentsOf: URL(fileURLWithPath: directory.file("out.raw"))))
        #expect(file == DeviceTestSupport.bytes(of: samples))
    }

    @Test("the file plugin's infile is what capture reads")
    func filePluginPlaysBytes() throws {
        let directory = try TemporaryDirectory()
        let samples = DeviceTestSupport.ramp(160 * 4)
        try Data(DeviceTestSupport.bytes(of: samples)).write(to: URL(fileURLWithPath: directory.file("in.raw")))
        let device = try ALSACaptureDevice(
            name: "player", settings: ALSAPCMSettings(format: AudioFormat(sampleRate: 8_000), periodFrames: 160),
            configuration: Self.configuration(in: directory.path))
        defer { device.close() }
        var read: [Int16] = []
        var buffer = [Int16](repeating: 0, count: 160)
        for _ in 0..<3 {
            #expect(try buffer.withUnsafeMutableBufferPointer { try device.read(into: $0) } == 160)
            read += buffer
        }
        #expect(read == Array(samples[0..<480]))
    }

    @Test("an unknown PCM name is named in the error, with ALSA's code")
    func unknownName() throws {
        let directory = try TemporaryDirectory()
        let configuration = try Self.configuration(in: directory.path)
        let settings = ALSAPCMSettings(format: AudioFormat(sampleRate: 16_000), periodFrames: 160)
        let error = #expect(throws: AudioDeviceError.self) {
            try ALSACaptureDevice(name: "no-such-pcm", settings: settings, configuration: configuration)
        }
        #expect(error?.device == "no-such-pcm")
        #expect(error?.code == -ENOENT)
        #expect(error?.operation == "open capture")
        #expect(error?.description.contains("no-such-pcm") == true)
    }

    @Test("a rate the hardware lacks is refused naming the offered rate, or converted when resampling is allowed")
    func fixedRate() throws {
        let directory = try TemporaryDirectory()
        let configuration = try Self.configuration(in: directory.path)
        let format = AudioFormat(sampleRate: 16_000)
        let error = #expect(throws: AudioDeviceError.self) {
            try ALSAPlaybackDevice(
                name: "fixed48k", settings: ALSAPCMSettings(format: format, periodFrames: 320, allowsResampling: false),
                configuration: configuration)
        }
        #expect(error?.device == "fixed48k")
        #expect(error?.operation == "set rate")
        #expect(error?.reason.contains("16000") == true)
        #expect(error?.reason.contains("48000") == true)

        let converted = try ALSAPlaybackDevice(
            name: "fixed48k", settings: ALSAPCMSettings(format: format, periodFrames: 320), configuration: configuration)
        defer { converted.close() }
        #expect(converted.negotiated.format == format)
        let period = [Int16](repeating: 100, count: 320)
        #expect(try period.withUnsafeBufferPointer { try converted.write($0) } == 320)
    }

    @Test("settings ALSA cannot take are refused before ALSA sees them", arguments: [
        ALSAPCMSettings(format: AudioFormat(sampleRate: 16_000, channels: 0), periodFrames: 160),
        ALSAPCMSettings(format: AudioFormat(sampleRate: 16_000), periodFrames: 0),
        ALSAPCMSettings(format: AudioFormat(sampleRate: 16_000), periodFrames: 160, bufferFrames: 100),
        ALSAPCMSettings(format: AudioFormat(sampleRate: 12), periodFrames: 160),
    ])
    func badSettings(settings: ALSAPCMSettings) throws {
        let directory = try TemporaryDirectory()
        let error = #expect(throws: AudioDeviceError.self) {
            try ALSACaptureDevice(name: "silence", settings: settings, configuration: Self.configuration(in: directory.path))
        }
        #expect(error?.operation == "check settings")
        #expect(error?.device == "silence")
    }

    @Test("configuration text that does not parse fails with ALSA's code")
    func badConfiguration() {
        let error = #expect(throws: AudioDeviceError.self) { try ALSAConfiguration(text: "pcm.broken { type ") }
        #expect(error?.code == -EINVAL)
        let missing = #expect(throws: AudioDeviceError.self) { try ALSAConfiguration(contentsOf: "/nonexistent/asound.conf") }
        #expect(missing?.device == "/nonexistent/asound.conf")
    }

    @Test("a configuration file on top of the system configuration resolves both its names and the system's")
    func systemConfiguration() throws {
        guard FileManager.default.fileExists(atPath: "/usr/share/alsa/alsa.conf") else { return }
        let directory = try TemporaryDirectory()
        try "pcm.agentspeaker { type null }\n".write(toFile: directory.file("agent.conf"), atomically: true, encoding: .utf8)
        let configuration = try ALSAConfiguration(contentsOf: directory.file("agent.conf"), includingSystemConfiguration: true)
        let settings = ALSAPCMSettings(format: AudioFormat(sampleRate: 48_000), periodFrames: 480)
        let device = try ALSAPlaybackDevice(name: "agentspeaker", settings: settings, configuration: configuration)
        device.close()
        // The system's `null` PCM, defined in alsa.conf.
        let systemNull = try ALSAPlaybackDevice(name: "null", settings: settings, configuration: configuration)
        systemNull.close()
        // hw is known to the system configuration; card 99 is not.
        let error = #expect(throws: AudioDeviceError.self) {
            try ALSAPlaybackDevice(name: "hw:99,0", settings: settings, configuration: configuration)
        }
        #expect(error?.device == "hw:99,0")
        #expect(error?.code != nil)
    }
}
