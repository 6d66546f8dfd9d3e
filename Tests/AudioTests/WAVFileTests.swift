import Audio
import Foundation
import Testing

@Suite("WAV file reader and writer")
struct WAVFileTests {
    // MARK: Building files byte by byte

    static func le16(_ value: Int) -> [UInt8] { [UInt8(value & 0xFF), UInt8((value >> 8) & 0xFF)] }
    static func le32(_ value: Int) -> [UInt8] { le16(value & 0xFFFF) + le16((value >> 16) & 0xFFFF) }

    /// A chunk: id, length (`declared` or the body's), body, and the pad byte after an odd body.
    static func chunk(_ id: String, _ body: [UInt8], declared: Int? = nil, pad: Bool = true) -> [UInt8] {
        Array(id.utf8) + le32(declared ?? body.count) + body + (pad && body.count % 2 == 1 ? [0] : [])
    }

    /// A 16-byte `fmt ` body.
    static func fmtBody(tag: Int = 1, channels: Int = 1, rate: Int = 16_000, bits: Int = 16) -> [UInt8] {
        let blockAlign = channels * bits / 8
        return le16(tag) + le16(channels) + le32(rate) + le32(rate * blockAlign) + le16(blockAlign) + le16(bits)
    }

    /// RIFF header + chunks.
    static func riff(_ chunks: [UInt8]..., form: String = "WAVE", tag: String = "RIFF") -> [UInt8] {
        let body = chunks.flatMap { $0 }
        return Array(tag.utf8) + le32(4 + body.count) + Array(form.utf8) + body
    }

    static func pcm(_ samples: [Int16]) -> [UInt8] { samples.flatMap { le16(Int(UInt16(bitPattern: $0))) } }

    // MARK: Round trips and encodings

    @Test("16-bit files round trip through bytes and through a file")
    func roundTrip() throws {
        let format = AudioFormat(sampleRate: 48_000, channels: 2)
        let original = WAVFile(format: format, samples: [0, 1, -1, 32_767, -32_768, 1_234])
        let bytes = original.pcm16Bytes()
        #expect(bytes.count == 44 + 12)
        #expect(Array(bytes[0..<4]) == Array("RIFF".utf8))
        let parsed = try WAVFile(bytes: bytes)
        #expect(parsed == original)
        #expect(parsed.frameCount == 3)
        #expect(parsed.encoding == .pcm16)

        let directory = try TemporaryDirectory()
        try original.write(to: directory.file("a.wav"))
        #expect(try WAVFile(contentsOf: directory.file("a.wav")) == original)
        let missing = #expect(throws: WAVFileError.self) { try WAVFile(contentsOf: directory.file("missing.wav")) }
        #expect(missing?.description.contains("cannot open \(directory.file("missing.wav")): No such file") == true)
        let notAFile = #expect(throws: WAVFileError.self) { try WAVFile(contentsOf: directory.file("")) }
        #expect(notAFile?.description.contains("cannot read") == true, "a directory opens but does not read")
        #expect(try WAVFile(contentsOf: directory.file("a.wav")).floatSamples == original.samples.map { Float($0) / 32_768 })
    }

    @Test("32-bit float files scale to 16 bits, clip, and map NaN to 0")
    func float32() throws {
        let values: [Float] = [0, 0.5, -1, 1.5, -2, .nan, 1.0 / 32_768]
        let body = values.flatMap { Self.le32(Int($0.bitPattern)) }
        let file = try WAVFile(bytes: Self.riff(Self.chunk("fmt ", Self.fmtBody(tag: 3, bits: 32)), Self.chunk("data", body)))
        #expect(file.encoding == .float32)
        #expect(file.samples == [0, 16_384, -32_768, 32_767, -32_768, 0, 1])
        #expect(file.floatSamples[1] == 0.5)
        #expect(file.floatSamples[3] == 1.5, "floats are kept as they are")
    }

    @Test("WAVE_FORMAT_EXTENSIBLE takes its format from the sub-format GUID")
    func extensible() throws {
        func extensibleFmt(subformat: Int, channels: Int = 2, bits: Int = 16) -> [UInt8] {
            Self.fmtBody(tag: 0xFFFE, channels: channels, bits: bits) + Self.le16(22) + Self.le16(bits) + Self.le32(3)
                + Self.le16(subformat) + [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71]
        }
        let pcmFile = try WAVFile(bytes: Self.riff(Self.chunk("fmt ", extensibleFmt(subformat: 1)), Self.chunk("data", Self.pcm([5, -5]))))
        #expect(pcmFile.format == AudioFormat(sampleRate: 16_000, channels: 2))
        #expect(pcmFile.samples == [5, -5])
        let floatFile = try WAVFile(bytes: Self.riff(
            Self.chunk("fmt ", extensibleFmt(subformat: 3, channels: 1, bits: 32)), Self.chunk("data", Self.le32(Int(Float(0.25).bitPattern)))))
        #expect(floatFile.encoding == .float32)
        #expect(floatFile.samples == [8_192])
    }

