import NIOCore

/// A received RTP packet (RFC 3550 §5.1): a view over the datagram it arrived in.
///
/// Parsing checks the layout once and records where the parts are; it copies nothing. The
/// fixed header fields are decoded eagerly, because every consumer needs them. ``payload``
/// is a slice sharing the datagram's storage, with padding removed.
///
/// ```
/// | 12-byte header | CSRCs (4 × CC) | extension (4 + 4 × len) | payload | padding (last byte = count) |
/// ```
public struct RTPPacket: Sendable {
    /// The whole datagram.
    public let bytes: ByteBuffer
    /// The payload type (7 bits).
    public let payloadType: UInt8
    /// The marker bit.
    public let marker: Bool
    /// The sequence number.
    public let sequenceNumber: UInt16
    /// The timestamp.
    public let timestamp: UInt32
    /// The synchronization source.
    public let ssrc: UInt32
    @usableFromInline let firstByte: UInt8
    @usableFromInline let payloadOffset: Int
    @usableFromInline let payloadLength: Int

    /// Parses the readable bytes of `datagram` as one RTP packet.
    ///
    /// - Throws: ``RTPParseError`` when the version is not 2, the header, CSRC list or
    ///   extension runs past the end, or the padding count is 0 or too large.
    @inlinable
    public init(parsing datagram: ByteBuffer) throws(RTPParseError) {
        let count = datagram.readableBytes
        guard count >= 12 else { throw RTPParseError(.truncated, at: count, "shorter than the 12-byte RTP header") }
        let parsed: (UInt8, UInt8, UInt16, UInt32, UInt32) = datagram.withUnsafeReadableBytes { raw in
            (raw[0], raw[1],
             UInt16(raw[2]) << 8 | UInt16(raw[3]),
             UInt32(raw[4]) << 24 | UInt32(raw[5]) << 16 | UInt32(raw[6]) << 8 | UInt32(raw[7]),
             UInt32(raw[8]) << 24 | UInt32(raw[9]) << 16 | UInt32(raw[10]) << 8 | UInt32(raw[11]))
        }
        let first = parsed.0
        guard first >> 6 == 2 else { throw RTPParseError(.badVersion, at: 0, "the RTP version is not 2") }
        var offset = 12 + Int(first & 0x0F) * 4
        guard offset <= count else { throw RTPParseError(.truncated, at: count, "the CSRC list runs past the end") }
        if first & 0x10 != 0 {
            guard offset + 4 <= count else { throw RTPParseError(.truncated, at: count, "the extension header runs past the end") }
            let words = Int(datagram.getInteger(at: datagram.readerIndex + offset + 2, as: UInt16.self) ?? 0)
            offset += 4 + words * 4
            guard offset <= count else { throw RTPParseError(.truncated, at: count, "the extension runs past the end") }
        }
        var end = count
        if first & 0x20 != 0 {
            let padding = Int(datagram.getInteger(at: datagram.readerIndex + count - 1, as: UInt8.self) ?? 0)
            guard padding > 0, padding <= count - offset else {
                throw RTPParseError(.badPadding, at: count - 1, "the padding count is 0 or longer than the payload")
            }
            end -= padding
        }
        self.bytes = datagram
        self.firstByte = first
        self.marker = parsed.1 & 0x80 != 0
        self.payloadType = parsed.1 & 0x7F
        self.sequenceNumber = parsed.2
        self.timestamp = parsed.3
        self.ssrc = parsed.4
        self.payloadOffset = offset
        self.payloadLength = end - offset
    }

    /// The version (always 2 once parsed).
    @inlinable public var version: UInt8 { firstByte >> 6 }
    /// Whether the padding bit is set.
    @inlinable public var hasPadding: Bool { firstByte & 0x20 != 0 }
    /// Whether a header extension follows the CSRCs.
    @inlinable public var hasExtension: Bool { firstByte & 0x10 != 0 }
    /// The number of CSRCs.
    @inlinable public var csrcCount: Int { Int(firstByte & 0x0F) }

    /// The CSRC at `index` (0..<``csrcCount``), or nil outside that range.
    @inlinable
    public func csrc(at index: Int) -> UInt32? {
        guard index >= 0, index < csrcCount else { return nil }
        return bytes.getInteger(at: bytes.readerIndex + 12 + index * 4, as: UInt32.self)
    }

    /// The CSRCs, in order (allocates an array; use ``csrc(at:)`` on hot paths).
    public var csrcs: [UInt32] { (0..<csrcCount).compactMap { csrc(at: $0) } }

    /// The header extension, or nil.
    public var headerExtension: RTPHeaderExtension? {
        guard hasExtension else { return nil }
        let start = bytes.readerIndex + 12 + csrcCount * 4
        guard let profile = bytes.getInteger(at: start, as: UInt16.self),
            let words = bytes.getInteger(at: start + 2, as: UInt16.self),
            let data = bytes.getSlice(at: start + 4, length: Int(words) * 4)
        else { return nil }
        return RTPHeaderExtension(profile: profile, data: data)
    }

    /// The number of padding bytes, the count byte included.
    @inlinable public var paddingLength: Int { bytes.readableBytes - payloadOffset - payloadLength }

    /// The payload, without padding: a slice sharing the datagram's storage.
    @inlinable
    public var payload: ByteBuffer {
        bytes.getSlice(at: bytes.readerIndex + payloadOffset, length: payloadLength) ?? ByteBuffer()
    }

    /// The payload's length in bytes.
    @inlinable public var payloadCount: Int { payloadLength }

    /// Calls `body` with the payload bytes (padding removed); the pointer must not escape.
    @inlinable
    public func withUnsafePayload<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try bytes.withUnsafeReadableBytes { raw in
            try body(UnsafeRawBufferPointer(rebasing: raw[payloadOffset..<(payloadOffset + payloadLength)]))
        }
    }
}
