extension SDPNegotiator {
    /// Makes an offer (a new call, or a re-offer for hold, resume or a new address) and keeps
    /// it pending until ``receiveAnswer(_:)``.
    ///
    /// A re-offer keeps every m-line of the session in order, the ones we rejected with port
    /// 0, and keeps the payload types agreed before.
    public mutating func makeOffer(_ local: SDPLocalMedia) -> SessionDescription {
        var audio = SDPMediaDescription(media: "audio", port: local.port, proto: local.security?.offerProfile ?? "RTP/AVP", formats: [])
        var taken = Set<UInt8>()
        for codec in local.codecs {
            guard let type = Self.payloadType(for: codec, agreed: payloadTypes, taken: taken) else { continue }
            taken.insert(type)
            audio.formats.append(String(type))
            audio.attributes.append(SDPAttribute("rtpmap", codec.rtpMap(payloadType: type).value))
            if let parameters = codec.formatParameters {
                audio.attributes.append(SDPAttribute("fmtp", "\(type) \(parameters)"))
            }
        }
        Self.appendTransportAttributes(to: &audio, local: local, mux: local.rtcpMux)
        for (index, crypto) in (local.security?.cryptos ?? []).enumerated() {
            var line = crypto
            line.tag = UInt32(index + 1)
            audio.attributes.append(line.attribute)
        }
        var media = layout.map { SDPMediaDescription(media: $0.media, port: 0, proto: $0.proto, formats: $0.formats) }
        let index = audioIndex ?? media.count
        if index < media.count { media[index] = audio } else { media.append(audio) }
        let description = SessionDescription(
            origin: origin, sessionName: sessionName, connection: SDPConnection(address: local.address), media: media)
        let offer = stamp(description)
        pendingOffer = offer
        pendingLocal = local
        pendingAudioIndex = index
        return offer
    }

    /// Adds ptime, maxptime, rtcp, rtcp-mux and the direction to an audio m-line of ours.
    static func appendTransportAttributes(to audio: inout SDPMediaDescription, local: SDPLocalMedia, mux: Bool) {
        audio.attributes.append(SDPAttribute("ptime", String(local.packetTime)))
        if let maxPacketTime = local.maxPacketTime {
            audio.attributes.append(SDPAttribute("maxptime", String(maxPacketTime)))
        }
        if mux {
            audio.attributes.append(SDPAttribute("rtcp-mux"))
        } else if let rtcpPort = local.rtcpPort {
            audio.attributes.append(SDPAttribute("rtcp", String(rtcpPort)))
        }
        audio.attributes.append(SDPAttribute(local.direction.rawValue))
    }

    /// Takes the remote's answer to our pending offer (RFC 3264 §7) and says what was agreed.
    ///
    /// With ``SDPLocalMedia/security`` in the offer, the answer's `a=crypto` must repeat the
    /// tag and suite of one of our lines with a usable key (RFC 4568 §7.1.3); without one the
    /// call is plain RTP, unless we required SRTP or the answer says `RTP/SAVP`.
    ///
    /// - Throws: ``SDPNegotiationError`` when there is no pending offer, the m-lines do not
    ///   match, the answer rejected the audio stream or shares no codec with the offer, or its
    ///   crypto does not do (``SDPNegotiationError/Code/cryptoRejected``). The offer stays
    ///   pending only when there was none.
    public mutating func receiveAnswer(_ answer: SessionDescription) throws(SDPNegotiationError) -> NegotiatedMedia {
        guard let offer = pendingOffer, let local = pendingLocal else {
            throw SDPNegotiationError(.noPendingOffer, "an answer arrived with no offer of ours pending")
        }
        pendingOffer = nil
        pendingLocal = nil
        let index = pendingAudioIndex
        guard answer.media.count == offer.media.count, index < answer.media.count else {
            throw SDPNegotiationError(.mediaMismatch, "the answer does not have as many m-lines as the offer")
        }
        let offered = offer.media[index]
        let answered = answer.media[index]
        guard answered.port != 0 else {
            throw SDPNegotiationError(.mediaRejected, mediaIndex: index, "the answer rejected the audio stream")
        }
        let offeredTypes = Set(offered.payloadTypes)
        var codecs: [NegotiatedCodec] = []
        var events: [NegotiatedCodec] = []
        for type in answered.payloadTypes where offeredTypes.contains(type) {
            guard let map = answered.rtpMap(for: type) ?? offered.rtpMap(for: type),
                local.codecs.contains(where: { $0.matches(map) })
            else { continue }
            let codec = NegotiatedCodec(
                payloadType: type, encodingName: map.encodingName, clockRate: map.clockRate, channels: map.channelCount,
                remoteFormatParameters: answered.formatParameters(for: type))
            if map.encodingName.lowercased() == "telephone-event" { events.append(codec) } else { codecs.append(codec) }
        }
        guard let chosen = codecs.first else {
            throw SDPNegotiationError(.mediaRejected, mediaIndex: index, "the answer shares no audio codec with the offer")
        }
        let telephoneEvent = events.first { $0.clockRate == chosen.clockRate } ?? events.first
        let crypto = try Self.answeredCrypto(offered: offered, answered: answered, security: local.security, index: index)
        let (remoteDirection, heldByRemote) = Self.remoteDirection(answer, answered)
        let mux = offered.isRTCPMuxed && answered.isRTCPMuxed
        let (rtp, rtcp) = Self.remoteAddresses(answer, answered, mux: mux)
        let media = NegotiatedMedia(
            mediaIndex: index, codec: chosen, codecs: codecs, telephoneEvent: telephoneEvent, remoteRTP: rtp,
            remoteRTCP: rtcp, rtcpMux: mux, direction: remoteDirection.reversed.intersection(local.direction),
            packetTime: Self.packetTime(remote: answered, local: local), localPort: local.port,
            isHeldByRemote: heldByRemote, crypto: crypto)
        complete(layout: answer.media, audioIndex: index, codecs: codecs + events, local: local)
        return media
    }

