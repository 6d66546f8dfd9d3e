/// G.711 µ-law and A-law (ITU-T G.711), between 16-bit linear PCM and 8-bit codes.
///
/// Decoding is a lookup in a 256-entry table built once from the G.711 segment rule; encoding
/// is exact bit logic (find the segment from the highest set bit, keep four mantissa bits).
/// Linear samples are 16-bit: G.711's 14-bit (µ-law) and 13-bit (A-law) values scaled by 4
/// and 8, as most software does.
///
/// The buffer functions are `@inlinable` loops over raw memory, with no allocation, for the
/// audio path:
///
/// ```swift
/// let count = G711.encodeMuLaw(samples, into: payload)   // 160 samples -> 160 bytes
/// ```
public enum G711 {
    /// µ-law's bias (33 in 14-bit units, times 4).
    @usableFromInline static let muLawBias: Int32 = 0x84
    /// The largest magnitude µ-law encodes before clipping (8159 in 14-bit units, times 4, minus the bias).
    @usableFromInline static let muLawClip: Int32 = 32_635

    /// The linear value of each µ-law code.
    public static let muLawDecodeTable: [Int16] = (0...255).map { muLawDecodeByRule(UInt8($0)) }

    /// The linear value of each A-law code.
    public static let aLawDecodeTable: [Int16] = (0...255).map { aLawDecodeByRule(UInt8($0)) }

    /// µ-law expansion from the segment rule: all bits inverted; sign, 3-bit segment, 4-bit
    /// mantissa; magnitude ((2m + 33) << e) − 33 in 14-bit units.
    static func muLawDecodeByRule(_ code: UInt8) -> Int16 {
        let inverted = ~code
        let segment = Int32((inverted >> 4) & 0x07)
        let mantissa = Int32(inverted & 0x0F)
        let magnitude = ((mantissa << 3 + muLawBias) << segment) - muLawBias
        return Int16(inverted & 0x80 != 0 ? -magnitude : magnitude)
    }

    /// A-law expansion from the segment rule: even bits inverted; sign (1 = positive), 3-bit
    /// segment, 4-bit mantissa; magnitude 2m + 1 in segment 0, (2m + 33) << (e − 1) above, in
    /// 13-bit units.
    static func aLawDecodeByRule(_ code: UInt8) -> Int16 {
        let toggled = code ^ 0x55
        let segment = Int32((toggled >> 4) & 0x07)
        let mantissa = Int32(toggled & 0x0F)
        let magnitude = segment == 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (segment - 1)
        return Int16(toggled & 0x80 != 0 ? magnitude : -magnitude)
    }

    // MARK: - One sample

    /// The µ-law code of `sample`.
    @inlinable
    public static func muLawEncode(_ sample: Int16) -> UInt8 {
        var value = Int32(sample)
        let sign: UInt8 = value < 0 ? 0x80 : 0
        if value < 0 { value = -value }
        value = min(value, muLawClip) + muLawBias
        // value is in 0x84...0x7FFF: its highest set bit is bit 7...14, the segment 0...7.
        let segment = UInt8(truncatingIfNeeded: (31 - value.leadingZeroBitCount) - 7)
        let mantissa = UInt8(truncatingIfNeeded: (value >> (Int32(segment) + 3)) & 0x0F)
        return ~(sign | segment << 4 | mantissa)
    }

    /// The linear value of µ-law `code`.
    @inlinable
    public static func muLawDecode(_ code: UInt8) -> Int16 {
        muLawDecodeTable.withUnsafeBufferPointer { $0[Int(code)] }
    }

    /// The A-law code of `sample`.
    @inlinable
    public static func aLawEncode(_ sample: Int16) -> UInt8 {
        var value = Int32(sample) >> 3
        let mask: UInt8
        if value >= 0 {
            mask = 0xD5
        } else {
            mask = 0x55
            value = -value - 1
        }
        // 13-bit magnitude 0...4095: segment 0 below 32, then one segment per doubling.
        guard value >= 32 else { return UInt8(truncatingIfNeeded: value >> 1) ^ mask }
        let segment = Int32(32 - value.leadingZeroBitCount) - 5
        let mantissa = (value >> segment) & 0x0F
        return UInt8(truncatingIfNeeded: segment << 4 | mantissa) ^ mask
    }

    /// The linear value of A-law `code`.
    @inlinable
    public static func aLawDecode(_ code: UInt8) -> Int16 {
        aLawDecodeTable.withUnsafeBufferPointer { $0[Int(code)] }
    }

    // MARK: - Buffers

    /// Encodes `samples` as µ-law into `output`; returns the number of codes written, the
    /// smaller of the two counts.
    @inlinable
    @discardableResult
    public static func encodeMuLaw(_ samples: UnsafeBufferPointer<Int16>, into output: UnsafeMutableRawBufferPointer) -> Int {
        let count = min(samples.count, output.count)
        for index in 0..<count {
            output[index] = muLawEncode(samples[index])
        }
        return count
    }

    /// Decodes µ-law `codes` into `output`; returns the number of samples written.
    @inlinable
    @discardableResult
    public static func decodeMuLaw(_ codes: UnsafeRawBufferPointer, into output: UnsafeMutableBufferPointer<Int16>) -> Int {
        let count = min(codes.count, output.count)
        muLawDecodeTable.withUnsafeBufferPointer { table in
            for index in 0..<count {
                output[index] = table[Int(codes[index])]
            }
        }
        return count
    }

    /// Encodes `samples` as A-law into `output`; returns the number of codes written.
    @inlinable
    @discardableResult
    public static func encodeALaw(_ samples: UnsafeBufferPointer<Int16>, into output: UnsafeMutableRawBufferPointer) -> Int {
        let count = min(samples.count, output.count)
        for index in 0..<count {
            output[index] = aLawEncode(samples[index])
        }
        return count
    }

    /// Decodes A-law `codes` into `output`; returns the number of samples written.
    @inlinable
    @discardableResult
    public static func decodeALaw(_ codes: UnsafeRawBufferPointer, into output: UnsafeMutableBufferPointer<Int16>) -> Int {
        let count = min(codes.count, output.count)
        aLawDecodeTable.withUnsafeBufferPointer { table in
            for index in 0..<count {
                output[index] = table[Int(codes[index])]
            }
        }
        return count
    }
}
