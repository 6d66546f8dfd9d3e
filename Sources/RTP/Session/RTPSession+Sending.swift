import NIOCore

extension RTPSession {
    /// Sends one encoded frame as an RTP packet of the configured payload type, then moves
    /// the media clock on by `samples` ticks. The packet is built in a buffer the session
    /// reuses. Returns false when there is nowhere to send yet.
    ///
    /// Set `marker` on the first packet after silence (RFC 3551 §4.1).
    @discardableResult
    public func sendAudio(_ frame: ByteBuffer, samples: Int, marker: Bool = false) -> Bool {
        eventLoop.preconditionInEventLoop()
        let timestamp = sender.timestamp(at: mediaTime)
        mediaTime &+= UInt64(max(samples, 0))
        return send(payloadType: configuration.payloadType, timestamp: timestamp, marker: marker, payload: frame)
    }

    /// Sends DTMF `digit` (`0`-`9`, `*`, `#`, `A`-`D`) as RFC 4733 events lasting
    /// `duration`, one update per packet time. Digits sent while one is playing wait their
    /// turn. Returns false when no telephone-event type was agreed or the digit is unknown.
    @discardableResult
    public func sendDigit(_ digit: Character, duration: TimeAmount = .milliseconds(160), volume: UInt8 = 10) -> Bool {
        eventLoop.preconditionInEventLoop()
        guard configuration.telephoneEventPayloadType != nil, let code = TelephoneEvent.code(for: digit) else { return false }
        digitQueue.append((code, duration, volume))
        if digitTask == nil { startNextDigit() }
        return true
    }

    /// Starts the first queued digit: one packet now, then one per packet time until the
    /// three end packets are out. An event starts at the media clock, or at the end of the
    /// previous event when no audio moved the clock past it, so that each event has its own
    /// timestamp. The audio's clock is left alone: it counts the samples sent, and moving it
    /// to an event's end (when audio had fallen behind the event's timer on a busy machine)
    /// put a jump into the audio's timestamps that the receiver played out as a gap.
    func startNextDigit() {
        guard !closed, !digitQueue.isEmpty else { return }
        let next = digitQueue.removeFirst()
        let ticks = Self.ticks(next.duration, clockRate: configuration.clockRate)
        let start = max(mediaTime, digitEnd)
        digitEnd = start + UInt64(ticks)
        digitSender = TelephoneEventSender(
            event: next.event, volume: next.volume, timestamp: sender.timestamp(at: start), duration: ticks,
            packetInterval: max(configuration.ticksPerPacket, 1))
        guard sendDigitPacket() else { return finishDigit() }
        digitTask = eventLoop.scheduleRepeatedTask(initialDelay: configuration.packetTime, delay: configuration.packetTime) {
            [unowned self] task in
            guard !self.sendDigitPacket() else { return }
            task.cancel()
            self.finishDigit()
        }
    }

    /// Sends the current digit's next packet; returns whether more are to come.
    func sendDigitPacket() -> Bool {
        guard let payloadType = configuration.telephoneEventPayloadType, let packet = digitSender?.nextPacket() else { return false }
        var payload = ByteBuffer()
        packet.event.write(into: &payload)
        send(payloadType: payloadType, timestamp: packet.timestamp, marker: packet.marker, payload: payload)
        return !(digitSender?.isFinished ?? true)
    }

    /// Ends the current digit and starts the next queued one.
    func finishDigit() {
        digitTask = nil
        digitSender = nil
        startNextDigit()
    }

    /// Builds one packet in the reused buffer and sends it to the remote RTP address.
    @discardableResult
    func send(payloadType: UInt8, timestamp: UInt32, marker: Bool, payload: ByteBuffer) -> Bool {
        guard !closed, let remote = remoteRTP, let channel = rtpChannel else { return false }
        guard canSend(to: remote) else {
            stats.packetsUnsendable += 1
            return false
        }
        let header = sender.nextHeader(payloadType: payloadType, timestamp: timestamp, marker: marker, payloadCount: payload.readableBytes)
        sendBuffer.clear()
        sendBuffer.writeRTPPacket(header, payload: payload)
        if let protector {
            do {
                try protector.protectRTP(&sendBuffer)
            } catch {
                stats.protectFailures += 1
                return false
            }
        }
        channel.writeAndFlush(AddressedEnvelope(remoteAddress: remote, data: sendBuffer), promise: nil)
        stats.packetsSent += 1
        stats.octetsSent += payload.readableBytes
        sentSinceReport = true
        lastSent = (timestamp, eventLoop.now)
        return true
    }
}
