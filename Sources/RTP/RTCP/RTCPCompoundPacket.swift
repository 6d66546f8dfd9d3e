import NIOCore

/// A compound RTCP packet (RFC 3550 §6.1): the RTCP packets of one datagram, in order.
///
/// Parsing applies the validity checks of RFC 3550 A.2: every packet is version 2, only the
/// last may be padded, the lengths add up to the datagram exactly, and, unless
/// `requireReportFirst` is false (RFC 5506 reduced-size RTCP), the first packet is an SR or
/// an RR.
public struct RTCPCompoundPacket: Sendable, Hashable {
    /// The packets, in order.
    public var packets: [RTCPPacket]

    /// A compound packet to write.
    public init(_ packets: [RTCPPacket]) {
        self.packets = packets
    }

    /// Parses the readable bytes of `datagram`.
    ///
    /// - Throws: ``RTPParseError`` naming the first problem and its byte offset.
    public init(parsing datagram: ByteBuffer, requireReportFirst: Bool = true) throws(RTPParseError) {
        var packets: [RTCPPacket] = []
        let total = datagram.readableBytes
        let base = datagram.readerIndex
        var offset = 0
        guard total >= 4 else { throw RTPParseError(.truncated, at: total, "shorter than an RTCP header") }
        while offset < total {
            guard total - offset >= 4,
                let first = datagram.getInteger(at: base + offset, as: UInt8.self),
                let type = datagram.getInteger(at: base + offset + 1, as: UInt8.self),
                let words = datagram.getInteger(at: base + offset + 2, as: UInt16.self)
            else { throw RTPParseError(.truncated, at: total, "an RTCP header runs past the end") }
            guard first >> 6 == 2 else { throw RTPParseError(.badVersion, at: offset, "the RTCP version is not 2") }
            let length = (Int(words) + 1) * 4
            guard length <= total - offset else {
                throw RTPParseError(.badCompound, at: offset + 2, "an RTCP length runs past the end of the datagram")
            }
            var bodyLength = length - 4
            if first & 0x20 != 0 {
                guard offset + length == total else {
                    throw RTPParseError(.badPadding, at: offset, "padding on an RTCP packet that is not the last")
                }
                let padding = Int(datagram.getInteger(at: base + offset + length - 1, as: UInt8.self) ?? 0)
                guard padding > 0, padding <= bodyLength else {
                    throw RTPParseError(.badPadding, at: offset + length - 1, "the RTCP padding count is 0 or too large")
                }
                bodyLength -= padding
            }
            if packets.isEmpty, requireReportFirst,
                type != RTCPPacket.PacketType.senderReport, type != RTCPPacket.PacketType.receiverReport
            {
                throw RTPParseError(.badCompound, at: offset + 1, "a compound RTCP packet does not start with SR or RR")
            }
            let body = datagram.getSlice(at: base + offset + 4, length: bodyLength) ?? ByteBuffer()
            packets.append(try Self.decode(type: type, count: first & 0x1F, body: body, at: offset))
            offset += length
        }
        self.packets = packets
    }

    /// Decodes one packet's body.
    private static func decode(type: UInt8, count: UInt8, body: ByteBuffer, at offset: Int) throws(RTPParseError) -> RTCPPacket {
        var reader = RTCPReader(buffer: body, base: offset + 4)
        switch type {
        case RTCPPacket.PacketType.senderReport:
            let ssrc = try reader.word()
            let ntp = NTPTimestamp(rawValue: UInt64(try reader.word()) << 32 | UInt64(try reader.word()))
            let info = RTCPSenderInfo(ntpTimestamp: ntp, rtpTimestamp: try reader.word(), packetCount: try reader.word(), octetCount: try reader.word())
            return .senderReport(RTCPSenderReport(ssrc: ssrc, senderInfo: info, reports: try reader.reportBlocks(Int(count))))
        case RTCPPacket.PacketType.receiverReport:
            let ssrc = try reader.word()
            return .receiverReport(RTCPReceiverReport(ssrc: ssrc, reports: try reader.reportBlocks(Int(count))))
        case RTCPPacket.PacketType.sourceDescription:
            var chunks: [RTCPSourceDescription.Chunk] = []
            for _ in 0..<count {
                chunks.append(try reader.sdesChunk())
            }
            return .sourceDescription(RTCPSourceDescription(chunks: chunks))
        case RTCPPacket.PacketType.goodbye:
            var ssrcs: [UInt32] = []
            for _ in 0..<count {
                ssrcs.append(try reader.word())
            }
            var reason: String?
            if reader.remaining > 0 {
                let length = Int(try reader.byte())
                reason = String(decoding: try reader.bytes(length), as: UTF8.self)
            }
            return .goodbye(RTCPGoodbye(ssrcs: ssrcs, reason: reason))
        default:
            return .other(type: type, count: count, body: body)
        }
    }
}

