import RTP
import Testing

@Suite("G.711 µ-law and A-law (ITU-T G.711)")
struct G711Tests {
    @Test("the full 256-entry decode tables match the reference")
    func decodeTables() {
        #expect(G711.muLawDecodeTable == G711Reference.muLaw)
        #expect(G711.aLawDecodeTable == G711Reference.aLaw)
        for code in 0...255 {
            #expect(G711.muLawDecode(UInt8(code)) == G711Reference.muLaw[code])
            #expect(G711.aLawDecode(UInt8(code)) == G711Reference.aLaw[code])
        }
    }

    @Test("known codes: zeros, extremes and segment boundaries", arguments: [
        // (linear, µ-law code, A-law code), from a separate decision-interval script.
        (Int16(0), UInt8(0xFF), UInt8(0xD5)),
        (-1, 0x7F, 0x55),
        (32_767, 0x80, 0xAA),
        (-32_768, 0x00, 0x2A),
        (32_124, 0x80, 0xAA),
        (8, 0xFE, 0xD5),
        (-8, 0x7E, 0x55),
        (100, 0xF2, 0xD3),
        (-100, 0x72, 0x53),
        (132, 0xEF, 0xDD),
        (-132, 0x6F, 0x5D),
        (255, 0xE7, 0xDA),
        (256, 0xE7, 0xC5),      // A-law segment 1 starts at 256 (32 in 13-bit units)
        (-256, 0x67, 0x5A),
        (4_000, 0xAF, 0x9A),
        (4_095, 0xAF, 0x9A),
        (4_096, 0xAF, 0x85),    // A-law segment 5 starts at 4096 (512 in 13-bit units)
    ] as [(Int16, UInt8, UInt8)])
    func knownCodes(linear: Int16, mu: UInt8, a: UInt8) {
        #expect(G711.muLawEncode(linear) == mu)
        #expect(G711.aLawEncode(linear) == a)
    }

    @Test("every code survives decode then encode (µ-law's negative zero becomes positive zero)")
    func codeRoundTrip() {
        for code in 0...255 {
            let byte = UInt8(code)
            #expect(G711.aLawEncode(G711.aLawDecode(byte)) == byte, "A-law \(code)")
            let expected: UInt8 = byte == 0x7F ? 0xFF : byte
            #expect(G711.muLawEncode(G711.muLawDecode(byte)) == expected, "µ-law \(code)")
        }
    }

    @Test("encoding is monotonic and within one step of the input, for every 16-bit sample")
    func quantisation() {
        var previousMu = Int16.min
        var previousA = Int16.min
        for value in Int32(Int16.min)...Int32(Int16.max) {
            let sample = Int16(value)
            let mu = G711.muLawDecode(G711.muLawEncode(sample))
            let a = G711.aLawDecode(G711.aLawEncode(sample))
            #expect(mu >= previousMu && a >= previousA, "not monotonic at \(sample)")
            previousMu = mu
            previousA = a
            // Step sizes: µ-law 8 << segment (16-bit units), A-law 16 << max(segment - 1, 0);
            // at most 1024 for both; beyond the clip point µ-law saturates at ±32124.
            if abs(value) <= 32_000 {
                #expect(abs(Int32(mu) - value) <= 512, "µ-law error at \(sample)")
                #expect(abs(Int32(a) - value) <= 512, "A-law error at \(sample)")
            }
            // The code's sign follows the sample's (zero and -1..-7 may round to either zero).
            if abs(value) >= 16 {
                #expect((mu < 0) == (value < 0) && (a < 0) == (value < 0))
            }
        }
    }

    @Test("buffer functions convert as many as the shorter buffer holds")
    func buffers() {
        let samples: [Int16] = [0, 1_000, -1_000, 32_767, -32_768, 42, -42, 7_000]
        var mu = [UInt8](repeating: 0, count: samples.count)
        var a = [UInt8](repeating: 0, count: samples.count)
        samples.withUnsafeBufferPointer { input in
            mu.withUnsafeMutableBytes { #expect(G711.encodeMuLaw(input, into: $0) == samples.count) }
            a.withUnsafeMutableBytes { #expect(G711.encodeALaw(input, into: $0) == samples.count) }
        }
        #expect(mu == samples.map(G711.muLawEncode))
        #expect(a == samples.map(G711.aLawEncode))
        var decoded = [Int16](repeating: 0, count: 4)
        mu.withUnsafeBytes { codes in
            decoded.withUnsafeMutableBufferPointer { #expect(G711.decodeMuLaw(codes, into: $0) == 4) }
        }
        #expect(decoded == mu.prefix(4).map(G711.muLawDecode))
        a.withUnsafeBytes { codes in
            decoded.withUnsafeMutableBufferPointer { #expect(G711.decodeALaw(codes, into: $0) == 4) }
        }
        #expect(decoded == a.prefix(4).map(G711.aLawDecode))
    }
}
