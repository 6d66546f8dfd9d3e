@testable import Audio
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("CaptureProcessor: echo cancellation and suppression")
struct CaptureProcessorTests {
    static func process(_ scene: EchoScene, _ configuration: CaptureProcessorConfiguration = .init()) throws -> [Double] {
        var processor = try CaptureProcessor(configuration)
        return EchoSignals.run(&processor, far: scene.farPCM, mic: scene.micPCM)
    }

    /// ERLE (mic over out, power-weighted) over the frames where the echo is 10 dB above
    /// the noise, from `second` on.
    static func erle(_ scene: EchoScene, _ out: [Double], from second: Double) -> Double {
        EchoSignals.ratioDecibels(
            scene.mic, out, activity: scene.echo, threshold: scene.noisePower * 10, range: scene.from(second))
    }

    @Test("ERLE after convergence in rooms of other RT60 and bulk delay", arguments: [
        (0.15, 0.0, 300), (0.25, 30.0, 300), (0.35, 120.0, 500),
    ])
    func erleInRooms(rt60: Double, bulkMilliseconds: Double, echoPathMilliseconds: Int) throws {
        let scene = EchoScene(seconds: 6, rt60: rt60, bulkMilliseconds: bulkMilliseconds)
        var processor = try CaptureProcessor(.init(maximumEchoPathMilliseconds: echoPathMilliseconds))
        let out = EchoSignals.run(&processor, far: scene.farPCM, mic: scene.micPCM)
        let erle = Self.erle(scene, out, from: 3)
        #expect(erle >= 22, "ERLE \(erle) dB in RT60 \(rt60) s, bulk \(bulkMilliseconds) ms")
        // The delay found is that of the partition holding the echo's onset (8 ms each).
        let delay = try #require(processor.statistics.estimatedEchoDelayMilliseconds)
        #expect(abs(delay - bulkMilliseconds) <= 16, "estimated delay \(delay) ms")
    }

    @Test("double talk: the near talker keeps its level and the SNR improves clearly")
    func doubleTalk() throws {
        let scene = EchoScene(seconds: 8, rt60: 0.25, bulkMilliseconds: 30, nearSpan: 4.0...6.5)
        let out = try Self.process(scene, .init(maximumEchoPathMilliseconds: 300))
        let figures = EchoSignals.doubleTalk(
            near: scene.near, mic: scene.mic, out: out, echo: scene.echo, range: scene.from(4.0))
        #expect(abs(figures.nearLevel) <= 1.5, "near level \(figures.nearLevel) dB")
        #expect(figures.snrOut >= figures.snrIn + 8, "SNR in \(figures.snrIn) dB, out \(figures.snrOut) dB")
        // And the far-end-only part after the talker is still cancelled.
        let erle = EchoSignals.ratioDecibels(
            scene.mic, out, activity: scene.echo, threshold: scene.noisePower * 10,
            range: Int(6.7 * Double(EchoSignals.rate))..<scene.mic.count)
        #expect(erle >= 20, "ERLE after double talk \(erle) dB")
    }

    /// In a noisy room the linear filter's ERLE estimate stays low however well it fits (the
    /// error is mostly noise); the double-talk detector must arm all the same, or the
    /// post-filter's single-talk suppression eats the talker's onsets.
    @Test("double talk in a noisy room: the talker is detected and keeps its level")
    func doubleTalkInNoise() throws {
        let scene = EchoScene(
            seconds: 9, rt60: 0.25, bulkMilliseconds: 200, echoDecibels: -5, noiseLevel: -47,
            nearSpan: 5.0...7.5, seed: 5)
        var processor = try CaptureProcessor(.init())
        let out = EchoSignals.run(&processor, far: scene.farPCM, mic: scene.micPCM)
        let figures = EchoSignals.doubleTalk(
            near: scene.near, mic: scene.mic, out: out, echo: scene.echo, range: scene.from(5.0))
        #expect(abs(figures.nearLevel) <= 1, "near level \(figures.nearLevel) dB")
        #expect(figures.snrOut >= figures.snrIn + 8, "SNR in \(figures.snrIn) dB, out \(figures.snrOut) dB")
    }

