import Audio
import Testing

@Suite("Null capture and playback devices")
struct NullDeviceTests {
    static let format = AudioFormat(sampleRate: 16_000, channels: 2)

    @Test("capture is whole frames of silence and throws once closed")
    func captureSilence() throws {
        let device = NullCaptureDevice(format: Self.format, pacing: .unpaced)
        var buffer = [Int16](repeating: 9, count: 321)  // 160 frames and a half
        #expect(try buffer.withUnsafeMutableBufferPointer { try device.read(into: $0) } == 160)
        #expect(buffer[0..<320].allSatisfy { $0 == 0 })
        #expect(device.delayFrames() == 0)
        device.close()
        #expect(throws: AudioDeviceError.self) { try buffer.withUnsafeMutableBufferPointer { try device.read(into: $0) } }
    }

    @Test("playback counts and discards, and throws once closed")
    func playbackDiscards() throws {
        let device = NullPlaybackDevice(format: Self.format, pacing: .unpaced)
        let samples = [Int16](repeating: 1, count: 640)
        #expect(try samples.withUnsafeBufferPointer { try device.write($0) } == 320)
        #expect(device.framesWritten == 320)
        device.close()
        #expect(throws: AudioDeviceError.self) { try samples.withUnsafeBufferPointer { try device.write($0) } }
    }

    @Test("paced devices do not return early")
    func paced() throws {
        let capture = NullCaptureDevice(format: Self.format, pacing: .paced)
        let playback = NullPlaybackDevice(format: Self.format, pacing: .paced)
        var buffer = [Int16](repeating: 0, count: 160 * 2)  // 10 ms
        let start = DeviceTestSupport.now()
        for _ in 0..<5 {
            _ = try buffer.withUnsafeMutableBufferPointer { try capture.read(into: $0) }
            _ = try buffer.withUnsafeMutableBufferPointer { try playback.write(UnsafeBufferPointer($0)) }
        }
        let elapsed = DeviceTestSupport.now() - start
        // Both clocks start together and each covers 50 ms.
        #expect(elapsed >= 48_000_000, "\(elapsed) ns for 50 ms of audio")
    }
}
