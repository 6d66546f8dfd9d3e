@testable import Audio
import Foundation
import Testing

/// The xrun/suspend recovery path. ALSA's null and file plugins keep no time, so they never
/// overrun or underrun; a debug-build seam replaces ALSA transfers by an error, and the real
/// `snd_pcm_recover` then runs on the null plugin.
@Suite("ALSA recovery from xruns and suspends")
struct ALSARecoveryTests {
    static func playback() throws -> ALSAPlaybackDevice {
        try ALSAPlaybackDevice(
            name: "silence", settings: ALSAPCMSettings(format: AudioFormat(sampleRate: 16_000), periodFrames: 160),
            configuration: ALSAConfiguration(text: "pcm.silence { type null }"))
    }

    @Test("an underrun, a suspend and a signal are recovered inside write; only the first two count")
    func recovers() throws {
        let device = try Self.playback()
        let period = [Int16](repeating: 3, count: 160)
        for (error, count) in [(-EPIPE, 1), (-ESTRPIPE, 2), (-EINTR, 2), (-EPIPE, 3)] {
            device.pcm.injectedError = error
            device.pcm.injectedFailures = 1
            #expect(try period.withUnsafeBufferPointer { try device.write($0) } == 160, "after \(error)")
            #expect(device.recoveries == count, "after \(error)")
        }
        device.close()
        #expect(device.recoveries == 3, "readable after close")
    }

    @Test("an overrun is recovered inside read")
    func captureRecovers() throws {
        let device = try ALSACaptureDevice(
            name: "silence", settings: ALSAPCMSettings(format: AudioFormat(sampleRate: 8_000), periodFrames: 80),
            configuration: ALSAConfiguration(text: "pcm.silence { type null }"))
        defer { device.close() }
        device.pcm.injectedError = -EPIPE
        device.pcm.injectedFailures = 2
        var buffer = [Int16](repeating: 0, count: 80)
        #expect(try buffer.withUnsafeMutableBufferPointer { try device.read(into: $0) } == 80)
        #expect(device.recoveries == 2)
    }

    @Test("other errors, and recoveries that keep failing, throw with ALSA's code")
    func givesUp() throws {
        let device = try Self.playback()
        defer { device.close() }
        let period = [Int16](repeating: 3, count: 160)
        device.pcm.injectedError = -EIO
        device.pcm.injectedFailures = 1
        let io = #expect(throws: AudioDeviceError.self) { try period.withUnsafeBufferPointer { try device.write($0) } }
        #expect(io?.code == -EIO)
        #expect(io?.operation == "write")
        #expect(io?.device == "silence")

        device.pcm.injectedError = -EPIPE
        device.pcm.injectedFailures = 100
        let stuck = #expect(throws: AudioDeviceError.self) { try period.withUnsafeBufferPointer { try device.write($0) } }
        #expect(stuck?.code == -EPIPE)
        #expect(stuck?.operation.contains("keeps failing") == true)
    }
}
