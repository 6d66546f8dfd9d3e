import Audio
import Testing

@Suite("SpeexCaptureProcessor: the speexdsp baseline")
struct SpeexCaptureProcessorTests {
    @Test("runs and cancels echo")
    func cancels() throws {
        let scene = EchoScene(seconds: 5, rt60: 0.2, bulkMilliseconds: 30)
        var processor = try SpeexCaptureProcessor(.init())
        let far = scene.farPCM, mic = scene.micPCM
        var out = [Int16](repeating: 0, count: mic.count)
        let frame = processor.frameSamples
        for start in stride(from: 0, to: mic.count - frame + 1, by: frame) {
            far[start..<(start + frame)].withUnsafeBufferPointer { f in
                mic[start..<(start + frame)].withUnsafeBufferPointer { m in
                    out[start..<(start + frame)].withUnsafeMutableBufferPointer { processor.process(far: f, mic: m, out: $0) }
                }
            }
        }
        // speex_preprocess delays by one frame.
        let aligned = Array(EchoSignals.double(out).dropFirst(frame)) + [Double](repeating: 0, count: frame)
        let erle = CaptureProcessorTests.erle(scene, aligned, from: 3)
        #expect(erle >= 10, "speexdsp ERLE \(erle) dB")
        #expect(throws: CaptureProcessorError.self) { _ = try SpeexCaptureProcessor(.init(sampleRate: 11_025)) }
    }
}