    /// The loudspeaker or the microphone moves (a unit remounted, its housing opened): the
    /// echo path changes at once, with the far end talking. The error then looks like double
    /// talk, so only the background filter, which adapts through it, can learn the new path;
    /// once it explains the microphone far better than the foreground, it must be taken.
    @Test("an echo path change with the far end talking is followed: erle back above 12 dB from 4 s after")
    func echoPathChange() throws {
        let seconds = 14.0, change = 5.0
        let rate = Double(EchoSignals.rate)
        let far = EchoSignals.talker(seconds: seconds, pitch: 115, seed: 3, level: -24)
        func echo(rt60: Double, bulkMilliseconds: Double, seed: UInt64, decibels: Double) -> [Double] {
            let echo = EchoSignals.convolve(far, EchoSignals.room(rt60: rt60, bulkMilliseconds: bulkMilliseconds, seed: seed))
            let level = EchoSignals.levelDBFS(echo[...]) - EchoSignals.levelDBFS(far[...])
            return EchoSignals.gained(echo, decibels - level)
        }
        let before = echo(rt60: 0.25, bulkMilliseconds: 30, seed: 41, decibels: -8)
        let after = echo(rt60: 0.3, bulkMilliseconds: 90, seed: 42, decibels: -4)
        let switchAt = Int(change * rate)
        let echoes = (0..<far.count).map { $0 < switchAt ? before[$0] : after[$0] }
        let noiseLevel = -55.0
        let mic = EchoSignals.sum(echoes, EchoSignals.noise(count: far.count, level: noiseLevel, seed: 43))
        var processor = try CaptureProcessor(.init())
        let out = EchoSignals.run(&processor, far: EchoSignals.pcm(far), mic: EchoSignals.pcm(mic))
        let threshold = pow(10, noiseLevel / 10) * 10
        func erle(from start: Double, to end: Double) -> Double {
            EchoSignals.ratioDecibels(
                mic, out, activity: echoes, threshold: threshold, range: Int(start * rate)..<min(Int(end * rate), mic.count))
        }
        #expect(erle(from: 3, to: change) >= 25, "ERLE before the change")
        // Before the path-change rule: 4.9 dB (the foreground frozen as if for a talker until
        // the 4 s limit of double talk); with it 15.4 dB.
        #expect(erle(from: change + 4, to: seconds) >= 12, "ERLE from 4 s after the change")
        #expect(processor.statistics.echoPathChanges >= 1)
        #expect(processor.statistics.filterRestarts == 0)
    }

    /// On a long echo path the echo of a word still arrives while the far end already pauses
    /// before the next: a pause of the far end must not end double talk at once (the
    /// post-filter would crush the talker under the arriving echo), only after the hangover.
    @Test("double talk holds through a pause of the far end, for its hangover only")
    func doubleTalkThroughFarPause() throws {
        let scene = EchoScene(seconds: 8, rt60: 0.25, bulkMilliseconds: 30, nearSpan: 4.0...7.5)
        var processor = try CaptureProcessor(.init(maximumEchoPathMilliseconds: 300))
        let frame = processor.frameSamples
        let far = scene.farPCM, mic = scene.micPCM
        let silence = [Int16](repeating: 0, count: frame)
        var out = [Int16](repeating: 0, count: frame)
        var pauseFrom: Int?
        var duringPause = [Bool]()
        for start in stride(from: 0, to: mic.count - frame + 1, by: frame) {
            let paused = pauseFrom.map { start >= $0 } ?? false
            let farFrame = paused ? silence[...] : far[start..<(start + frame)]
            farFrame.withUnsafeBufferPointer { f in
                mic[start..<(start + frame)].withUnsafeBufferPointer { m in
                    out.withUnsafeMutableBufferPointer { processor.process(far: f, mic: m, out: $0) }
                }
            }
            if paused {
                duringPause.append(processor.statistics.doubleTalkActive)
                if duringPause.count == 40 { break }
            } else if pauseFrom == nil, start >= 5 * EchoSignals.rate, processor.statistics.doubleTalkActive {
                pauseFrom = start + frame
            }
        }
        try #require(pauseFrom != nil, "no double talk flagged during the talker")
        #expect(duringPause.count == 40)
        // The hangover is 25 blocks of 8 ms: 200 ms, 20 frames.
        #expect(duringPause.prefix(15).allSatisfy { $0 }, "\(duringPause)")
        #expect(duringPause.suffix(15).allSatisfy { !$0 }, "\(duringPause)")
    }

    @Test("both stages off: the microphone comes out unchanged, latencySamples late, also after a reset")
    func bypass() throws {
        var processor = try CaptureProcessor(.init(echoCancellation: false, noiseSuppression: false))
        let frame = processor.frameSamples
        let mic = (0..<(frame * 40)).map { Int16(truncatingIfNeeded: ($0 * 7_919) % 60_000 - 30_000) }
        let far = [Int16](repeating: 12_000, count: frame)
        for round in 0..<2 {
            var out = [Int16]()
            for start in stride(from: 0, to: mic.count, by: frame) {
                var frameOut = [Int16](repeating: 0, count: frame)
                mic.withUnsafeBufferPointer { micBuffer in
                    far.withUnsafeBufferPointer { farBuffer in
                        frameOut.withUnsafeMutableBufferPointer { outBuffer in
                            processor.process(
                                far: farBuffer, mic: UnsafeBufferPointer(rebasing: micBuffer[start..<(start + frame)]), out: outBuffer)
                        }
                    }
                }
                out += frameOut
            }
            let latency = processor.latencySamples
            #expect(out.prefix(latency).allSatisfy { $0 == 0 }, "round \(round)")
            #expect(Array(out[latency...]) == Array(mic[..<(mic.count - latency)]), "round \(round)")
            processor.reset()
        }
    }

