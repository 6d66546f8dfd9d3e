import Audio
import Testing

@Suite("Device strings and the device factory")
struct AudioDeviceSpecificationTests {
    @Test("valid strings", arguments: [
        ("alsa:plughw:1,0", AudioDeviceSpecification.alsa(pcm: "plughw:1,0")),
        ("alsa:default", .alsa(pcm: "default")),
        ("  alsa:dmix:CARD=Device,DEV=0 ", .alsa(pcm: "dmix:CARD=Device,DEV=0")),
        ("wav:/var/lib/intercom/door.wav", .wav(path: "/var/lib/intercom/door.wav")),
        ("wav:relative dir/a.wav", .wav(path: "relative dir/a.wav")),
        ("wav-loop:/tmp/loop.wav", .wavLoop(path: "/tmp/loop.wav")),
        ("null", .null),
    ])
    func valid(text: String, expected: AudioDeviceSpecification) throws {
        let parsed = try AudioDeviceSpecification(parsing: text)
        #expect(parsed == expected)
        #expect(try AudioDeviceSpecification(parsing: parsed.description) == parsed, "description reads back")
    }

    @Test("invalid strings say what is wrong", arguments: [
        ("", "empty"),
        ("   ", "empty"),
        ("pulse:default", "unknown scheme 'pulse:'"),
        ("plughw:1,0", "unknown scheme 'plughw:'"),
        ("hw", "unknown device 'hw'"),
        ("alsa:", "needs a PCM name"),
        ("alsa:plug hw", "white space"),
        ("wav:", "needs a file path"),
        ("wav-loop:", "needs a file path"),
        ("null:x", "takes nothing"),
    ])
    func invalid(text: String, reason: String) {
        let error = #expect(throws: AudioDeviceError.self) { try AudioDeviceSpecification(parsing: text) }
        #expect(error?.device == text)
        #expect(error?.operation == "parse device")
        #expect(error?.reason.contains(reason) == true, "\(error?.reason ?? "no error")")
    }

    @Test("the factory opens the device each string names")
    func factory() throws {
        let directory = try TemporaryDirectory()
        let format = AudioFormat(sampleRate: 16_000)
        let options = AudioDeviceOpenOptions(
            pacing: .unpaced, alsaConfiguration: try ALSAConfiguration(text: "pcm.quiet { type null }"),
            recordingCapacitySeconds: 1)
        let path = directory.file("door.wav")
        try WAVFile(format: format, samples: DeviceTestSupport.ramp(320)).write(to: path)

        let null = try AudioDeviceSpecification.null.openCapture(format: format, periodFrames: 160, options: options)
        #expect(null is NullCaptureDevice)
        let wav = try AudioDeviceSpecification(parsing: "wav:\(path)").openCapture(format: format, periodFrames: 160, options: options)
        #expect((wav as? WAVCaptureDevice)?.looping == false)
        let loop = try AudioDeviceSpecification(parsing: "wav-loop:\(path)").openCapture(format: format, periodFrames: 160, options: options)
        #expect((loop as? WAVCaptureDevice)?.looping == true)
        let alsa = try AudioDeviceSpecification(parsing: "alsa:quiet").openCapture(format: format, periodFrames: 160, options: options)
        #expect((alsa as? ALSACaptureDevice)?.negotiated.periodFrames == 160)
        #expect((alsa as? ALSACaptureDevice)?.negotiated.bufferFrames == 640)
        alsa.close()

        let speaker = try AudioDeviceSpecification(parsing: "alsa:quiet").openPlayback(format: format, periodFrames: 160, options: options)
        #expect(speaker is ALSAPlaybackDevice)
        speaker.close()
        let recorder = try AudioDeviceSpecification(parsing: "wav:\(directory.file("out.wav"))")
            .openPlayback(format: format, periodFrames: 160, options: options)
        #expect((recorder as? WAVPlaybackDevice)?.capacityFrames == 16_000)
        #expect(try AudioDeviceSpecification.null.openPlayback(format: format, periodFrames: 160, options: options) is NullPlaybackDevice)
        let refused = #expect(throws: AudioDeviceError.self) {
            try AudioDeviceSpecification(parsing: "wav-loop:\(path)").openPlayback(format: format, periodFrames: 160, options: options)
        }
        #expect(refused?.device == "wav-loop:\(path)")
        let unknown = #expect(throws: AudioDeviceError.self) {
            try AudioDeviceSpecification.alsa(pcm: "nowhere").openPlayback(format: format, periodFrames: 160, options: options)
        }
        #expect(unknown?.device == "nowhere")
    }
}
