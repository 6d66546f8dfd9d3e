/// The chunk walk behind ``WAVFile/init(bytes:)``: RIFF header, `fmt `, `data`, every other
/// chunk skipped, every length checked against what is left.
struct WAVFileReader {
    struct Parsed {
        var format: AudioFormat
        var encoding: WAVFile.Encoding
        var pcm: [Int16] = []
        var float: [Float] = []
    }

    let bytes: [UInt8]

    func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
    func u32(_ at: Int) -> Int { u16(at) | u16(at + 2) << 16 }
    func tag(_ at: Int) -> String { String(decoding: bytes[at..<at + 4], as: UTF8.self) }

    mutating func read() throws(WAVFileError) -> Parsed {
        guard bytes.count >= 12 else { throw WAVFileError(offset: bytes.count, reason: "shorter than a RIFF header") }
        guard tag(0) == "RIFF" else { throw WAVFileError(offset: 0, reason: "no RIFF tag") }
        guard tag(8) == "WAVE" else { throw WAVFileError(offset: 8, reason: "RIFF form is not WAVE") }
        var offset = 12
        var formatInfo: (format: AudioFormat, encoding: WAVFile.Encoding)?
        while offset + 8 <= bytes.count {
            let id = tag(offset)
            let length = u32(offset + 4)
            let body = offset + 8
            if id == "data" && formatInfo == nil {
                throw WAVFileError(offset: offset, reason: "data chunk before the fmt chunk")
            }
            guard length <= bytes.count - body else {
                // A streamed file may leave the data length at its maximum: take what is there.
                if id == "data", let info = formatInfo {
                    return decode(info, from: body, length: (bytes.count - body) / 2 * 2)
                }
                throw WAVFileError(offset: offset + 4, reason: "chunk '\(id)' of \(length) bytes runs past the end")
            }
            switch id {
            case "fmt ":
                formatInfo = try readFormat(at: body, length: length)
            case "data":
                guard let info = formatInfo else { break }  // refused above
                return decode(info, from: body, length: length)
            default:
                break
            }
            offset = body + length + (length & 1)
        }
        throw WAVFileError(offset: offset, reason: formatInfo == nil ? "no fmt chunk" : "no data chunk")
    }

    private func readFormat(at body: Int, length: Int) throws(WAVFileError) -> (AudioFormat, WAVFile.Encoding) {
        guard length >= 16 else { throw WAVFileError(offset: body - 4, reason: "fmt chunk of \(length) bytes, need 16") }
        var formatTag = u16(body)
        let channels = u16(body + 2)
        let rate = u32(body + 4)
        let bits = u16(body + 14)
        if formatTag == 0xFFFE {
            guard length >= 40 else { throw WAVFileError(offset: body, reason: "extensible fmt chunk shorter than 40 bytes") }
            formatTag = u16(body + 24)
        }
        guard (1...32).contains(channels) else { throw WAVFileError(offset: body + 2, reason: "\(channels) channels") }
        guard (1_000...768_000).contains(rate) else { throw WAVFileError(offset: body + 4, reason: "sample rate \(rate)") }
        let format = AudioFormat(sampleRate: rate, channels: channels)
        switch (formatTag, bits) {
        case (1, 16): return (format, .pcm16)
        case (3, 32): return (format, .float32)
        default:
            throw WAVFileError(offset: body, reason: "format tag \(formatTag) with \(bits)-bit samples (16-bit PCM or 32-bit float only)")
        }
    }

    private func decode(_ info: (format: AudioFormat, encoding: WAVFile.Encoding), from body: Int, length: Int) -> Parsed {
        var parsed = Parsed(format: info.format, encoding: info.encoding)
        let frameBytes = info.format.channels * (info.encoding == .pcm16 ? 2 : 4)
        let usable = length / frameBytes * frameBytes
        switch info.encoding {
        case .pcm16:
            parsed.pcm.reserveCapacity(usable / 2)
            var at = body
            while at < body + usable {
                parsed.pcm.append(Int16(bitPattern: UInt16(u16(at))))
                at += 2
            }
        case .float32:
            parsed.float.reserveCapacity(usable / 4)
            var at = body
            while at < body + usable {
                parsed.float.append(Float(bitPattern: UInt32(u32(at))))
                at += 4
            }
        }
        return parsed
    }
}
