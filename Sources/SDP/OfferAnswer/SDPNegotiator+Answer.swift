/// Our answer to an offer: the description to send back and what it agrees to.
public struct SDPAnswer: Sendable, Hashable {
    /// The answer to send (in the 200 OK, or the ACK for an offerless INVITE).
    public var description: SessionDescription
    /// What the answer agrees to.
    public var media: NegotiatedMedia

    /// An answer.
    public init(description: SessionDescription, media: NegotiatedMedia) {
        self.description = description
        self.media = media
    }
}

extension SDPNegotiator {
    /// Answers the remote's offer (RFC 3264 §6): accepts the first audio RTP stream that
    /// shares a codec with `local`, and rejects every other m-line with port 0, keeping their
    /// order and count.
    ///
    /// The accepted stream lists the shared codecs in the offerer's order with the offerer's
    /// payload types, then the telephone-event whose clock matches the first codec. Its
    /// direction answers the offer's: `sendonly` gets `recvonly`, `recvonly` gets `sendonly`,
    /// `inactive` gets `inactive`, and `c=0.0.0.0` counts as the offerer not receiving; all
    /// this within ``SDPLocalMedia/direction``.
    ///
    /// With ``SDPLocalMedia/security``, the first offered `a=crypto` line with a usable key of
    /// a suite we list is accepted: the answer repeats its tag and suite with our key (RFC 4568
    /// §7.1.2). An `RTP/SAVP` stream without such a line is refused, and so is plain RTP when
    /// we require SRTP. Without security, `RTP/SAVP` is refused and `a=crypto` ignored.
    ///
    /// - Throws: ``SDPNegotiationError`` with ``SDPNegotiationError/Code/noAcceptableMedia``
    ///   when nothing can be accepted (answer 488), ``SDPNegotiationError/Code/offerPending``
    ///   during our own offer (answer 491), or ``SDPNegotiationError/Code/mediaRemoved`` when
    ///   a re-offer drops m-lines.
    public mutating func receiveOffer(_ offer: SessionDescription, local: SDPLocalMedia) throws(SDPNegotiationError) -> SDPAnswer {
        guard pendingOffer == nil else {
            throw SDPNegotiationError(.offerPending, "an offer arrived while ours is pending")
        }
        guard offer.media.count >= layout.count else {
            throw SDPNegotiationError(.mediaRemoved, "the offer has fewer m-lines than the session")
        }
        var answerMedia: [SDPMediaDescription] = []
        var accepted: NegotiatedMedia?
        var refusedForCrypto = false
        for (index, offered) in offer.media.enumerated() {
            if accepted == nil,
                let (media, negotiated) = Self.accept(offered, index: index, in: offer, local: local, refusedForCrypto: &refusedForCrypto)
            {
                answerMedia.append(media)
                accepted = negotiated
            } else {
                answerMedia.append(SDPMediaDescription(media: offered.media, port: 0, proto: offered.proto, formats: offered.formats))
            }
        }
        guard let accepted else {
            if refusedForCrypto {
                throw SDPNegotiationError(.noAcceptableMedia, "no audio stream in the offer has the SRTP crypto we require")
            }
            throw SDPNegotiationError(.noAcceptableMedia, "no audio stream in the offer shares a codec with us")
        }
        let description = stamp(SessionDescription(
            origin: origin, sessionName: sessionName, connection: SDPConnection(address: local.address), media: answerMedia))
        complete(layout: answerMedia, audioIndex: accepted.mediaIndex, codecs: accepted.codecs + (accepted.telephoneEvent.map { [$0] } ?? []), local: local)
        return SDPAnswer(description: description, media: accepted)
    }