    @Test("far end silent: near speech passes nearly untouched")
    func nearAlone() throws {
        var scene = EchoScene(seconds: 3, rt60: 0.25, bulkMilliseconds: 30, nearSpan: 0.5...2.8)
        scene.far = [Double](repeating: 0, count: scene.far.count)
        scene.echo = [Double](repeating: 0, count: scene.far.count)
        scene.near = EchoSignals.scaled(scene.near, toActiveDBFS: -30)
        scene.mic = EchoSignals.sum(scene.near, scene.noise)
        let out = try Self.process(scene)
        var nn = 0.0, on = 0.0
        for i in scene.from(0.5) {
            nn += scene.near[i] * scene.near[i]
            on += out[i] * scene.near[i]
        }
        let level = 10 * log10(on / nn)
        #expect(abs(level) <= 1, "near level \(level) dB")
    }

    /// A housing that seals the loudspeaker from the microphone, or a headset: the far end
    /// talks, nothing of it reaches the microphone, and the visitor talks over it. No residual
    /// echo may be learnt from the visitor's voice.
    @Test("far end talking but no echo at all: the near talker passes untouched")
    func nearWithoutEcho() throws {
        var scene = EchoScene(seconds: 8, rt60: 0.25, bulkMilliseconds: 30, nearSpan: 1.0...7.5)
        scene.echo = [Double](repeating: 0, count: scene.far.count)
        scene.mic = EchoSignals.sum(scene.near, scene.noise)
        let out = try Self.process(scene)
        var nn = 0.0, on = 0.0, distortion = 0.0
        for i in scene.from(2.0) where scene.far[i] != 0 {
            nn += scene.near[i] * scene.near[i]
            on += out[i] * scene.near[i]
            distortion += (out[i] - scene.near[i]) * (out[i] - scene.near[i])
        }
        let level = 10 * log10(on / nn), snr = 10 * log10(nn / distortion)
        #expect(abs(level) <= 0.5, "near level \(level) dB")
        #expect(snr >= 18, "near talker over what the processing changed: \(snr) dB")
    }

    @Test("echoCancellation = false leaves the echo; noiseSuppression = false leaves the noise")
    func switches() throws {
        let scene = EchoScene(seconds: 5, rt60: 0.25, bulkMilliseconds: 30)
        let withoutCanceller = try Self.process(scene, .init(echoCancellation: false))
        let erle = Self.erle(scene, withoutCanceller, from: 3)
        #expect(erle < 8, "ERLE without the canceller \(erle) dB")
        let withCanceller = try Self.process(scene, .init(noiseSuppression: false, maximumEchoPathMilliseconds: 300))
        #expect(Self.erle(scene, withCanceller, from: 3) >= 20)

        // Noise only (far end silent).
        var quiet = scene
        quiet.far = [Double](repeating: 0, count: scene.far.count)
        quiet.mic = scene.noise
        let kept = try Self.process(quiet, .init(noiseSuppression: false))
        let suppressed = try Self.process(quiet, .init())
        let range = quiet.from(1)
        let input = EchoSignals.levelDBFS(quiet.mic[range])
        let keptLevel = EchoSignals.levelDBFS(kept[range]), suppressedLevel = EchoSignals.levelDBFS(suppressed[range])
        #expect(abs(keptLevel - input) <= 1, "noise \(input) dBFS in, \(keptLevel) out without suppression")
        #expect(suppressedLevel <= input - 6, "noise \(input) dBFS in, \(suppressedLevel) out with suppression")
    }

    @Test("full-scale and clipped input does not break later output")
    func fullScale() throws {
        let scene = EchoScene(seconds: 6, rt60: 0.2, bulkMilliseconds: 30)
        var far = scene.farPCM, mic = scene.micPCM
        // One second of full-scale square wave and clipped noise.
        var random = EchoSignals.Random(seed: 9)
        for i in 0..<EchoSignals.rate {
            far[i] = (i / 40) % 2 == 0 ? 32_767 : -32_768
            mic[i] = random.uniform() < 0.5 ? 32_767 : -32_768
        }
        var processor = try CaptureProcessor(.init(maximumEchoPathMilliseconds: 300))
        let out = EchoSignals.run(&processor, far: far, mic: mic)
        #expect(processor.statistics.clippedBlocks > 0)
        let erle = Self.erle(scene, out, from: 4)
        #expect(erle >= 20, "ERLE after the full-scale second \(erle) dB")
    }

