import Audio
import Foundation
import Glibc
import RTP

/// `Benchmarks audio`: the whole per-frame cost of the audio engine. One engine runs a call
/// as fast as it can, cycle by cycle (``AudioEngine/runCycle()``, the code its real-time
/// thread runs): a WAV file as the microphone (unpaced), echo cancellation and noise
/// suppression, encoding; after each cycle its encoded frame is looped back into its own
/// jitter buffer (the network side), to be decoded, resampled and written to a null
/// loudspeaker (unpaced) at the next. Reports the processing time per 20 ms cycle (device
/// waits excluded) and the heap allocations per cycle, network side included (target 0).
struct AudioBenchmark {
    static let failure: Int32 = 1
    let options: AudioOptions

    func run() -> Int32 {
        AllocationCounter.preloadInterposerIfNeeded()
        do {
            let result = try measure(counter: AllocationCounter())
            print(options.json ? result.json : result.readable)
            return BenchmarkCommand.success
        } catch {
            Console.error("Benchmarks audio: \(error)")
            return Self.failure
        }
    }

    struct Result {
        var options: AudioOptions
        var statistics: AudioEngineStatistics
        var allocations: Int?
        var wallSeconds: Double
        var realtime: AudioEngine.RealtimeStatus?
        var looped: Int

        var allocationsPerFrame: Double? {
            allocations.map { Double($0) / Double(max(statistics.cycles, 1)) }
        }

        var json: String {
            let allocs = allocationsPerFrame.map { String(format: "%.3f", $0) } ?? "null"
            return "{\"bench\":\"audio\",\"codec\":\"\(options.codec)\",\"device_rate\":\(options.deviceRate),"
                + "\"channels\":\(options.channels),\"processing\":\(options.processing),\"cycles\":\(statistics.cycles),"
                + "\"us_per_frame\":\(String(format: "%.1f", statistics.meanProcessingMicroseconds)),"
                + "\"max_us_per_frame\":\(statistics.maximumProcessingMicroseconds),\"frame_ms\":20,"
                + "\"allocs_per_frame\":\(allocs),\"encoded\":\(statistics.framesEncoded),"
                + "\"decoded\":\(statistics.framesDecoded),\"concealed\":\(statistics.framesConcealed),"
                + "\"dropped\":\(statistics.outboundDropped),\"looped\":\(looped),"
                + "\"realtime_factor\":\(String(format: "%.4f", statistics.meanProcessingMicroseconds / 20_000))}"
        }

        var readable: String {
            let allocs = allocationsPerFrame.map { String(format: "%.3f", $0) } ?? "n/a"
            return "audio \(options.codec) @ \(options.deviceRate) Hz x\(options.channels)"
                + (options.processing ? "" : " (no processing)")
                + ": \(statistics.cycles) frames of 20 ms, "
                + String(format: "%.1f", statistics.meanProcessingMicroseconds) + " us/frame (max "
                + "\(statistics.maximumProcessingMicroseconds) us), \(allocs) allocs/frame, "
                + "decoded \(statistics.framesDecoded), concealed \(statistics.framesConcealed), "
                + String(format: "wall %.2f s", wallSeconds)
        }
    }

