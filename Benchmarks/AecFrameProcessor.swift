import Audio

/// What `Benchmarks aec` needs of a capture processor, so that ``AecBenchmark`` runs
/// ``CaptureProcessor`` and ``SpeexCaptureProcessor`` through the same code.
protocol AecFrameProcessor: ~Copyable {
    var frameSamples: Int { get }
    mutating func process(far: UnsafeBufferPointer<Int16>, mic: UnsafeBufferPointer<Int16>, out: UnsafeMutableBufferPointer<Int16>)
    /// Output latency [samples], when the processor declares one.
    var latency: Int? { get }
    var echoDelayMilliseconds: Double? { get }
    /// The bulk delay the processor found [ms], when it says.
    var bulkDelayMilliseconds: Double? { get }
    var filterRestarts: Int? { get }
    /// Echo path changes the processor followed in double talk, when it says.
    var echoPathChanges: Int? { get }
    var doubleTalkBlocks: Int? { get }
    /// Whether the last frame was judged double talk, when the processor says.
    var doubleTalkActive: Bool? { get }
}

extension CaptureProcessor: AecFrameProcessor {
    var latency: Int? { latencySamples }
    var echoDelayMilliseconds: Double? { statistics.estimatedEchoDelayMilliseconds }
    var bulkDelayMilliseconds: Double? { statistics.estimatedBulkDelayMilliseconds }
    var filterRestarts: Int? { statistics.filterRestarts }
    var echoPathChanges: Int? { statistics.echoPathChanges }
    var doubleTalkBlocks: Int? { statistics.doubleTalkBlocks }
    var doubleTalkActive: Bool? { statistics.doubleTalkActive }
}

extension SpeexCaptureProcessor: AecFrameProcessor {
    var latency: Int? { nil }
    var echoDelayMilliseconds: Double? { nil }
    var bulkDelayMilliseconds: Double? { nil }
    var filterRestarts: Int? { nil }
    var echoPathChanges: Int? { nil }
    var doubleTalkBlocks: Int? { nil }
    var doubleTalkActive: Bool? { nil }
}