    @Test("non-finite samples inside the pipeline do not poison it")
    func nonFinite() {
        let block = 128
        var canceller = AdaptiveEchoFilter(blockSamples: block, partitions: 8)
        var suppressor = ResidualEchoSuppressor(
            blockSamples: block, sampleRate: 16_000, echoSuppression: true, noiseSuppression: true)
        var far = [Float](repeating: 0, count: block), mic = far, error = far, echo = far, out = far
        var random = EchoSignals.Random(seed: 3)
        var finite = true
        for index in 0..<200 {
            for i in 0..<block {
                far[i] = Float(random.gaussian() * 0.05)
                mic[i] = 0.3 * far[i] + Float(random.gaussian() * 0.001)
            }
            if index == 50 {
                far[3] = .nan
                mic[5] = .infinity
                mic[6] = -.infinity
            }
            far.withUnsafeBufferPointer { f in
                mic.withUnsafeBufferPointer { m in
                    error.withUnsafeMutableBufferPointer { e in
                        echo.withUnsafeMutableBufferPointer { y in
                            canceller.process(far: f.baseAddress!, mic: m.baseAddress!, error: e.baseAddress!, echo: y.baseAddress!)
                            var delayed = [Float](repeating: .nan, count: block + 8)
                            let talkerShare = [Float](repeating: .nan, count: block + 8)
                            delayed.withUnsafeMutableBufferPointer { d in
                                talkerShare.withUnsafeBufferPointer { t in
                                    out.withUnsafeMutableBufferPointer { o in
                                        suppressor.process(
                                            mic: m.baseAddress!, error: UnsafePointer(e.baseAddress!), echo: UnsafePointer(y.baseAddress!),
                                            farActive: true, doubleTalk: false,
                                            delayedFarPower: UnsafePointer(d.baseAddress!), tailDecay: .nan,
                                            talkerShare: t.baseAddress!, output: o.baseAddress!)
                                    }
                                }
                            }
                        }
                    }
                }
            }
            if index > 50 && !(error.allSatisfy(\.isFinite) && out.allSatisfy(\.isFinite)) { finite = false }
        }
        #expect(finite)
        #expect(canceller.erleDecibels > 10, "canceller still converges: \(canceller.erleDecibels) dB")
    }

    @Test("configuration errors name the key", arguments: [
        (CaptureProcessorConfiguration(sampleRate: 44_100), "audio.capture.sampleRate"),
        (CaptureProcessorConfiguration(sampleRate: 0), "audio.capture.sampleRate"),
        (CaptureProcessorConfiguration(maximumEchoPathMilliseconds: 10), "audio.capture.maximumEchoPathMilliseconds"),
        (CaptureProcessorConfiguration(maximumEchoPathMilliseconds: 60_000), "audio.capture.maximumEchoPathMilliseconds"),
    ])
    func configurationErrors(configuration: CaptureProcessorConfiguration, key: String) {
        #expect(throws: CaptureProcessorError.self) { _ = try CaptureProcessor(configuration) }
        do {
            _ = try CaptureProcessor(configuration)
        } catch {
            #expect(error.key == key)
            #expect(error.description.hasPrefix(key))
        }
    }

    @Test("8, 16, 32 and 48 kHz run with 10 ms frames", arguments: [8_000, 16_000, 32_000, 48_000])
    func rates(rate: Int) throws {
        var processor = try CaptureProcessor(.init(sampleRate: rate))
        #expect(processor.frameSamples == rate / 100)
        #expect(processor.latencySamples > 0 && processor.latencySamples < rate / 20)
        var random = EchoSignals.Random(seed: 5)
        let count = rate / 2
        let far = (0..<count).map { _ in Int16(random.gaussian() * 2_000) }
        let mic = far.map { $0 / 4 }
        var out = [Int16](repeating: 0, count: processor.frameSamples)
        for start in stride(from: 0, to: count - processor.frameSamples + 1, by: processor.frameSamples) {
            far[start..<(start + processor.frameSamples)].withUnsafeBufferPointer { f in
                mic[start..<(start + processor.frameSamples)].withUnsafeBufferPointer { m in
                    out.withUnsafeMutableBufferPointer { processor.process(far: f, mic: m, out: $0) }
                }
            }
        }
        #expect(processor.statistics.frames == count / processor.frameSamples)
        processor.reset()
        #expect(processor.statistics.frames == 0)
    }
}
