// Interim: the capture processor's contract, passing the microphone through, so that the
// engine builds while the echo canceller is written on its own branch. Replaced by
// Sources/Audio/EchoCancellation/ when that lands.

public struct CaptureProcessorConfiguration: Sendable, Hashable {
    public var sampleRate: Int
    public var echoCancellation: Bool
    public var noiseSuppression: Bool
    public var maximumEchoPathMilliseconds: Int
    public init(sampleRate: Int = 16_000, echoCancellation: Bool = true, noiseSuppression: Bool = true, maximumEchoPathMilliseconds: Int = 500) {
        self.sampleRate = sampleRate
        self.echoCancellation = echoCancellation
        self.noiseSuppression = noiseSuppression
        self.maximumEchoPathMilliseconds = maximumEchoPathMilliseconds
    }
}

public struct CaptureProcessorError: Error, Sendable, Hashable, CustomStringConvertible {
    public let description: String
}

public struct CaptureProcessor: ~Copyable {
    public let frameSamples: Int
    public var latencySamples: Int { 0 }
    public init(_ configuration: CaptureProcessorConfiguration) throws(CaptureProcessorError) {
        guard configuration.sampleRate == 16_000 else { throw CaptureProcessorError(description: "sampleRate: 16000 only") }
        frameSamples = configuration.sampleRate / 100
    }
    public mutating func process(far: UnsafeBufferPointer<Int16>, mic: UnsafeBufferPointer<Int16>, out: UnsafeMutableBufferPointer<Int16>) {
        _ = out.update(fromContentsOf: mic)
    }
}
