import NIOCore

/// Writing RTCP packets (RFC 3550 §6.4 to §6.6) into a buffer the caller owns.
extension ByteBuffer {
    /// Writes every packet of `compound`, in order. Returns the number of bytes written.
    @discardableResult
    public mutating func writeRTCPCompoundPacket(_ compound: RTCPCompoundPacket) -> Int {
        var written = 0
        for packet in compound.packets {
            written += writeRTCPPacket(packet)
        }
        return written
    }

    /// Writes one RTCP packet, with its length field filled in and its body padded to 32 bits.
    /// Lists over 31 entries are cut to 31 (the count field has 5 bits).
    @discardableResult
    public mutating func writeRTCPPacket(_ packet: RTCPPacket) -> Int {
        let start = writerIndex
        switch packet {
        case .senderReport(let report):
            let blocks = report.reports.prefix(31)
            writeRTCPHeader(count: blocks.count, type: RTCPPacket.PacketType.senderReport)
            writeInteger(report.ssrc)
            writeInteger(report.senderInfo.ntpTimestamp.rawValue)
            writeInteger(report.senderInfo.rtpTimestamp)
            writeInteger(report.senderInfo.packetCount)
            writeInteger(report.senderInfo.octetCount)
            for block in blocks { writeRTCPReportBlock(block) }
        case .receiverReport(let report):
            let blocks = report.reports.prefix(31)
            writeRTCPHeader(count: blocks.count, type: RTCPPacket.PacketType.receiverReport)
            writeInteger(report.ssrc)
            for block in blocks { writeRTCPReportBlock(block) }
        case .sourceDescription(let description):
            let chunks = description.chunks.prefix(31)
            writeRTCPHeader(count: chunks.count, type: RTCPPacket.PacketType.sourceDescription)
            for chunk in chunks {
                let chunkStart = writerIndex
                writeInteger(chunk.ssrc)
                for item in chunk.items where item.type != 0 {
                    let text = Array(item.text.utf8.prefix(255))
                    writeInteger(item.type)
                    writeInteger(UInt8(text.count))
                    writeBytes(text)
                }
                writeInteger(UInt8(0))
                let pad = (4 - (writerIndex - chunkStart) % 4) % 4
                writeRepeatingByte(0, count: pad)
            }
        case .goodbye(let goodbye):
            let ssrcs = goodbye.ssrcs.prefix(31)
            writeRTCPHeader(count: ssrcs.count, type: RTCPPacket.PacketType.goodbye)
            for ssrc in ssrcs { writeInteger(ssrc) }
            if let reason = goodbye.reason {
                let text = Array(reason.utf8.prefix(255))
                writeInteger(UInt8(text.count))
                writeBytes(text)
                let pad = (4 - (1 + text.count) % 4) % 4
                writeRepeatingByte(0, count: pad)
            }
        case .other(let type, let count, let body):
            writeRTCPHeader(count: Int(count & 0x1F), type: type)
            writeImmutableBuffer(body)
            let pad = (4 - body.readableBytes % 4) % 4
            writeRepeatingByte(0, count: pad)
        }
        let length = writerIndex - start
        setInteger(UInt16(length / 4 - 1), at: start + 2)
        return length
    }

    private mutating func writeRTCPHeader(count: Int, type: UInt8) {
        writeInteger(UInt8(0x80 | (count & 0x1F)))
        writeInteger(type)
        writeInteger(UInt16(0))
    }

    private mutating func writeRTCPReportBlock(_ block: RTCPReportBlock) {
        writeInteger(block.ssrc)
        let lost = UInt32(bitPattern: block.cumulativeLost) & 0x00FF_FFFF
        writeInteger(UInt32(block.fractionLost) << 24 | lost)
        writeInteger(block.extendedHighestSequence)
        writeInteger(block.jitter)
        writeInteger(block.lastSenderReport)
        writeInteger(block.delaySinceLastSenderReport)
    }
}
