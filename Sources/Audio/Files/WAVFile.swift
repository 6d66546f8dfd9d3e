import Foundation

/// A whole RIFF/WAVE file in memory: PCM 16-bit, or 32-bit IEEE float (echo-path responses),
/// mono or interleaved. Reading checks every chunk against the file's size and names the byte
/// offset of what is wrong; writing makes canonical 16-bit PCM. Not for the real-time thread:
/// devices read the whole file before they start.
public struct WAVFile: Sendable, Hashable {
    /// Sample encodings this reader knows.
    public enum Encoding: Sendable, Hashable {
        /// Signed 16-bit little-endian integers (format tag 1).
        case pcm16
        /// 32-bit IEEE floats, full scale ±1.0 (format tag 3).
        case float32
    }

    /// Rate and channels.
    public var format: AudioFormat
    /// How the samples were stored in the file.
    public var encoding: Encoding
    /// The samples, interleaved, as 16-bit integers (floats scaled by 32768 and clipped).
    public var samples: [Int16]
    /// The samples, interleaved, as floats of full scale ±1.0 (16-bit divided by 32768).
    public var floatSamples: [Float]

    /// Frames (samples per channel).
    public var frameCount: Int { format.channels == 0 ? 0 : samples.count / format.channels }

    /// A 16-bit file of `samples` (interleaved) in `format`.
    public init(format: AudioFormat, samples: [Int16]) {
        self.format = format
        self.encoding = .pcm16
        self.samples = samples
        self.floatSamples = samples.map { Float($0) / 32_768 }
    }

    /// Parses a whole file's bytes.
    ///
    /// - Throws: ``WAVFileError`` with the byte offset of the first thing wrong.
    public init(bytes: [UInt8]) throws(WAVFileError) {
        var reader = WAVFileReader(bytes: bytes)
        let parsed = try reader.read()
        self.format = parsed.format
        self.encoding = parsed.encoding
        switch parsed.encoding {
        case .pcm16:
            self.samples = parsed.pcm
            self.floatSamples = parsed.pcm.map { Float($0) / 32_768 }
        case .float32:
            self.floatSamples = parsed.float
            self.samples = parsed.float.map { value in
                let scaled = (value * 32_768).rounded()
                if !(scaled == scaled) { return 0 }
                return Int16(max(-32_768, min(32_767, scaled)))
            }
        }
    }

    /// Reads and parses the file at `path`.
    public init(contentsOf path: String) throws(WAVFileError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw WAVFileError(offset: 0, reason: "cannot read \(path)")
        }
        try self.init(bytes: [UInt8](data))
    }

    /// The canonical 16-bit PCM encoding of this file (44-byte header, then the samples).
    public func pcm16Bytes() -> [UInt8] {
        let dataBytes = samples.count * 2
        var bytes: [UInt8] = []
        bytes.reserveCapacity(44 + dataBytes)
        func put32(_ value: Int) { withUnsafeBytes(of: UInt32(truncatingIfNeeded: value).littleEndian) { bytes += $0 } }
        func put16(_ value: Int) { withUnsafeBytes(of: UInt16(truncatingIfNeeded: value).littleEndian) { bytes += $0 } }
        bytes += Array("RIFF".utf8)
        put32(36 + dataBytes)
        bytes += Array("WAVEfmt ".utf8)
        put32(16)
        put16(1)
        put16(format.channels)
        put32(format.sampleRate)
        put32(format.sampleRate * format.channels * 2)
        put16(format.channels * 2)
        put16(16)
        bytes += Array("data".utf8)
        put32(dataBytes)
        for sample in samples { put16(Int(UInt16(bitPattern: sample))) }
        return bytes
    }

    /// Writes ``pcm16Bytes()`` to `path`, replacing it.
    public func write(to path: String) throws(WAVFileError) {
        guard FileManager.default.createFile(atPath: path, contents: Data(pcm16Bytes())) else {
            throw WAVFileError(offset: 0, reason: "cannot write \(path)")
        }
    }
}

/// Why bytes are not a WAV file this reader takes, and where.
public struct WAVFileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Byte offset in the file of what is wrong.
    public let offset: Int
    public let reason: String

    public init(offset: Int, reason: String) {
        self.offset = offset
        self.reason = reason
    }

    public var description: String { "WAV byte \(offset): \(reason)" }
}
