#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import RTP
import Synchronization

/// Everything the audio thread touches, allocated at `init`: the devices, the period buffers,
/// the resamplers, the capture processor, the codec and the jitter buffer's consumer half.
/// After the thread starts only that thread calls it; ``runCycle()`` neither allocates, nor
/// locks, nor logs.
final class AudioEngineCore: @unchecked Sendable {
    let capture: any AudioCaptureDevice
    let playback: any AudioPlaybackDevice
    let counters: AudioEngineCounters
    let outbound: EncodedFrameRing
    let localSounds: SoundMixer
    let sendSounds: SoundMixer

    private let channels: Int
    private let deviceFrames: Int
    private let processingFrames: Int
    private let periodMicroseconds: Int
    private let deviceRate: Int
    private var processor: CaptureProcessor
    private let codec: (any EngineFrameCodec)?
    private var consumer: JitterBufferConsumer
    private var history: FarEndHistory
    private let micResampler: Resampler?
    private let speakerResampler: Resampler?
    private let sendResampler: Resampler?
    private let receiveResampler: Resampler?

    // Period buffers.
    private let deviceIn: UnsafeMutableBufferPointer<Int16>
    private let deviceOut: UnsafeMutableBufferPointer<Int16>
    private let deviceMono: UnsafeMutableBufferPointer<Int16>
    private let mic: UnsafeMutableBufferPointer<Int16>
    private let far: UnsafeMutableBufferPointer<Int16>
    private let cleaned: UnsafeMutableBufferPointer<Int16>
    private let speaker: UnsafeMutableBufferPointer<Int16>
    private let codecPCM: UnsafeMutableBufferPointer<Int16>

    /// A descriptor written one byte after each frame queued on ``outbound`` (a non-blocking
    /// pipe the network side waits on), or -1. Set before the thread starts.
    var outboundNotification: Int32 = -1

    private var alignment = -1
    private var smoothedDelay = 0.0
    private var marker = true

    init(
        configuration: AudioEngineConfiguration, capture: any AudioCaptureDevice, playback: any AudioPlaybackDevice,
        consumer: consuming JitterBufferConsumer
    ) throws(AudioEngineError) {
        try configuration.validate()
        guard capture.format == configuration.deviceFormat else {
            throw AudioEngineError(key: "capture device", "delivers \(capture.format), the engine runs \(configuration.deviceFormat)")
        }
        guard playback.format == configuration.deviceFormat else {
            throw AudioEngineError(key: "playback device", "takes \(playback.format), the engine runs \(configuration.deviceFormat)")
        }
        self.capture = capture
        self.playback = playback
        counters = AudioEngineCounters()
        channels = configuration.deviceFormat.channels
        deviceRate = configuration.deviceFormat.sampleRate
        deviceFrames = configuration.deviceFormat.frames(milliseconds: configuration.periodMilliseconds)
        let rate = AudioEngineConfiguration.processingRate
        processingFrames = rate * configuration.periodMilliseconds / 1_000
        periodMicroseconds = configuration.periodMilliseconds * 1_000
        do {
            processor = try CaptureProcessor(configuration.capture)
        } catch {
            throw AudioEngineError(key: "capture", "\(error)")
        }
        guard processingFrames % processor.frameSamples == 0 else {
            throw AudioEngineError(key: "capture", "a \(processor.frameSamples)-sample frame does not divide a period")
        }
        switch configuration.codec {
        case .opus(let opus)?:
            do {
                codec = try OpusFrameCodec(configuration: opus, periodMilliseconds: configuration.periodMilliseconds)
            } catch {
                throw AudioEngineError(key: "codec.opus", "\(error)")
            }
        case .pcmu?: codec = G711FrameCodec(muLaw: true, periodMilliseconds: configuration.periodMilliseconds)
        case .pcma?: codec = G711FrameCodec(muLaw: false, periodMilliseconds: configuration.periodMilliseconds)
        case nil: codec = nil
        }
        self.consumer = consumer
        history = FarEndHistory(minimumCapacity: rate * 2)
        let codecRate = configuration.codec?.pcmRate(processingRate: rate) ?? rate
        do {
            micResampler = deviceRate == rate ? nil : try Resampler(inputRate: UInt32(deviceRate), outputRate: UInt32(rate))
            speakerResampler = deviceRate == rate ? nil : try Resampler(inputRate: UInt32(rate), outputRate: UInt32(deviceRate))
            sendResampler = codecRate == rate ? nil : try Resampler(inputRate: UInt32(rate), outputRate: UInt32(codecRate))
            receiveResampler = codecRate == rate ? nil : try Resampler(inputRate: UInt32(codecRate), outputRate: UInt32(rate))
        } catch {
            throw AudioEngineError(key: "resampler", "\(error)")
        }
        func buffer(_ count: Int) -> UnsafeMutableBufferPointer<Int16> {
            let buffer = UnsafeMutableBufferPointer<Int16>.allocate(capacity: count)
            buffer.initialize(repeating: 0)
            return buffer
        }
        deviceIn = buffer(deviceFrames * channels)
        deviceOut = buffer(deviceFrames * channels)
        deviceMono = buffer(deviceFrames)
        mic = buffer(processingFrames)
        far = buffer(processingFrames)
        cleaned = buffer(processingFrames)
        speaker = buffer(processingFrames)
        codecPCM = buffer(max(codec?.pcmSamplesPerFrame ?? 0, processingFrames))
        outbound = EncodedFrameRing(capacity: configuration.outboundCapacityFrames, slotBytes: 1_500)
        localSounds = SoundMixer(clips: configuration.sounds)
        sendSounds = SoundMixer(clips: configuration.sounds)
    }