    /// The answer m-line and the agreement for `offered` if we can take it: audio over RTP
    /// (`RTP/AVP` or `RTP/AVPF`, or `RTP/SAVP` and `RTP/SAVPF` with security), a port, a
    /// connection, a shared codec and the crypto our policy asks for. Sets `refusedForCrypto`
    /// when the crypto alone was the reason to refuse.
    static func accept(
        _ offered: SDPMediaDescription, index: Int, in offer: SessionDescription, local: SDPLocalMedia,
        refusedForCrypto: inout Bool
    ) -> (SDPMediaDescription, NegotiatedMedia)? {
        let proto = offered.proto.uppercased()
        guard offered.media.lowercased() == "audio", ["RTP/AVP", "RTP/AVPF", "RTP/SAVP", "RTP/SAVPF"].contains(proto),
            offered.port != 0, offer.effectiveConnection(of: offered) != nil
        else { return nil }
        let crypto = local.security.flatMap { offeredCrypto(offered, security: $0) }
        let requiresCrypto = offered.isSecureRTP || local.security?.policy == .required
        if requiresCrypto, crypto == nil {
            refusedForCrypto = true
            return nil
        }
        var codecs: [NegotiatedCodec] = []
        var formatParameters: [UInt8: String] = [:]
        for type in offered.payloadTypes where !codecs.contains(where: { $0.payloadType == type }) {
            guard let map = offered.rtpMap(for: type), map.encodingName.lowercased() != "telephone-event",
                let codec = local.codecs.first(where: { !$0.isTelephoneEvent && $0.matches(map) })
            else { continue }
            codecs.append(NegotiatedCodec(
                payloadType: type, encodingName: map.encodingName, clockRate: map.clockRate, channels: map.channelCount,
                remoteFormatParameters: offered.formatParameters(for: type)))
            formatParameters[type] = codec.formatParameters
        }
        guard let chosen = codecs.first else { return nil }
        var telephoneEvent: NegotiatedCodec?
        for type in offered.payloadTypes {
            guard let map = offered.rtpMap(for: type), map.encodingName.lowercased() == "telephone-event",
                map.clockRate == chosen.clockRate,
                let codec = local.codecs.first(where: { $0.isTelephoneEvent && $0.clockRate == map.clockRate })
            else { continue }
            telephoneEvent = NegotiatedCodec(
                payloadType: type, encodingName: map.encodingName, clockRate: map.clockRate,
                remoteFormatParameters: offered.formatParameters(for: type))
            formatParameters[type] = codec.formatParameters
            break
        }
        let (remoteDirection, heldByRemote) = remoteDirection(offer, offered)
        let direction = remoteDirection.reversed.intersection(local.direction)
        let mux = offered.isRTCPMuxed && local.rtcpMux
        var answerLocal = local
        answerLocal.direction = direction

        var media = SDPMediaDescription(media: offered.media, port: local.port, proto: offered.proto, formats: [])
        for codec in codecs + (telephoneEvent.map { [$0] } ?? []) {
            media.formats.append(String(codec.payloadType))
            let map = SDPRTPMap(
                payloadType: codec.payloadType, encodingName: codec.encodingName, clockRate: codec.clockRate,
                channels: codec.channels > 1 ? codec.channels : nil)
            media.attributes.append(SDPAttribute("rtpmap", map.value))
            if let parameters = formatParameters[codec.payloadType] {
                media.attributes.append(SDPAttribute("fmtp", "\(codec.payloadType) \(parameters)"))
            }
        }
        appendTransportAttributes(to: &media, local: answerLocal, mux: mux)
        if let crypto { media.attributes.append(crypto.line.attribute) }
        let (rtp, rtcp) = remoteAddresses(offer, offered, mux: mux)
        let negotiated = NegotiatedMedia(
            mediaIndex: index, codec: chosen, codecs: codecs, telephoneEvent: telephoneEvent, remoteRTP: rtp,
            remoteRTCP: rtcp, rtcpMux: mux, direction: direction, packetTime: packetTime(remote: offered, local: local),
            localPort: local.port, isHeldByRemote: heldByRemote, crypto: crypto?.agreement)
        return (media, negotiated)
    }

    /// The first offered `a=crypto` line with a usable key of a suite we list, our answering
    /// line for it (its tag and suite, our key) and the agreement.
    static func offeredCrypto(
        _ offered: SDPMediaDescription, security: SDPMediaSecurity
    ) -> (line: SDPCryptoAttribute, agreement: NegotiatedCrypto)? {
        for line in offered.cryptoAttributes {
            guard let suite = line.knownSuite, let remoteKey = line.usableKey,
                let ours = security.cryptos.first(where: { $0.suite == line.suite }), let localKey = ours.usableKey
            else { continue }
            let answer = SDPCryptoAttribute(tag: line.tag, suite: line.suite, keyParameters: [localKey])
            return (answer, NegotiatedCrypto(suite: suite, tag: line.tag, localKey: localKey, remoteKey: remoteKey))
        }
        return nil
    }
}
