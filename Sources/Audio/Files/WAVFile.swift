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
    /// The samples, interleaved, as floats of full scale ±1.0: a float file's own values (which
    /// may exceed ±1.0), or the 16-bit samples divided by 32768 (made on each use).
    public var floatSamples: [Float] { floats ?? samples.map { Float($0) / 32_768 } }
    /// A float file's values as read; nil for a 16-bit file, whose floats follow from `samples`
    /// (a copy of every sample kept for nothing would double a clip's memory).
    private var floats: [Float]?

    /// Frames (samples per channel).
    public var frameCount: Int { format.channels == 0 ? 0 : samples.count / format.channels }

    /// A 16-bit file of `samples` (interleaved) in `format`.
    public init(format: AudioFormat, samples: [Int16]) {
        self.format = format
        self.encoding = .pcm16
        self.samples = samples
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
        case .float32:
            self.floats = parsed.float
            self.samples = parsed.float.map { value in
                let scaled = (value * 32_768).rounded()
                if !(scaled == scaled) { return 0 }
                return Int16(max(-32_768, min(32_767, scaled)))
            }
        }
    }

    /// Reads and parses the file at `path`.
    public init(contentsOf path: String) throws(WAVFileError) {
        try self.init(bytes: try Self.bytes(ofFile: path))
    }

    /// The whole file at `path` read into one array, without an intermediate `Data` (which,
    /// converted, held the file twice: a device opened for each call left that much more heap).
    static func bytes(ofFile path: String) throws(WAVFileError) -> [UInt8] {
        func failure(_ what: String) -> WAVFileError {
            WAVFileError(offset: 0, reason: "cannot \(what) \(path): \(String(cString: strerror(errno)))")
        }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure("open") }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw failure("stat") }
        var bytes = [UInt8](repeating: 0, count: max(Int(status.st_size), 0))
        var filled = 0
        while filled < bytes.count {
            let count = bytes.withUnsafeMutableBytes { buffer in
                read(descriptor, buffer.baseAddress.map { $0 + filled }, buffer.count - filled)
            }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw failure("read") }
            if count == 0 { break }  // shorter than it was a moment ago: parse what is there
            filled += count
        }
        if filled < bytes.count { bytes.removeLast(bytes.count - filled) }
        return bytes
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
