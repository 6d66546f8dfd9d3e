import NIOCore

/// Writing RTP packets into a buffer the caller owns and reuses: after `clear()`, a buffer
/// with enough capacity takes packet after packet without allocating.
///
/// ```swift
/// buffer.clear()
/// buffer.writeRTPPacket(header, payload: encodedFrame)
/// channel.writeAndFlush(AddressedEnvelope(remoteAddress: peer, data: buffer), promise: nil)
/// ```
extension ByteBuffer {
    /// Writes the header of RFC 3550 §5.1: fixed part, CSRCs (at most 15) and extension.
    /// Returns the number of bytes written.
    @inlinable
    @discardableResult
    public mutating func writeRTPHeader(_ header: RTPHeader) -> Int {
        let csrcCount = min(header.csrcs.count, 15)
        var first: UInt8 = 0x80 | UInt8(csrcCount)
        if header.paddingLength > 0 { first |= 0x20 }
        if header.headerExtension != nil { first |= 0x10 }
        var written = writeInteger(first)
        written += writeInteger((header.marker ? 0x80 : 0) | (header.payloadType & 0x7F))
        written += writeInteger(header.sequenceNumber)
        written += writeInteger(header.timestamp)
        written += writeInteger(header.ssrc)
        for index in 0..<csrcCount {
            written += writeInteger(header.csrcs[index])
        }
        if let headerExtension = header.headerExtension {
            let words = headerExtension.lengthInWords
            written += writeInteger(headerExtension.profile)
            written += writeInteger(UInt16(truncatingIfNeeded: words))
            written += writeImmutableBuffer(headerExtension.data)
            let pad = words * 4 - headerExtension.data.readableBytes
            if pad > 0 { written += writeRepeatingByte(0, count: pad) }
        }
        return written
    }

    /// Writes `header`'s padding: zeros, then the count byte.
    @inlinable
    mutating func writeRTPPadding(_ length: UInt8) -> Int {
        guard length > 0 else { return 0 }
        var written = 0
        if length > 1 { written += writeRepeatingByte(0, count: Int(length) - 1) }
        written += writeInteger(length)
        return written
    }

    /// Writes one RTP packet: `header`, the bytes of `payload`, then any padding. Returns the
    /// number of bytes written.
    @inlinable
    @discardableResult
    public mutating func writeRTPPacket(_ header: RTPHeader, payload: UnsafeRawBufferPointer) -> Int {
        var written = writeRTPHeader(header)
        written += writeBytes(payload)
        written += writeRTPPadding(header.paddingLength)
        return written
    }

    /// Writes one RTP packet with the readable bytes of `payload` as its payload.
    @inlinable
    @discardableResult
    public mutating func writeRTPPacket(_ header: RTPHeader, payload: ByteBuffer) -> Int {
        var written = writeRTPHeader(header)
        written += writeImmutableBuffer(payload)
        written += writeRTPPadding(header.paddingLength)
        return written
    }
}