    @Test("odd chunks are padded to even lengths; unknown chunks are skipped")
    func oddPadding() throws {
        let bytes = Self.riff(
            Self.chunk("LIST", [1, 2, 3]), Self.chunk("fmt ", Self.fmtBody()), Self.chunk("junk", [9]),
            Self.chunk("data", Self.pcm([7, 8, 9])))
        #expect(try WAVFile(bytes: bytes).samples == [7, 8, 9])
    }

    @Test("a data chunk cut short (a streamed or truncated file) yields the whole frames that are there")
    func truncatedData() throws {
        let full = Self.riff(Self.chunk("fmt ", Self.fmtBody(channels: 2)), Self.chunk("data", Self.pcm([1, 2, 3, 4, 5, 6])))
        // Cut inside the third frame: two whole stereo frames remain.
        #expect(try WAVFile(bytes: Array(full.dropLast(3))).samples == [1, 2, 3, 4])
        // A streamed file leaves the data length at its maximum.
        let streamed = Self.riff(Self.chunk("fmt ", Self.fmtBody()), Self.chunk("data", Self.pcm([1, 2]), declared: 0xFFFF_FFFF))
        #expect(try WAVFile(bytes: streamed).samples == [1, 2])
    }

    // MARK: Malformed files, each naming the byte offset

    static let malformedFiles: [(name: String, bytes: [UInt8], offset: Int, reason: String)] = [
        ("shorter than a header", Array("RIFF\u{0}\u{0}\u{0}\u{0}".utf8), 8, "shorter than a RIFF header"),
        ("not RIFF", riff(chunk("fmt ", fmtBody())).replacingPrefix("RIFX"), 0, "no RIFF tag"),
        ("not WAVE", riff(chunk("fmt ", fmtBody()), form: "AVI "), 8, "not WAVE"),
        ("fmt too short", riff(chunk("fmt ", Array(fmtBody()[0..<14])), chunk("data", [])), 16, "need 16"),
        ("chunk past the end", riff(chunk("fmt ", fmtBody(), declared: 100)), 16, "runs past the end"),
        ("data before fmt", riff(chunk("data", pcm([1])), chunk("fmt ", fmtBody())), 12, "before the fmt chunk"),
        ("truncated data before fmt", riff(chunk("data", pcm([1]), declared: 1_000)), 12, "before the fmt chunk"),
        ("no data", riff(chunk("fmt ", fmtBody())), 36, "no data chunk"),
        ("no fmt", riff(chunk("LIST", [1, 2])), 22, "no fmt chunk"),
        ("zero channels", riff(chunk("fmt ", fmtBody(channels: 0)), chunk("data", [])), 22, "0 channels"),
        ("absurd rate", riff(chunk("fmt ", fmtBody(rate: 100)), chunk("data", [])), 24, "sample rate 100"),
        ("8-bit PCM", riff(chunk("fmt ", fmtBody(bits: 8)), chunk("data", [])), 20, "8-bit"),
        ("A-law", riff(chunk("fmt ", fmtBody(tag: 6, bits: 8)), chunk("data", [])), 20, "format tag 6"),
        ("short extensible fmt", riff(chunk("fmt ", fmtBody(tag: 0xFFFE) + le16(0)), chunk("data", [])), 20, "extensible"),
    ]

    @Test("malformed files name the byte offset of what is wrong", arguments: malformedFiles)
    func malformed(name: String, bytes: [UInt8], offset: Int, reason: String) {
        let error = #expect(throws: WAVFileError.self, "\(name)") { try WAVFile(bytes: bytes) }
        #expect(error?.offset == offset, "\(name): \(error?.description ?? "no error")")
        #expect(error?.reason.contains(reason) == true, "\(name): \(error?.description ?? "no error")")
    }
}

extension [UInt8] {
    fileprivate func replacingPrefix(_ tag: String) -> [UInt8] { Array(tag.utf8) + self.dropFirst(tag.utf8.count) }
}