    /// The SRTP agreement of an answer to our offer: its one `a=crypto` line must name a tag
    /// we offered, with the same suite and a usable key.
    static func answeredCrypto(
        offered: SDPMediaDescription, answered: SDPMediaDescription, security: SDPMediaSecurity?, index: Int
    ) throws(SDPNegotiationError) -> NegotiatedCrypto? {
        guard let security else { return nil }
        guard let line = answered.cryptoAttributes.first else {
            if security.policy == .required || answered.isSecureRTP {
                throw SDPNegotiationError(.cryptoRejected, mediaIndex: index, "the answer has no usable a=crypto and SRTP is required")
            }
            return nil
        }
        guard let ours = offered.cryptoAttributes.first(where: { $0.tag == line.tag }), ours.suite == line.suite,
            let suite = line.knownSuite, let remoteKey = line.usableKey, let localKey = ours.usableKey
        else {
            throw SDPNegotiationError(.cryptoRejected, mediaIndex: index, "the answer's a=crypto matches no line we offered")
        }
        return NegotiatedCrypto(suite: suite, tag: line.tag, localKey: localKey, remoteKey: remoteKey)
    }

    /// Records a completed exchange: the m-lines, the audio index and the agreed types.
    mutating func complete(layout media: [SDPMediaDescription], audioIndex index: Int, codecs: [NegotiatedCodec], local: SDPLocalMedia) {
        layout = media
        audioIndex = index
        for agreed in codecs {
            let map = SDPRTPMap(payloadType: agreed.payloadType, encodingName: agreed.encodingName, clockRate: agreed.clockRate, channels: agreed.channels)
            if let codec = local.codecs.first(where: { $0.matches(map) }) {
                payloadTypes[codec.key] = agreed.payloadType
            }
        }
    }

    /// The direction the remote wrote for `media`, with `c=0.0.0.0` read as "do not send to
    /// me" (RFC 3264 §8.4), and whether that amounts to holding us.
    static func remoteDirection(_ description: SessionDescription, _ media: SDPMediaDescription) -> (SDPDirection, Bool) {
        var direction = description.effectiveDirection(of: media)
        let legacyHold = description.effectiveConnection(of: media)?.isLegacyHold ?? false
        if legacyHold { direction = direction.held }
        return (direction, !direction.receives)
    }

    /// Where the remote receives RTP and RTCP for `media`: its `c=` and port, and `a=rtcp`
    /// or the next port (RFC 3605), or the RTP address when muxed (RFC 5761). Nil when the
    /// port is 0 or the address is the legacy hold.
    static func remoteAddresses(
        _ description: SessionDescription, _ media: SDPMediaDescription, mux: Bool
    ) -> (SDPTransportAddress?, SDPTransportAddress?) {
        guard media.port != 0, let connection = description.effectiveConnection(of: media), !connection.isLegacyHold else {
            return (nil, nil)
        }
        let rtp = SDPTransportAddress(host: connection.address, port: media.port)
        if mux { return (rtp, rtp) }
        if let rtcp = media.rtcp {
            return (rtp, SDPTransportAddress(host: rtcp.connection?.address ?? connection.address, port: rtcp.port))
        }
        guard media.port < UInt16.max else { return (rtp, nil) }
        return (rtp, SDPTransportAddress(host: connection.address, port: media.port + 1))
    }

    /// The packet time to send at: the remote's ptime, else ours, never above its maxptime.
    static func packetTime(remote: SDPMediaDescription, local: SDPLocalMedia) -> Int {
        let wanted = remote.packetTime ?? local.packetTime
        if let limit = remote.maxPacketTime { return min(wanted, limit) }
        return wanted
    }
}