    deinit {
        for buffer in [deviceIn, deviceOut, deviceMono, mic, far, cleaned, speaker, codecPCM] { buffer.deallocate() }
    }

    /// Writes `periods` periods of silence to the loudspeaker (and the echo reference) so that
    /// playback has a cushion before the first cycle.
    func prime(periods: Int) throws(AudioDeviceError) {
        deviceOut.update(repeating: 0)
        speaker.update(repeating: 0)
        for _ in 0..<periods {
            _ = try playback.write(UnsafeBufferPointer(deviceOut))
            history.append(UnsafeBufferPointer(speaker))
        }
    }

    /// One cycle: capture a period, cancel the echo, encode and queue it; play a period of
    /// what the jitter buffer holds (plus local sounds) and keep it as the echo reference.
    /// Returns false when the capture source has ended.
    func runCycle() throws(AudioDeviceError) -> Bool {
        let read = try capture.read(into: deviceIn)
        guard read > 0 else { return false }
        let started = Self.monotonicMicroseconds()
        if read < deviceFrames { counters.bump(counters.shortReads) }
        captureSide()
        receiveSide(now: started)
        let elapsed = Int(Self.monotonicMicroseconds() - started)
        counters.bump(counters.cycles)
        counters.totalProcessing.store(counters.totalProcessing.load(ordering: .relaxed) &+ elapsed, ordering: .relaxed)
        if elapsed > counters.maximumProcessing.load(ordering: .relaxed) {
            counters.maximumProcessing.store(elapsed, ordering: .relaxed)
        }
        if elapsed > periodMicroseconds { counters.bump(counters.lateCycles) }
        _ = try playback.write(UnsafeBufferPointer(deviceOut))
        return true
    }

