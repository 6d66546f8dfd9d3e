/// A snapshot of what an ``AudioEngine``'s audio thread has done, read from its counters
/// without stopping it.
public struct AudioEngineStatistics: Sendable, Hashable {
    /// Capture-process-play cycles completed.
    public var cycles = 0
    /// Cycles whose processing (everything but waiting for the devices) took longer than a
    /// period.
    public var lateCycles = 0
    /// The longest processing of one cycle [µs].
    public var maximumProcessingMicroseconds = 0
    /// Total processing time [µs], for the mean.
    public var totalProcessingMicroseconds = 0
    /// Encoded frames handed to the network side.
    public var framesEncoded = 0
    /// Frames that did not encode, and frames the full outbound ring dropped.
    public var encodeFailures = 0
    public var outboundDropped = 0
    /// Received frames decoded, rebuilt from FEC, concealed, and silent ticks.
    public var framesDecoded = 0
    public var framesRecovered = 0
    public var framesConcealed = 0
    public var silentTicks = 0
    /// Cycles where a resampler gave fewer samples than a period (zero-filled).
    public var resamplerShortfalls = 0
    /// Reads from a finite capture source that came back short (its end).
    public var shortReads = 0
    /// The echo reference's alignment: loudspeaker + microphone delay [samples at 16 kHz].
    public var echoPathAlignmentSamples = 0
    /// Whether the thread is running.
    public var running = false

    public init() {}

    /// Mean processing time of a cycle [µs].
    public var meanProcessingMicroseconds: Double {
        cycles == 0 ? 0 : Double(totalProcessingMicroseconds) / Double(cycles)
    }
}
