import Glibc

/// The capture-side processing of a door phone, in Swift: a linear echo canceller
/// (``AdaptiveEchoFilter``) followed by a residual-echo and noise suppressor
/// (``ResidualEchoSuppressor``), one 10 ms frame at a time.
///
/// ```
/// far (what the loudspeaker played) ─┐
/// mic ──► [10 ms → B-sample blocks] ─► canceller ─► suppressor ─► [blocks → 10 ms] ──► out
/// ```
///
/// Frames of ``frameSamples`` (10 ms) are regrouped into internal blocks of B samples (a power
/// of two near 8 ms: 128 at 16 kHz). The output lags the microphone by ``latencySamples``: B for
/// the suppressor's overlap-add plus what the regrouping needs (96 at 16 kHz, 224 in all).
///
/// Noncopyable: it owns its buffers, allocated at init and freed at deinit. ``process(far:mic:out:)``
/// allocates nothing, takes no lock, logs nothing and never suspends, so it may run on the
/// capture thread. Full-scale (clipped) input only pauses adaptation; a filter that diverges or
/// turns non-finite restarts by itself (``CaptureProcessorStatistics/filterRestarts``).
/// - warning: Not thread-safe; one thread processes one stream.
public struct CaptureProcessor: ~Copyable {
    /// The settings it was made with.
    public let configuration: CaptureProcessorConfiguration
    /// Samples per ``process(far:mic:out:)`` call: 10 ms (160 at 16 kHz).
    public let frameSamples: Int
    /// Algorithmic delay of the output behind the microphone [samples].
    public let latencySamples: Int
    /// What it has seen and estimated so far.
    public private(set) var statistics = CaptureProcessorStatistics()

    private let blockSamples: Int
    private var canceller: AdaptiveEchoFilter
    private var suppressor: ResidualEchoSuppressor
    /// Samples waiting for a whole block (capacity B + frame).
    private let farQueue: UnsafeMutablePointer<Float>
    private let micQueue: UnsafeMutablePointer<Float>
    private var queued = 0
    /// Processed samples waiting to go out (capacity 2 (B + frame)).
    private let outputQueue: UnsafeMutablePointer<Float>
    private var outputQueued = 0
    /// Zeros the output queue starts with, so that a frame is always ready.
    private let outputPrefill: Int
    private let errorBlock: UnsafeMutablePointer<Float>
    private let echoBlock: UnsafeMutablePointer<Float>
    /// With both stages off: the last block, so that the output keeps the suppressor's delay.
    private let bypassBlock: UnsafeMutablePointer<Float>

    /// A processor for `configuration`.
    ///
    /// - Throws: ``CaptureProcessorError`` naming the first key out of range.
    public init(_ configuration: CaptureProcessorConfiguration) throws(CaptureProcessorError) {
        try configuration.validate()
        self.configuration = configuration
        let frame = configuration.frameSamples
        let block = configuration.blockSamples
        self.frameSamples = frame
        self.blockSamples = block
        var a = frame, b = block
        while b != 0 { (a, b) = (b, a % b) }
        self.outputPrefill = block - a
        self.latencySamples = outputPrefill + block
        let pathSamples = configuration.maximumEchoPathMilliseconds * configuration.sampleRate / 1_000
        self.canceller = AdaptiveEchoFilter(blockSamples: block, partitions: (pathSamples + block - 1) / block)
        self.suppressor = ResidualEchoSuppressor(
            blockSamples: block, sampleRate: configuration.sampleRate,
            echoSuppression: configuration.echoCancellation, noiseSuppression: configuration.noiseSuppression)
        farQueue = .allocate(capacity: block + frame)
        micQueue = .allocate(capacity: block + frame)
        outputQueue = .allocate(capacity: 2 * (block + frame))
        errorBlock = .allocate(capacity: block)
        echoBlock = .allocate(capacity: block)
        bypassBlock = .allocate(capacity: block)
        farQueue.initialize(repeating: 0, count: block + frame)
        micQueue.initialize(repeating: 0, count: block + frame)
        outputQueue.initialize(repeating: 0, count: 2 * (block + frame))
        errorBlock.initialize(repeating: 0, count: block)
        echoBlock.initialize(repeating: 0, count: block)
        bypassBlock.initialize(repeating: 0, count: block)
        outputQueued = outputPrefill
    }

    deinit {
        farQueue.deallocate()
        micQueue.deallocate()
        outputQueue.deallocate()
        errorBlock.deallocate()
        echoBlock.deallocate()
        bypassBlock.deallocate()
    }