    private func captureSide() {
        // Mix to mono at the device rate, then convert to the processing rate.
        if channels == 1 {
            _ = deviceMono.update(fromContentsOf: deviceIn)
        } else {
            for frame in 0..<deviceFrames {
                deviceMono[frame] = Int16(truncatingIfNeeded: (Int32(deviceIn[2 * frame]) + Int32(deviceIn[2 * frame + 1])) >> 1)
            }
        }
        convert(UnsafeBufferPointer(deviceMono), with: micResampler, into: mic)

        // The reference: what the loudspeaker played while this period was captured.
        let measured = (playback.delayFrames() + capture.delayFrames()) * AudioEngineConfiguration.processingRate / deviceRate
        align(toMeasuredDelay: measured)
        history.read(endingAt: history.written - alignment, into: far)
        let step = processor.frameSamples
        var offset = 0
        while offset + step <= processingFrames {
            processor.process(
                far: UnsafeBufferPointer(rebasing: far[offset..<offset + step]),
                mic: UnsafeBufferPointer(rebasing: mic[offset..<offset + step]),
                out: UnsafeMutableBufferPointer(rebasing: cleaned[offset..<offset + step]))
            offset += step
        }
        sendSounds.mix(into: cleaned)

        guard let codec else { return }
        let pcm = UnsafeMutableBufferPointer(rebasing: codecPCM[0..<codec.pcmSamplesPerFrame])
        convert(UnsafeBufferPointer(cleaned), with: sendResampler, into: pcm)
        var encoded = false
        let queued = outbound.push(samples: codec.rtpSamplesPerFrame, marker: marker) { packet in
            let bytes = codec.encode(UnsafeBufferPointer(pcm), into: packet)
            encoded = bytes > 0
            return bytes
        }
        if queued {
            counters.bump(counters.framesEncoded)
            marker = false
            if outboundNotification >= 0 {
                // Non-blocking: a full pipe means the network side has a wakeup pending already.
                var byte: UInt8 = 1
                _ = write(outboundNotification, &byte, 1)
            }
        } else if !encoded {
            counters.bump(counters.encodeFailures)
        }
    }

    private func receiveSide(now: Int64) {
        speaker.update(repeating: 0)
        if let codec {
            let pcm = UnsafeMutableBufferPointer(rebasing: codecPCM[0..<codec.pcmSamplesPerFrame])
            switch codec.play(&consumer, nowMicroseconds: now, into: pcm) {
            case .decoded: counters.bump(counters.framesDecoded)
            case .recoveredByFEC: counters.bump(counters.framesRecovered)
            case .concealed: counters.bump(counters.framesConcealed)
            case .silence: counters.bump(counters.silentTicks)
            }
            convert(UnsafeBufferPointer(pcm), with: receiveResampler, into: speaker)
        }
        localSounds.mix(into: speaker)
        history.append(UnsafeBufferPointer(speaker))
        convert(UnsafeBufferPointer(speaker), with: speakerResampler, into: deviceMono)
        if channels == 1 {
            _ = deviceOut.update(fromContentsOf: deviceMono)
        } else {
            for frame in 0..<deviceFrames {
                deviceOut[2 * frame] = deviceMono[frame]
                deviceOut[2 * frame + 1] = deviceMono[frame]
            }
        }
    }

    /// Holds the reference's delay steady: device delays wobble by up to a period from one
    /// read to the next, and the canceller follows small drifts itself, so the alignment moves
    /// only when the smoothed measurement is 5 ms away from it.
    private func align(toMeasuredDelay measured: Int) {
        let limit = history.capacity - processingFrames
        let clamped = max(0, min(measured, limit))
        if alignment < 0 {
            alignment = clamped
            smoothedDelay = Double(clamped)
        } else {
            smoothedDelay += (Double(clamped) - smoothedDelay) / 32
            if abs(smoothedDelay - Double(alignment)) > Double(AudioEngineConfiguration.processingRate / 200) {
                alignment = Int(smoothedDelay.rounded())
            }
        }
        counters.alignment.store(alignment, ordering: .relaxed)
    }

    /// Converts one period between rates (or copies when `resampler` is nil); a shortfall is
    /// zero-filled and counted.
    private func convert(
        _ input: UnsafeBufferPointer<Int16>, with resampler: borrowing Resampler?, into output: UnsafeMutableBufferPointer<Int16>
    ) {
        var produced = 0
        switch resampler {
        case .some(let converter):
            produced = (try? converter.process(input, into: output).produced) ?? 0
        case .none:
            let count = min(input.count, output.count)
            produced = UnsafeMutableBufferPointer(rebasing: output[0..<count])
                .update(fromContentsOf: UnsafeBufferPointer(rebasing: input[0..<count]))
        }
        if produced < output.count {
            output.extracting(produced...).update(repeating: 0)
            counters.bump(counters.resamplerShortfalls)
        }
    }

    static func monotonicMicroseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec) / 1_000
    }
}
