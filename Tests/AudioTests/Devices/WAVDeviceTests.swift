import Audio
import Foundation
import Testing

@Suite("WAV capture and playback devices")
struct WAVDeviceTests {
    static let mono16k = AudioFormat(sampleRate: 16_000)

    /// Reads `reads` buffers of `frames` and returns the samples and each read's result.
    static func read(_ device: any AudioCaptureDevice, frames: Int, reads: Int) throws -> (samples: [Int16], results: [Int]) {
        var buffer = [Int16](repeating: 0x5555, count: frames * device.format.channels)
        var samples: [Int16] = []
        var results: [Int] = []
        for _ in 0..<reads {
            results.append(try buffer.withUnsafeMutableBufferPointer { try device.read(into: $0) })
            samples += buffer
        }
        return (samples, results)
    }

    @Test("played once, the file comes out exactly, then silence, and the real frames are counted")
    func playOnce() throws {
        let samples = DeviceTestSupport.ramp(500)
        let device = try WAVCaptureDevice(
            file: WAVFile(format: Self.mono16k, samples: samples), name: "ramp", format: Self.mono16k, pacing: .unpaced)
        let (read, results) = try Self.read(device, frames: 160, reads: 5)
        #expect(results == [160, 160, 160, 20, 0])
        #expect(Array(read[0..<500]) == samples)
        #expect(read[500...].allSatisfy { $0 == 0 })
        #expect(device.realFramesRead == 500)
        #expect(device.fileFrames == 500)
    }

    @Test("looping, the file starts over inside a read")
    func loop() throws {
        let samples = DeviceTestSupport.ramp(300)
        let device = try WAVCaptureDevice(
            file: WAVFile(format: Self.mono16k, samples: samples), name: "ramp", format: Self.mono16k, looping: true,
            pacing: .unpaced)
        let (read, results) = try Self.read(device, frames: 200, reads: 4)
        #expect(results == [200, 200, 200, 200])
        #expect(read == samples + samples + Array(samples[0..<200]))
        #expect(device.realFramesRead == 800)
    }

    @Test("a mono file feeds both channels; a stereo file is averaged into mono")
    func channelConversion() throws {
        let mono = WAVFile(format: Self.mono16k, samples: [1, -2, 300])
        let stereoDevice = try WAVCaptureDevice(
            file: mono, name: "mono", format: AudioFormat(sampleRate: 16_000, channels: 2), pacing: .unpaced)
        #expect(try Self.read(stereoDevice, frames: 3, reads: 1).samples == [1, 1, -2, -2, 300, 300])

        let stereo = WAVFile(format: AudioFormat(sampleRate: 16_000, channels: 2), samples: [10, 20, -10, -30, 32_767, 32_767])
        let monoDevice = try WAVCaptureDevice(file: stereo, name: "stereo", format: Self.mono16k, pacing: .unpaced)
        #expect(try Self.read(monoDevice, frames: 3, reads: 1).samples == [15, -20, 32_767])
    }

    @Test("a file of another rate is converted at open: same tone, same length, no delay; both channels of a stereo file")
    func rateConversion() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("door.wav")
        let stereo = AudioFormat(sampleRate: 16_000, channels: 2)
        try WAVFile(format: stereo, samples: Signals.sine(frequency: 440, rate: 16_000, seconds: 1, channels: 2)).write(to: path)
        let device = try WAVCaptureDevice(path: path, format: AudioFormat(sampleRate: 48_000, channels: 2), pacing: .unpaced)
        #expect(abs(device.fileFrames - 48_000) <= 2)
        let (read, _) = try Self.read(device, frames: 960, reads: 50)
        let left = read.enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
        let right = read.enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
        #expect(left == right)
        #expect(abs(Signals.zeroCrossingsPerSecond(left[480..<47_000], rate: 48_000) - 880) < 10)
        // The resampler's delay is taken off: the tone is there from the first millisecond.
        #expect(Signals.rms(left[0..<96]) > 1_000)

