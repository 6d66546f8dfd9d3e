import Audio
import Testing

@Suite("Opus through libopus: encode, decode, concealment, FEC, DTX, fmtp")
struct OpusCodecTests {
    /// Encodes `pcm` in 20 ms frames and decodes every packet, returning the packets and the
    /// decoded signal.
    static func roundTrip(
        _ pcm: [Int16], configuration: OpusConfiguration, decoderRate: Int32? = nil
    ) throws -> (packets: [[UInt8]], decoded: [Int16]) {
        let encoder = try OpusAudioEncoder(configuration: configuration)
        let decoder = try OpusAudioDecoder(sampleRate: decoderRate ?? configuration.sampleRate, channels: configuration.channels)
        let frame = Int(configuration.sampleRate) / 50 * Int(configuration.channels)
        var packets: [[UInt8]] = []
        var decoded: [Int16] = []
        var packet = [UInt8](repeating: 0, count: 1_500)
        var output = [Int16](repeating: 0, count: 5_760 * 2)
        var start = 0
        while start + frame <= pcm.count {
            let length = try pcm[start..<(start + frame)].withUnsafeBufferPointer { input in
                try packet.withUnsafeMutableBytes { try encoder.encode(input, into: $0) }
            }
            packets.append(Array(packet[0..<length]))
            let samples = try packet[0..<length].withUnsafeBytes { bytes in
                try output.withUnsafeMutableBufferPointer { try decoder.decode(bytes, into: $0) }
            }
            decoded += output[0..<(samples * Int(configuration.channels))]
            start += frame
        }
        return (packets, decoded)
    }

    @Test("speech-like audio survives encode and decode at each rate, delayed by the look-ahead", arguments: [Int32(8_000), 16_000, 48_000])
    func roundTripSine(rate: Int32) throws {
        let pcm = Signals.speechLike(rate: Int(rate), seconds: 1)
        let configuration = OpusConfiguration(sampleRate: rate, bitrate: 32_000)
        let (packets, decoded) = try Self.roundTrip(pcm, configuration: configuration)
        #expect(packets.count == 50)
        #expect(decoded.count == pcm.count)
        let lookahead = Int(try OpusAudioEncoder(configuration: configuration).lookahead)
        #expect(lookahead > 0)
        let correlation = Signals.bestCorrelation(pcm, decoded, maxLag: lookahead * 2)
        #expect(correlation.value > 0.8, "correlation \(correlation)")
        #expect(abs(correlation.lag - lookahead) <= lookahead / 2 + 2, "lag \(correlation.lag), look-ahead \(lookahead)")
        let sine = Signals.sine(frequency: 440, rate: Int(rate), seconds: 1)
        let tail = try Self.roundTrip(sine, configuration: configuration).decoded[(sine.count / 2)...]
        #expect(abs(Signals.zeroCrossingsPerSecond(tail, rate: Int(rate)) - 880) < 20)
    }

    @Test("lost frames: concealment gives a full frame; FEC from the next packet gives frames back closer to the originals")
    func lossConcealmentAndFEC() throws {
        let rate: Int32 = 16_000
        // Speech-like (voiced harmonics with a syllable envelope, plus noise): SILK codes its
        // in-band FEC (LBRR) for frames its voice activity detector calls speech.
        let pcm = Signals.speechLike(rate: Int(rate), seconds: 2)
        let configuration = OpusConfiguration(sampleRate: rate, bitrate: 20_000, inbandFEC: true, expectedLossPercent: 20)
        let (packets, _) = try Self.roundTrip(pcm, configuration: configuration)
        let frame = Int(rate) / 50

        /// Decodes every packet, replacing packet `lost` by what `recoverLost` makes; returns
        /// the frame in place of the lost one.
        func frameInPlace(of lost: Int, _ recoverLost: (borrowing OpusAudioDecoder, inout [Int16]) throws -> Int) throws -> [Int16] {
            let decoder = try OpusAudioDecoder(sampleRate: rate)
            var output = [Int16](repeating: 0, count: 5_760)
            for index in 0..<lost {
                _ = try packets[index].withUnsafeBytes { bytes in
                    try output.withUnsafeMutableBufferPointer { try decoder.decode(bytes, into: $0) }
                }
            }
            let samples = try recoverLost(decoder, &output)
            #expect(samples == frame)
            return Array(output[0..<samples])
        }
        var fecFrames = 0
        var fecError = 0.0
        var plcError = 0.0
        for lost in stride(from: 20, to: 90, by: 7) {
            let concealed = try frameInPlace(of: lost) { decoder, output in
                try output.withUnsafeMutableBufferPointer { try decoder.conceal(samplesPerChannel: frame, into: $0) }
            }
            let recovered = try frameInPlace(of: lost) { decoder, output in
                try packets[lost + 1].withUnsafeBytes { next in
                    try output.withUnsafeMutableBufferPointer { try decoder.recover(lostFrameFrom: next, samplesPerChannel: frame, into: $0) }
                }
            }
            let reference = try frameInPlace(of: lost) { decoder, output in
                try packets[lost].withUnsafeBytes { bytes in
                    try output.withUnsafeMutableBufferPointer { try decoder.decode(bytes, into: $0) }
                }
            }
            #expect(Signals.rms(concealed[...]) > 10, "concealment of frame \(lost) is not silence")
            guard recovered != concealed else { continue }
            fecFrames += 1
            fecError += zip(recovered, reference).reduce(0.0) { $0 + pow(Double($1.0) - Double($1.1), 2) }
            plcError += zip(concealed, reference).reduce(0.0) { $0 + pow(Double($1.0) - Double($1.1), 2) }
        }
        #expect(fecFrames >= 3, "FEC data was used for \(fecFrames) of 10 lost frames")
        #expect(fecError < plcError / 2, "FEC error \(fecError) against concealment \(plcError)")
    }