/// A bounds-checked reader over one RTCP packet's body. Internal.
struct RTCPReader {
    var buffer: ByteBuffer
    let base: Int
    private var consumed = 0

    init(buffer: ByteBuffer, base: Int) {
        self.buffer = buffer
        self.base = base
    }

    var remaining: Int { buffer.readableBytes }

    private var offset: Int { base + consumed }

    mutating func word() throws(RTPParseError) -> UInt32 {
        guard let value = buffer.readInteger(as: UInt32.self) else {
            throw RTPParseError(.badRTCPPacket, at: offset, "an RTCP packet is shorter than its fields")
        }
        consumed += 4
        return value
    }

    mutating func byte() throws(RTPParseError) -> UInt8 {
        guard let value = buffer.readInteger(as: UInt8.self) else {
            throw RTPParseError(.badRTCPPacket, at: offset, "an RTCP packet is shorter than its fields")
        }
        consumed += 1
        return value
    }

    mutating func bytes(_ count: Int) throws(RTPParseError) -> [UInt8] {
        guard let value = buffer.readBytes(length: count) else {
            throw RTPParseError(.badRTCPPacket, at: offset, "an RTCP text runs past the packet")
        }
        consumed += count
        return value
    }

    mutating func reportBlocks(_ count: Int) throws(RTPParseError) -> [RTCPReportBlock] {
        guard remaining >= count * 24 else {
            throw RTPParseError(.badRTCPPacket, at: offset, "the report count says more blocks than the packet holds")
        }
        var blocks: [RTCPReportBlock] = []
        blocks.reserveCapacity(count)
        for _ in 0..<count {
            let ssrc = try word()
            let lost = try word()
            let cumulative = Int32(bitPattern: (lost & 0x00FF_FFFF) << 8) >> 8
            blocks.append(RTCPReportBlock(
                ssrc: ssrc, fractionLost: UInt8(lost >> 24), cumulativeLost: cumulative,
                extendedHighestSequence: try word(), jitter: try word(), lastSenderReport: try word(),
                delaySinceLastSenderReport: try word()))
        }
        return blocks
    }

    /// One SDES chunk: SSRC, items, a terminating zero and padding to a 32-bit boundary.
    mutating func sdesChunk() throws(RTPParseError) -> RTCPSourceDescription.Chunk {
        let ssrc = try word()
        var items: [RTCPSourceDescription.Item] = []
        var chunkBytes = 4
        while true {
            let type = try byte()
            chunkBytes += 1
            if type == 0 { break }
            let length = Int(try byte())
            let text = try bytes(length)
            chunkBytes += 1 + length
            items.append(RTCPSourceDescription.Item(type: type, text: String(decoding: text, as: UTF8.self)))
        }
        while chunkBytes % 4 != 0 {
            guard try byte() == 0 else {
                throw RTPParseError(.badRTCPPacket, at: offset - 1, "an SDES chunk's padding is not zero")
            }
            chunkBytes += 1
        }
        return RTCPSourceDescription.Chunk(ssrc: ssrc, items: items)
    }
}