        let down = try WAVCaptureDevice(
            file: WAVFile(format: AudioFormat(sampleRate: 48_000), samples: Signals.sine(frequency: 1_000, rate: 48_000, seconds: 0.5)),
            name: "48k", format: AudioFormat(sampleRate: 8_000), pacing: .unpaced)
        #expect(abs(down.fileFrames - 4_000) <= 2)
        let (downRead, _) = try Self.read(down, frames: 160, reads: 25)
        #expect(abs(Signals.zeroCrossingsPerSecond(downRead[100..<3_900], rate: 8_000) - 2_000) < 20)
    }

    @Test("a file of another channel layout is refused naming the file and both formats")
    func formatMismatch() throws {
        let directory = try TemporaryDirectory()
        let three = WAVFile(format: AudioFormat(sampleRate: 16_000, channels: 3), samples: [0, 0, 0])
        let error = #expect(throws: AudioDeviceError.self) {
            try WAVCaptureDevice(file: three, name: "three", format: AudioFormat(sampleRate: 16_000, channels: 2))
        }
        #expect(error?.device == "three")
        #expect(error?.reason.contains("16000 Hz, 3 ch") == true)
        #expect(error?.reason.contains("16000 Hz, 2 ch") == true)
        let missing = #expect(throws: AudioDeviceError.self) {
            try WAVCaptureDevice(path: directory.file("missing.wav"), format: Self.mono16k)
        }
        #expect(missing?.device == directory.file("missing.wav"))
    }

    @Test("paced capture does not return before the frames would have been captured")
    func pacedCapture() throws {
        let device = try WAVCaptureDevice(
            file: WAVFile(format: Self.mono16k, samples: DeviceTestSupport.ramp(1_600)), name: "ramp",
            format: Self.mono16k, pacing: .paced)
        let start = DeviceTestSupport.now()
        _ = try Self.read(device, frames: 320, reads: 4)  // 4 × 20 ms
        let elapsed = DeviceTestSupport.now() - start
        #expect(elapsed >= 78_000_000, "\(elapsed) ns for 80 ms of audio")
    }

    @Test("playback records exactly, counts what is beyond its capacity, and close writes the file")
    func playbackRecords() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("heard.wav")
        let format = AudioFormat(sampleRate: 8_000, channels: 2)
        // 0.05 s at 8 kHz: 400 frames.
        let device = try WAVPlaybackDevice(path: path, format: format, capacitySeconds: 0.05, emulatedDelayFrames: 240)
        #expect(device.capacityFrames == 400)
        #expect(device.delayFrames() == 240)
        device.emulatedDelayFrames = 80
        #expect(device.delayFrames() == 80)
        let samples = DeviceTestSupport.ramp(2 * 480)
        for start in stride(from: 0, to: samples.count, by: 320) {
            #expect(try samples[start..<start + 320].withUnsafeBufferPointer { try device.write($0) } == 160)
        }
        #expect(device.recordedFrames == 400)
        #expect(device.droppedFrames == 80)
        #expect(device.recordedSamples == Array(samples[0..<800]))
        device.close()
        #expect(device.fileError == nil)
        let file = try WAVFile(contentsOf: path)
        #expect(file.format == format)
        #expect(file.samples == Array(samples[0..<800]))
        #expect(device.recordedSamples == Array(samples[0..<800]), "still readable after close")
        #expect(throws: AudioDeviceError.self) { try samples.withUnsafeBufferPointer { try device.write($0) } }
    }

    @Test("a file that cannot be written is reported, not lost")
    func playbackFileError() throws {
        let device = try WAVPlaybackDevice(path: "/nonexistent/dir/heard.wav", format: Self.mono16k, capacitySeconds: 0.01)
        #expect(throws: AudioDeviceError.self) { try device.finish() }
        #expect(device.fileError?.device == "/nonexistent/dir/heard.wav")
        #expect(throws: AudioDeviceError.self) {
            try WAVPlaybackDevice(path: nil, format: Self.mono16k, capacitySeconds: -1)
        }
    }

    @Test("paced playback does not return before the frames would have been played")
    func pacedPlayback() throws {
        let device = try WAVPlaybackDevice(path: nil, format: Self.mono16k, capacitySeconds: 1, pacing: .paced)
        let period = [Int16](repeating: 7, count: 320)
        let start = DeviceTestSupport.now()
        for _ in 0..<4 { _ = try period.withUnsafeBufferPointer { try device.write($0) } }
        let elapsed = DeviceTestSupport.now() - start
        #expect(elapsed >= 78_000_000, "\(elapsed) ns for 80 ms of audio")
        #expect(device.recordedFrames == 1_280)
    }
}