    private func measure(counter: AllocationCounter?) throws -> Result {
        let format = AudioFormat(sampleRate: options.deviceRate, channels: options.channels)
        let microphone = try WAVCaptureDevice(
            file: try microphoneFile(format: format), name: options.micPath ?? "speech-like signal", format: format,
            looping: false, pacing: .unpaced)
        let speaker = NullPlaybackDevice(format: format, pacing: .unpaced)
        let codec: AudioEngineCodec =
            switch options.codec {
            case "pcmu": .pcmu
            case "pcma": .pcma
            default: .opus(OpusConfiguration(sampleRate: 16_000))
            }
        let engine = try AudioEngine(
            configuration: AudioEngineConfiguration(
                deviceFormat: format, codec: codec,
                capture: CaptureProcessorConfiguration(
                    echoCancellation: options.processing, noiseSuppression: options.processing),
                realtimePriority: nil),
            capture: microphone, playback: speaker)
        guard var producer = engine.takeJitterProducer() else { throw BenchmarkFailure("no jitter producer") }
        var looped = 0
        var sequence: UInt16 = 0
        var timestamp: UInt32 = 0
        let started = Self.nowMicroseconds()
        // In lockstep on this thread: a cycle of the engine (the same code its real-time
        // thread runs), then the network side looping its frame back into its jitter buffer.
        var cycleFailure: AudioEngineError?
        let step = {
            do throws(AudioEngineError) {
                guard try engine.runCycle() else { return false }
            } catch {
                cycleFailure = error
                return false
            }
            looped += engine.drainOutbound { payload, samples, marker in
                _ = producer.put(
                    sequenceNumber: sequence, timestamp: timestamp,
                    arrivalMicroseconds: started + Int64(sequence) * Int64(options.periodMicroseconds),
                    marker: marker, payload: payload)
                sequence &+= 1
                timestamp &+= UInt32(samples)
            }
            return true
        }
        // One second of warm-up (lazy tables, first-touch pages), then the counted run.
        for _ in 0..<50 where step() {}
        let mallocs = counter?.countMallocs {
            while step() {}
        }
        if counter == nil {
            while step() {}
        }
        if let cycleFailure { throw cycleFailure }
        let wall = Double(Self.nowMicroseconds() - started) / 1e6
        engine.stop()
        return Result(
            options: options, statistics: engine.statistics, allocations: mallocs, wallSeconds: wall,
            realtime: engine.realtimeStatus, looped: looped)
    }

    /// The microphone: the given file or the built-in signal, repeated to `seconds`, in the
    /// device format (channels duplicated; rate converted when it differs).
    private func microphoneFile(format: AudioFormat) throws -> WAVFile {
        var source: [Int16]
        if let path = options.micPath {
            let file = try WAVFile(contentsOf: path)
            guard file.format == AudioFormat(sampleRate: 16_000, channels: 1) else {
                throw BenchmarkFailure("\(path) is \(file.format); --mic needs 16 kHz mono")
            }
            source = file.samples
        } else {
            source = Self.speechLike(seconds: 4)
        }
        var clip = SoundClip(samples: source, sampleRate: 16_000, loops: false)
        if format.sampleRate != 16_000 {
            clip = try SoundClip(
                wav: WAVFile(format: AudioFormat(sampleRate: 16_000), samples: source), sampleRate: format.sampleRate,
                loops: false)
        }
        let total = Int(options.seconds * Double(format.sampleRate))
        var samples: [Int16] = []
        samples.reserveCapacity(total * format.channels)
        while samples.count < total * format.channels, !clip.samples.isEmpty {
            for sample in clip.samples where samples.count < total * format.channels {
                for _ in 0..<format.channels { samples.append(sample) }
            }
        }
        return WAVFile(format: format, samples: samples)
    }

    /// A voice-like test signal: a 120-180 Hz harmonic voice under a syllable envelope with
    /// pauses, plus noise.
    static func speechLike(seconds: Double) -> [Int16] {
        let rate = 16_000.0
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        var phase = 0.0
        return (0..<Int(seconds * rate)).map { index in
            let t = Double(index) / rate
            let pitch = 150 + 30 * sin(2 * Double.pi * 0.7 * t)
            phase += 2 * Double.pi * pitch / rate
            var voice = 0.0
            for harmonic in 1...15 { voice += sin(Double(harmonic) * phase) / Double(harmonic) }
            let envelope = max(0, sin(2 * Double.pi * 3 * t)) * (t.truncatingRemainder(dividingBy: 2) < 1.6 ? 1 : 0)
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let noise = Double(Int64(bitPattern: seed) >> 40) / Double(1 << 23) * 30
            return Int16(max(-32_000, min(32_000, 5_000 * envelope * voice + noise)))
        }
    }

    static func nowMicroseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec) / 1_000
    }
}

/// A benchmark that could not run, and why.
struct BenchmarkFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
