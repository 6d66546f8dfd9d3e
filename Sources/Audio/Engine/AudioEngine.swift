import RTP
import Synchronization

/// One call's (or one device pair's) audio: a real-time thread that, every period, reads the
/// microphone, cancels the loudspeaker's echo and suppresses noise, encodes and queues a frame
/// for the network side; then takes the frame due from the jitter buffer, decodes or conceals
/// it, mixes local sounds (ring, beep, ringback) and writes the loudspeaker, keeping what it
/// played as the echo canceller's reference at the measured device delay.
///
/// ```swift
/// let engine = try AudioEngine(configuration: config, capture: microphone, playback: speaker)
/// var producer = engine.takeJitterProducer()   // network thread: producer?.put(...)
/// try engine.start()
/// engine.drainOutbound { payload, samples, marker in session.sendAudio(...) }   // network thread
/// engine.stop()
/// ```
///
/// Everything the thread uses is allocated before ``start()``; in the loop it takes no lock,
/// allocates nothing, logs nothing and never awaits (`Benchmarks audio` counts allocations per
/// cycle). The network side talks to it through the lock-free jitter buffer (in) and a
/// single-producer/single-consumer ring of encoded frames (out).
public final class AudioEngine: @unchecked Sendable {
    /// The configuration it runs.
    public let configuration: AudioEngineConfiguration
    private let core: AudioEngineCore
    private var producer: JitterBufferProducer?
    private let stopRequested = Atomic<Bool>(false)
    private let lifecycle = Mutex<Lifecycle>(.idle)
    private let failureSlot = Mutex<AudioDeviceError?>(nil)
    private let devicesClosed = Atomic<Bool>(false)

    private enum Lifecycle {
        case idle
        case running(RealtimeThread)
        case offline
        case stopped
    }

    /// Whether the thread got SCHED_FIFO (nil before ``start()``).
    public private(set) var realtimeStatus: RealtimeStatus?

    /// The scheduling the audio thread got.
    public enum RealtimeStatus: Sendable, Hashable {
        /// SCHED_FIFO at this priority.
        case realtime(priority: Int32)
        /// Default scheduling, with the reason (for a warning in the log).
        case normal(reason: String)
    }

    /// An engine on two opened devices (both in `configuration.deviceFormat`).
    ///
    /// - Throws: ``AudioEngineError`` naming the configuration key or part at fault.
    public init(
        configuration: AudioEngineConfiguration, capture: any AudioCaptureDevice, playback: any AudioPlaybackDevice
    ) throws(AudioEngineError) {
        self.configuration = configuration
        let codec = configuration.codec
        let clockRate = codec?.rtpClockRate ?? 8_000
        let jitter: JitterBuffer
        do {
            jitter = try JitterBuffer(
                JitterBufferConfiguration(
                    clockRate: clockRate, samplesPerFrame: clockRate * configuration.periodMilliseconds / 1_000,
                    capacityFrames: configuration.jitterCapacityFrames))
        } catch {
            throw AudioEngineError(key: "jitterCapacityFrames", "\(error)")
        }
        let producer = jitter.producer
        core = try AudioEngineCore(configuration: configuration, capture: capture, playback: playback, consumer: jitter.consumer)
        self.producer = .some(producer)
    }

    /// The jitter buffer's producer half, for the network thread to put received packets in;
    /// nil after the first call.
    public func takeJitterProducer() -> JitterBufferProducer? {
        producer.take()
    }

    /// Makes the audio thread write one byte to `descriptor` (the write end of a non-blocking
    /// pipe) after each encoded frame it queues, so that the network side can wait on the pipe
    /// and send each frame as it comes (``RTPAudioBridge/sendPending()``) instead of polling
    /// ``drainOutbound(_:)``. Before ``start()`` only; the descriptor must stay open until
    /// ``stop()`` returns.
    ///
    /// - Throws: ``AudioEngineError`` after ``start()``.
    public func notifyOutbound(through descriptor: Int32) throws(AudioEngineError) {
        let error: AudioEngineError? = lifecycle.withLock { state in
            guard case .idle = state else { return AudioEngineError(key: "engine", "already started") }
            core.outboundNotification = descriptor
            return nil
        }
        if let error { throw error }
    }

