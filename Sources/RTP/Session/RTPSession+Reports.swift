import NIOCore

extension RTPSession {
    /// Schedules the next report at the RFC 3550 A.7 interval.
    func scheduleReport() {
        guard !closed else { return }
        let members = receiver == nil ? 1 : 2
        let senders = (sentSinceReport ? 1 : 0) + (receiver == nil ? 0 : 1)
        var generator = SystemRandomNumberGenerator()
        let seconds = configuration.rtcpInterval.seconds(
            members: members, senders: senders, weSent: sentSinceReport, averageRTCPSize: averageRTCPSize,
            initial: initialReport, random: fixedRandomFactor ?? Double.random(in: 0.5...1.5, using: &generator))
        initialReport = false
        rtcpTimer = eventLoop.scheduleTask(in: .nanoseconds(Int64(min(max(seconds, 0.001), RTCPInterval.maximumSeconds) * 1e9))) {
            [unowned self] in
            self.sendReport()
            self.scheduleReport()
        }
    }

    /// The compound packet to send now: SR if we sent RTP since the last report, else RR,
    /// with a block about the remote when it sends, then SDES CNAME; BYE appended on close.
    func makeReport(goodbye: Bool = false) -> RTCPCompoundPacket {
        var blocks: [RTCPReportBlock] = []
        if receiver != nil {
            var lastSR: UInt32 = 0
            var delay: UInt32 = 0
            if let remoteSenderReport {
                lastSR = remoteSenderReport.middle32
                delay = NTPTimestamp.compactUnits(.nanoseconds((eventLoop.now - remoteSenderReport.at).nanoseconds))
            }
            if let block = receiver?.makeReportBlock(lastSenderReport: lastSR, delaySinceLastSenderReport: delay) {
                blocks.append(block)
            }
        }
        var packets: [RTCPPacket] = []
        if sentSinceReport, let lastSent {
            let elapsed = (eventLoop.now - lastSent.at).nanoseconds / 1_000
            let timestamp = lastSent.timestamp &+ UInt32(truncatingIfNeeded: elapsed * Int64(configuration.clockRate) / 1_000_000)
            let info = RTCPSenderInfo(
                ntpTimestamp: ntpNow(), rtpTimestamp: timestamp, packetCount: sender.packetCount, octetCount: sender.octetCount)
            packets.append(.senderReport(RTCPSenderReport(ssrc: sender.ssrc, senderInfo: info, reports: blocks)))
        } else {
            packets.append(.receiverReport(RTCPReceiverReport(ssrc: sender.ssrc, reports: blocks)))
        }
        packets.append(.sourceDescription(RTCPSourceDescription(ssrc: sender.ssrc, cname: configuration.cname)))
        if goodbye { packets.append(.goodbye(RTCPGoodbye(ssrcs: [sender.ssrc]))) }
        return RTCPCompoundPacket(packets)
    }

    /// Sends a report to the remote RTCP address, if known.
    func sendReport(goodbye: Bool = false) {
        // Muxed (RFC 5761 §5.1.1): from the RTP port, the one the peer knows us by.
        guard let remote = remoteRTCP, let channel = configuration.rtcpMux ? rtpChannel : (rtcpChannel ?? rtpChannel) else { return }
        guard canSend(to: remote) else {
            stats.rtcpUnsendable += 1
            return
        }
        var buffer = channel.allocator.buffer(capacity: 128)
        buffer.writeRTCPCompoundPacket(makeReport(goodbye: goodbye))
        if let protector {
            do {
                try protector.protectRTCP(&buffer)
            } catch {
                stats.protectFailures += 1
                return
            }
        }
        averageRTCPSize = Double(buffer.readableBytes + 28) / 16 + averageRTCPSize * 15 / 16
        sentSinceReport = false
        stats.rtcpSent += 1
        channel.writeAndFlush(AddressedEnvelope(remoteAddress: remote, data: buffer), promise: nil)
    }

    /// The last report, with BYE (RFC 3550 §6.6).
    func sendGoodbye() {
        sendReport(goodbye: true)
    }
}
