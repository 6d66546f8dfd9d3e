import Synchronization

/// A loudspeaker that records what it is given: tests read ``recordedSamples``, and `close`
/// writes a 16-bit WAV file when a path was given (the agent's `wav:` playback device).
///
/// The recording buffer is allocated once in `init` for `capacitySeconds`; frames written
/// beyond it are counted in ``droppedFrames`` and discarded, never allocated, so that `write`
/// stays allocation-free however long the device runs. Paced, each `write` returns when a
/// sound card would have played its frames; unpaced, at once. ``delayFrames()`` reports
/// ``emulatedDelayFrames``, to stand in for a card's output latency in echo tests.
///
/// - warning: `write` is used from one thread (the audio thread); the counters and the
///   emulated delay may be read or set from any thread, the samples once writing stopped.
public final class WAVPlaybackDevice: AudioPlaybackDevice, @unchecked Sendable {
    public let format: AudioFormat
    /// Where `close` writes the WAV file; nil records in memory only.
    public let path: String?
    /// Frames the recording holds at most.
    public let capacityFrames: Int
    /// Frames recorded so far.
    public var recordedFrames: Int { recorded.load(ordering: .relaxed) }
    /// Frames written after the recording was full, and discarded.
    public var droppedFrames: Int { dropped.load(ordering: .relaxed) }
    /// What ``delayFrames()`` reports.
    public var emulatedDelayFrames: Int {
        get { delay.load(ordering: .relaxed) }
        set { delay.store(newValue, ordering: .relaxed) }
    }
    /// Why `close` could not write the file, if it could not.
    public private(set) var fileError: AudioDeviceError?

    private let storage: UnsafeMutableBufferPointer<Int16>
    private var pacer: DevicePacer
    private let recorded = Atomic<Int>(0)
    private let dropped = Atomic<Int>(0)
    private let delay: Atomic<Int>
    private let closed = Atomic<Bool>(false)

    /// A recorder of up to `capacitySeconds` of `format`, written to `path` on `close` if given.
    ///
    /// - Throws: ``AudioDeviceError`` for a format with no channels or rate, or a negative or
    ///   absurd capacity (more than an hour).
    public init(
        path: String?, format: AudioFormat, capacitySeconds: Double, pacing: AudioDevicePacing = .unpaced,
        emulatedDelayFrames: Int = 0
    ) throws(AudioDeviceError) {
        let name = path ?? "wav recorder"
        guard format.channels >= 1, format.sampleRate >= 1 else {
            throw AudioDeviceError(device: name, operation: "open", reason: "cannot record \(format)")
        }
        guard capacitySeconds >= 0, capacitySeconds <= 3_600 else {
            throw AudioDeviceError(device: name, operation: "open", reason: "capacity of \(capacitySeconds) s (0 to 3600)")
        }
        self.format = format
        self.path = path
        self.capacityFrames = Int(capacitySeconds * Double(format.sampleRate))
        // Allocated, not filled: Int16 is a trivial type, only the recorded prefix is ever
        // read, and pages never written stay out of the resident set (a 10-minute capacity at
        // 48 kHz would otherwise cost 55 MB of RSS from the first call).
        self.storage = .allocate(capacity: capacityFrames * format.channels)
        self.pacer = DevicePacer(pacing: pacing, sampleRate: format.sampleRate)
        self.delay = Atomic(emulatedDelayFrames)
    }

    deinit {
        storage.deallocate()
    }

    /// The recording so far, interleaved (allocates: not for the audio thread).
    public var recordedSamples: [Int16] { Array(storage.prefix(recordedFrames * format.channels)) }

    /// The recording as a WAV file.
    public var recording: WAVFile { WAVFile(format: format, samples: recordedSamples) }

    public func write(_ samples: UnsafeBufferPointer<Int16>) throws(AudioDeviceError) -> Int {
        guard !closed.load(ordering: .relaxed) else {
            throw AudioDeviceError(device: path ?? "wav recorder", operation: "write", reason: "the device is closed")
        }
        let channels = format.channels
        let frames = samples.count / channels
        guard frames > 0, let source = samples.baseAddress, let target = storage.baseAddress else {
            if frames > 0 { dropped.add(frames, ordering: .relaxed) }
            pacer.advance(by: frames)
            return frames
        }
        let done = recorded.load(ordering: .relaxed)
        let kept = min(frames, capacityFrames - done)
        if kept > 0 {
            (target + done * channels).update(from: source, count: kept * channels)
            recorded.store(done + kept, ordering: .releasing)
        }
        if kept < frames { dropped.add(frames - kept, ordering: .relaxed) }
        pacer.advance(by: frames)
        return frames
    }

    public func delayFrames() -> Int { max(0, delay.load(ordering: .relaxed)) }

    /// Stops recording and writes the WAV file if a path was given (once).
    ///
    /// - Throws: ``AudioDeviceError`` naming the path when the file cannot be written.
    public func finish() throws(AudioDeviceError) {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        guard let path else { return }
        do {
            try recording.write(to: path)
        } catch {
            let failure = AudioDeviceError(device: path, operation: "write WAV file", reason: error.description)
            fileError = failure
            throw failure
        }
    }

    /// ``finish()``, keeping a failure in ``fileError``.
    public func close() {
        try? finish()
    }
}