    /// Primes the loudspeaker and starts the audio thread.
    ///
    /// - Throws: ``AudioEngineError`` when the engine already ran, priming fails, or no thread
    ///   could be created.
    public func start() throws(AudioEngineError) {
        let result: Result<RealtimeStatus, AudioEngineError> = lifecycle.withLock { state in
            guard case .idle = state else { return .failure(AudioEngineError(key: "engine", "already started")) }
            do {
                try core.prime(periods: configuration.playbackPrimingPeriods)
            } catch {
                return .failure(AudioEngineError(key: "playback device", "\(error)"))
            }
            core.counters.running.store(true, ordering: .releasing)
            let core = self.core
            let stop = StopFlag(engine: self)
            do throws(AudioEngineError) {
                let thread = try RealtimeThread(priority: configuration.realtimePriority) {
                    stop.engine.loop(core)
                }
                state = .running(thread)
                switch thread.status {
                case .realtime(let priority): return .success(.realtime(priority: priority))
                case .normal(let reason): return .success(.normal(reason: reason))
                }
            } catch {
                core.counters.running.store(false, ordering: .releasing)
                return .failure(error)
            }
        }
        switch result {
        case .success(let status): realtimeStatus = status
        case .failure(let error): throw error
        }
    }

    /// Runs one cycle on the calling thread instead of the audio thread (priming the
    /// loudspeaker first): for rendering a call offline, faster than real time, in lockstep
    /// with a network side of one's own (benchmarks, tests). Never mix with ``start()``.
    /// Returns false when the capture source has ended.
    ///
    /// - Throws: ``AudioEngineError`` when the engine runs its own thread or a device failed.
    public func runCycle() throws(AudioEngineError) -> Bool {
        let ready: AudioEngineError? = lifecycle.withLock { state in
            switch state {
            case .offline: return nil
            case .idle:
                do {
                    try core.prime(periods: configuration.playbackPrimingPeriods)
                } catch {
                    return AudioEngineError(key: "playback device", "\(error)")
                }
                state = .offline
                return nil
            case .running, .stopped: return AudioEngineError(key: "engine", "runCycle is for an engine without its thread")
            }
        }
        if let ready { throw ready }
        do {
            return try core.runCycle()
        } catch {
            throw AudioEngineError(key: "device", "\(error)")
        }
    }

    private struct StopFlag: @unchecked Sendable { let engine: AudioEngine }

    /// The thread's body: cycles until asked to stop, the capture source ends, or a device
    /// fails (kept in ``failure``).
    private func loop(_ core: AudioEngineCore) {
        while !stopRequested.load(ordering: .relaxed) {
            do {
                guard try core.runCycle() else { break }
            } catch {
                // Leaving the loop: not real-time any more.
                failureSlot.withLock { $0 = error }
                break
            }
        }
        core.counters.running.store(false, ordering: .releasing)
    }

    /// Stops the thread (within a period), waits for it, then closes both devices. Safe to call
    /// more than once and from any thread but the audio thread.
    public func stop() {
        stopRequested.store(true, ordering: .relaxed)
        waitUntilFinished()
    }

    /// Waits, without asking it to stop, until the thread ends by itself (its capture source
    /// ended or a device failed), then closes both devices. For finite sources: files, tests.
    public func waitUntilFinished() {
        let thread: RealtimeThread? = lifecycle.withLock { state in
            defer { state = .stopped }
            if case .running(let thread) = state { return thread }
            return nil
        }
        thread?.join()
        if !devicesClosed.exchange(true, ordering: .acquiringAndReleasing) {
            core.capture.close()
            core.playback.close()
        }
    }

    /// Whether the audio thread is cycling.
    public var isRunning: Bool { core.counters.running.load(ordering: .acquiring) }

    /// The device error that stopped the thread, if one did.
    public var failure: AudioDeviceError? { failureSlot.withLock { $0 } }

    /// Network side: hands `body` every encoded frame waiting, oldest first, with its RTP
    /// timestamp increment and marker bit. Returns how many. Call from one thread only.
    @discardableResult
    public func drainOutbound(_ body: (UnsafeRawBufferPointer, _ samples: Int, _ marker: Bool) -> Void) -> Int {
        core.outbound.drain(body)
    }

    /// Plays `configuration.sounds[index]` on the loudspeaker, into the call, or both, from its
    /// start (replacing what that path was playing). False when there is no such sound.
    @discardableResult
    public func play(_ index: Int, to destination: SoundDestination) -> Bool {
        switch destination {
        case .loudspeaker: core.localSounds.play(index)
        case .call: core.sendSounds.play(index)
        case .both: core.localSounds.play(index) && core.sendSounds.play(index)
        }
    }

    /// Stops the sound on `destination`.
    public func stopSound(_ destination: SoundDestination) {
        if destination != .call { core.localSounds.stop() }
        if destination != .loudspeaker { core.sendSounds.stop() }
    }

    /// Where ``play(_:to:)`` sends a sound.
    public enum SoundDestination: Sendable, Hashable {
        /// The local loudspeaker (ring, beep, ringback, busy).
        case loudspeaker
        /// The call: the remote party hears it (an announcement).
        case call
        case both
    }

    /// What the audio thread has done so far.
    public var statistics: AudioEngineStatistics {
        core.counters.snapshot(outboundDropped: core.outbound.dropped.load(ordering: .relaxed))
    }
}