    /// Processes one frame.
    ///
    /// - Parameters:
    ///   - far: What the loudspeaker played, aligned by the caller as well as it can (device
    ///     delays); any bulk delay left, up to the configured echo path, is found and followed.
    ///   - mic: The captured frame.
    ///   - out: Receives the processed frame, ``latencySamples`` behind `mic`.
    ///   All three hold ``frameSamples``; a shorter `far` or `mic` is padded with silence and a
    ///   shorter `out` receives what fits.
    public mutating func process(
        far: UnsafeBufferPointer<Int16>, mic: UnsafeBufferPointer<Int16>, out: UnsafeMutableBufferPointer<Int16>
    ) {
        let frame = frameSamples, block = blockSamples
        let scale: Float = 1 / 32_768
        for i in 0..<frame {
            farQueue[queued + i] = i < far.count ? Float(far[i]) * scale : 0
            micQueue[queued + i] = i < mic.count ? Float(mic[i]) * scale : 0
        }
        queued += frame
        var start = 0
        while queued - start >= block {
            processBlock(far: farQueue + start, mic: micQueue + start)
            start += block
        }
        if start > 0 {
            let left = queued - start
            for i in 0..<left {
                farQueue[i] = farQueue[start + i]
                micQueue[i] = micQueue[start + i]
            }
            queued = left
        }
        let ready = min(frame, outputQueued)
        for i in 0..<min(frame, out.count) {
            let value = i < ready ? outputQueue[i] * 32_768 : 0
            if value >= 32_767 {
                out[i] = 32_767
            } else if value <= -32_768 {
                out[i] = -32_768
            } else if value.isFinite {
                out[i] = Int16(value.rounded())
            } else {
                out[i] = 0
            }
        }
        for i in 0..<(outputQueued - ready) { outputQueue[i] = outputQueue[ready + i] }
        outputQueued -= ready
        statistics.frames += 1
    }

    /// One internal block through the canceller and the suppressor, onto the output queue.
    private mutating func processBlock(far: UnsafeMutablePointer<Float>, mic: UnsafeMutablePointer<Float>) {
        let block = blockSamples
        guard configuration.echoCancellation || configuration.noiseSuppression else {
            // Nothing to cancel or suppress (a speakerphone that cancels its own echo): the
            // microphone as it is, one block late like the suppressor's overlap-add, without
            // its FFTs.
            (outputQueue + outputQueued).update(from: bypassBlock, count: block)
            bypassBlock.update(from: mic, count: block)
            outputQueued += block
            return
        }
        if configuration.echoCancellation {
            canceller.explainedShare = suppressor.explainedShare
            canceller.process(far: far, mic: mic, error: errorBlock, echo: echoBlock)
            statistics.doubleTalkActive = canceller.doubleTalk
            if canceller.doubleTalk { statistics.doubleTalkBlocks += 1 }
            if canceller.clipped { statistics.clippedBlocks += 1 }
            statistics.filterRestarts = canceller.restarts
            statistics.echoPathChanges = canceller.pathChanges
            statistics.echoReturnLossEnhancementDecibels = Double(canceller.erleDecibels)
            statistics.residualEchoLeakageDecibels = Double(10 * log10f(max(canceller.leakage, 1e-10)))
            statistics.estimatedBulkDelayMilliseconds = canceller.bulkDelayBlocks.map {
                Double($0) * Double(block) * 1_000 / Double(configuration.sampleRate)
            }
            statistics.estimatedEchoDelayMilliseconds = canceller.strongestPartition.map {
                (Double($0) + 0.5) * Double(block) * 1_000 / Double(configuration.sampleRate)
            }
        } else {
            for i in 0..<block {
                errorBlock[i] = mic[i]
                echoBlock[i] = 0
            }
        }
        suppressor.process(
            mic: mic, error: errorBlock, echo: echoBlock, farActive: configuration.echoCancellation && canceller.farActive && !canceller.doubleTalk,
            doubleTalk: configuration.echoCancellation && canceller.doubleTalk,
            delayedFarPower: canceller.delayedFarPower, tailDecay: canceller.tailDecay,
            talkerShare: canceller.talkerShare, doubleTalkHeld: canceller.doubleTalkHeld,
            output: outputQueue + outputQueued)
        outputQueued += block
    }

    /// Forgets the echo path, the noise estimate and the queued samples (a new call).
    public mutating func reset() {
        canceller.reset()
        suppressor.reset()
        queued = 0
        outputQueue.update(repeating: 0, count: 2 * (blockSamples + frameSamples))
        bypassBlock.update(repeating: 0, count: blockSamples)
        outputQueued = outputPrefill
        statistics = CaptureProcessorStatistics()
    }
}
