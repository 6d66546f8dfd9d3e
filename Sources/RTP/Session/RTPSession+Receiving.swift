import NIOCore

extension RTPSession {
    /// One datagram from the RTP or RTCP socket.
    func received(_ datagram: ByteBuffer, from source: SocketAddress, on role: RTPChannelHandler.Role) {
        guard !closed else { return }
        // Before the signaling has named the peer (a session bound ahead of a call), whatever
        // arrives is a stray: it must not be latched as the call's remote.
        guard !configuration.latchRemote || signaledRTP != nil else {
            stats.datagramsDropped += 1
            return
        }
        switch role {
        case .rtcp:
            receivedRTCP(datagram, from: source)
        case .rtp where configuration.rtcpMux:
            switch RTPDemultiplexer.classify(datagram) {
            case .rtp: receivedRTP(datagram, from: source)
            case .rtcp: receivedRTCP(datagram, from: source)
            case .other: stats.datagramsDropped += 1
            }
        case .rtp:
            receivedRTP(datagram, from: source)
        }
    }

    /// `datagram` unprotected by the protector (in the reused buffer), itself without one, or
    /// nil when it failed (counted).
    func unprotected(_ datagram: ByteBuffer, from source: SocketAddress, rtcp: Bool) -> ByteBuffer? {
        guard let protector else { return datagram }
        unprotectBuffer.clear()
        unprotectBuffer.writeImmutableBuffer(datagram)
        do throws(RTPProtectionError) {
            if rtcp {
                try protector.unprotectRTCP(&unprotectBuffer)
            } else {
                try protector.unprotectRTP(&unprotectBuffer)
            }
        } catch {
            switch error.code {
            case .authenticationFailed:
                stats.authenticationFailures += 1
                let rejected = RTPRejectedPacket(datagram, source: source, fromSignaledPeer: source == signaledRTP || source == signaledRTP.map(Self.nextPort(after:)), rtcp: rtcp)
                if stats.firstAuthenticationFailure == nil { stats.firstAuthenticationFailure = rejected }
                stats.lastAuthenticationFailure = rejected
            case .replayed: stats.replaysDropped += 1
            default: stats.unprotectFailures += 1
            }
            return nil
        }
        stats.packetsUnprotected += 1
        return unprotectBuffer
    }

    func receivedRTP(_ protected: ByteBuffer, from source: SocketAddress) {
        guard let datagram = unprotected(protected, from: source, rtcp: false) else { return }
        guard let packet = try? RTPPacket(parsing: datagram) else {
            stats.datagramsDropped += 1
            return
        }
        if configuration.latchRemote, remoteRTP != source {
            // The first source latches; later, only the signaled peer itself may take the latch
            // back (what latched before it was a stray).
            guard !rtpLatched || source == signaledRTP else {
                stats.datagramsDropped += 1
                return
            }
            remoteRTP = source
            if configuration.rtcpMux {
                remoteRTCP = source
            } else if !rtcpLatched {
                remoteRTCP = Self.nextPort(after: source)
            }
            handler(.remoteLatched(source))
        }
        rtpLatched = true
        let arrival = eventLoop.now
        if receiver?.ssrc != packet.ssrc {
            receiver = RTPReceiverStatistics(
                ssrc: packet.ssrc, firstSequenceNumber: packet.sequenceNumber, probation: configuration.sourceProbation)
            remoteSenderReport = nil
            stats.remoteSSRC = packet.ssrc
        }
        receiver?.record(sequenceNumber: packet.sequenceNumber, timestamp: packet.timestamp, arrival: arrivalTicks(arrival))
        stats.packetsReceived += 1
        stats.octetsReceived += packet.payloadCount
        if let eventType = configuration.telephoneEventPayloadType, packet.payloadType == eventType {
            guard let event = try? TelephoneEvent(parsing: packet.payload) else {
                stats.datagramsDropped += 1
                return
            }
            for detected in events.receive(event, timestamp: packet.timestamp, arrival: arrival) {
                handler(.telephoneEvent(detected))
            }
            scheduleEventExpiry()
        } else {
            handler(.audio(packet, arrival: arrival))
        }
    }

    /// Checks for a telephone event whose end was lost, one timeout after the last packet.
    func scheduleEventExpiry() {
        eventExpiry?.cancel()
        eventExpiry = nil
        guard events.isInEvent else { return }
        eventExpiry = eventLoop.scheduleTask(in: configuration.telephoneEventTimeout) { [unowned self] in
            self.eventExpiry = nil
            if let detected = self.events.expire(now: self.eventLoop.now) {
                self.handler(.telephoneEvent(detected))
            }
        }
    }

    func receivedRTCP(_ protected: ByteBuffer, from source: SocketAddress) {
        guard let datagram = unprotected(protected, from: source, rtcp: true) else { return }
        guard let compound = try? RTCPCompoundPacket(parsing: datagram) else {
            stats.datagramsDropped += 1
            return
        }
        if configuration.latchRemote, !configuration.rtcpMux, !rtcpLatched {
            rtcpLatched = true
            remoteRTCP = source
        }
        stats.rtcpReceived += 1
        averageRTCPSize = Double(datagram.readableBytes + 28) / 16 + averageRTCPSize * 15 / 16
        let now = eventLoop.now
        for packet in compound.packets {
            switch packet {
            case .senderReport(let report):
                if report.ssrc == receiver?.ssrc || receiver == nil {
                    remoteSenderReport = (report.senderInfo.ntpTimestamp.middle32, now)
                }
                takeReports(report.reports)
            case .receiverReport(let report):
                takeReports(report.reports)
            case .goodbye(let goodbye):
                for ssrc in goodbye.ssrcs { handler(.goodbye(ssrc: ssrc, reason: goodbye.reason)) }
            case .sourceDescription, .other:
                break
            }
        }
        handler(.rtcp(compound, from: source))
    }

    /// Keeps the report block about us and the round-trip time it shows.
    func takeReports(_ blocks: [RTCPReportBlock]) {
        guard let block = blocks.first(where: { $0.ssrc == sender.ssrc }) else { return }
        stats.remoteReport = block
        if let roundTrip = block.roundTripTime(arrivedAt: ntpNow()) {
            stats.roundTripTime = roundTrip
        }
    }
}