    @Test("with DTX, silence is sent as packets of at most 2 bytes after the first frames")
    func dtx() throws {
        let silence = [Int16](repeating: 0, count: 48_000)
        let (packets, _) = try Self.roundTrip(silence, configuration: OpusConfiguration(sampleRate: 48_000, dtx: true))
        // Silence goes as 1-byte frames, with a refresh frame every 400 ms (20 frames).
        let tiny = packets.suffix(30).filter { $0.count <= 2 }.count
        #expect(tiny >= 26, "sizes \(packets.map(\.count))")
        let (speech, _) = try Self.roundTrip(
            Signals.sine(frequency: 440, rate: 48_000, seconds: 1), configuration: OpusConfiguration(sampleRate: 48_000, dtx: true))
        #expect(speech.suffix(30).allSatisfy { $0.count > 10 })
    }

    @Test("refused settings name what is wrong", arguments: [
        (OpusConfiguration(sampleRate: 44_100), "sampleRate"),
        (OpusConfiguration(channels: 3), "channels"),
        (OpusConfiguration(bitrate: 100), "bitrate"),
        (OpusConfiguration(expectedLossPercent: 101), "expectedLossPercent"),
        (OpusConfiguration(complexity: 11), "complexity"),
    ])
    func refusedSettings(configuration: OpusConfiguration, field: String) {
        do {
            _ = try OpusAudioEncoder(configuration: configuration)
            Issue.record("accepted \(configuration)")
        } catch {
            #expect(error.detail.hasPrefix(field), "\(error)")
        }
    }

    @Test("a frame that is not 2.5-60 ms, and a corrupt packet, are errors, not crashes")
    func badInput() throws {
        let encoder = try OpusAudioEncoder(configuration: OpusConfiguration(sampleRate: 48_000))
        var packet = [UInt8](repeating: 0, count: 1_500)
        let odd = [Int16](repeating: 0, count: 1_000)
        #expect(throws: OpusError.self) {
            try odd.withUnsafeBufferPointer { input in try packet.withUnsafeMutableBytes { try encoder.encode(input, into: $0) } }
        }
        let decoder = try OpusAudioDecoder(sampleRate: 48_000)
        var output = [Int16](repeating: 0, count: 5_760)
        // TOC code 3 (arbitrary frame count) with a frame count byte of 0: invalid.
        let corrupt: [UInt8] = [0x03, 0x00]
        #expect(throws: OpusError.self) {
            try corrupt.withUnsafeBytes { bytes in try output.withUnsafeMutableBufferPointer { try decoder.decode(bytes, into: $0) } }
        }
        #expect(corrupt.withUnsafeBytes { decoder.samplesPerChannel(in: $0) } == nil)
        let empty: [UInt8] = []
        #expect(throws: OpusError.self) {
            try empty.withUnsafeBytes { bytes in try output.withUnsafeMutableBufferPointer { try decoder.decode(bytes, into: $0) } }
        }
    }

    @Test("fmtp parameters (RFC 7587 §6.1): parsed, unknown ones ignored, bad values named, written back")
    func fmtp() throws {
        let parameters = try OpusFormatParameters(fmtp: "minptime=10;useinbandfec=1; maxplaybackrate=16000;stereo=0;x-new=7;usedtx=1")
        #expect(parameters.useInbandFEC)
        #expect(parameters.useDTX)
        #expect(!parameters.stereo)
        #expect(parameters.maxPlaybackRate == 16_000)
        #expect(parameters.fmtp == "maxplaybackrate=16000;stereo=0;useinbandfec=1;usedtx=1")
        #expect(try OpusFormatParameters(fmtp: parameters.fmtp) == parameters)
        let encoder = parameters.encoderConfiguration()
        #expect(encoder.inbandFEC && encoder.dtx && encoder.channels == 1)
        for bad in ["useinbandfec=yes", "maxplaybackrate=96000", "stereo=2", "maxaveragebitrate=12x"] {
            do {
                _ = try OpusFormatParameters(fmtp: bad)
                Issue.record("accepted \(bad)")
            } catch {
                let name = String(bad.prefix { $0 != "=" })
                #expect(error.detail.contains(name), "\(error)")
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
