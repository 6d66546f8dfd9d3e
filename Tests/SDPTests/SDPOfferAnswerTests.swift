import SDP
import Testing

/// An offer to answer with the default local codecs, and what the answer must hold.
struct AnswerCase: CustomTestStringConvertible, Sendable {
    let name: String
    let media: [String]
    let formats: [String]
    let codec: String
    let telephoneEvent: UInt8?

    var testDescription: String { name }

    /// The offer: a session head at 192.0.2.20 and the given media lines.
    var offer: String {
        SDPFixtures.sdp(["v=0", "o=bob 7 7 IN IP4 192.0.2.20", "s=-", "c=IN IP4 192.0.2.20", "t=0 0"] + media)
    }
}

@Suite("SDP: offer/answer (RFC 3264)")
struct SDPOfferAnswerTests {
    static let local = SDPLocalMedia(address: "192.0.2.10", port: 40_000)

    static let answerCases: [AnswerCase] = [
        AnswerCase(
            name: "phone offer: offerer's order and types, telephone-event at opus's clock",
            media: Array(SDPFixtures.phoneOffer.split(separator: "\r\n").dropFirst(5).map(String.init)),
            formats: ["111", "0", "8", "110"], codec: "111 opus/48000/2", telephoneEvent: 110),
        AnswerCase(
            name: "PCMA before PCMU, telephone-event at 8000 under a dynamic type",
            media: ["m=audio 5004 RTP/AVP 8 0 100", "a=rtpmap:100 telephone-event/8000", "a=fmtp:100 0-15"],
            formats: ["8", "0", "100"], codec: "8 PCMA/8000", telephoneEvent: 100),
        AnswerCase(
            name: "opus under another dynamic type is answered with the offerer's type",
            media: ["m=audio 5004 RTP/AVP 98 101", "a=rtpmap:98 OPUS/48000/2", "a=rtpmap:101 telephone-event/48000"],
            formats: ["98", "101"], codec: "98 OPUS/48000/2", telephoneEvent: 101),
        AnswerCase(
            name: "unknown codecs are skipped; telephone-event at another clock is left out",
            media: ["m=audio 5004 RTP/AVP 18 9 0 101", "a=rtpmap:101 telephone-event/48000"],
            formats: ["0"], codec: "0 PCMU/8000", telephoneEvent: nil),
        AnswerCase(
            name: "opus with one channel is not our opus",
            media: ["m=audio 5004 RTP/AVP 96 8", "a=rtpmap:96 opus/48000"],
            formats: ["8"], codec: "8 PCMA/8000", telephoneEvent: nil),
    ]

    @Test("answers keep the offerer's codec order and payload types", arguments: answerCases)
    func answer(_ testCase: AnswerCase) throws {
        var negotiator = SDPNegotiator(sessionID: 42, address: "192.0.2.10")
        let offer = try SessionDescription(parsing: testCase.offer)
        let answer = try negotiator.receiveOffer(offer, local: Self.local)
        let audio = try #require(answer.description.media.first)
        #expect(audio.formats == testCase.formats)
        #expect(audio.port == 40_000)
        let codec = answer.media.codec
        #expect("\(codec.payloadType) \(codec.encodingName)/\(codec.clockRate)\(codec.channels > 1 ? "/\(codec.channels)" : "")" == testCase.codec)
        #expect(answer.media.telephoneEvent?.payloadType == testCase.telephoneEvent)
        #expect(answer.media.remoteRTP == SDPTransportAddress(host: "192.0.2.20", port: offer.media[0].port))
        // The answer is itself valid SDP that parses back to the same value.
        #expect(try SessionDescription(parsing: answer.description.text) == answer.description)
        #expect(answer.description.origin.sessionID == 42)
        #expect(answer.description.connection?.address == "192.0.2.10")
    }

    @Test("the answer asks for our opus parameters and ptime; negotiated ptime is the offerer's")
    func answerAttributes() throws {
        var negotiator = SDPNegotiator(address: "192.0.2.10")
        let offerText = SDPFixtures.phoneOffer.replacingOccurrences("a=ptime:20", "a=ptime:40")
        let answer = try negotiator.receiveOffer(try SessionDescription(parsing: offerText), local: Self.local)
        let audio = answer.description.media[0]
        #expect(audio.formatParameters(for: 111) == "useinbandfec=1;maxplaybackrate=48000;stereo=0")
        #expect(audio.formatParameters(for: 110) == "0-16")
        #expect(audio.packetTime == 20)
        #expect(audio.isRTCPMuxed)
        #expect(audio.direction == .sendrecv)
        #expect(answer.media.packetTime == 40)
        #expect(answer.media.codec.remoteFormatParameters == "minptime=10;useinbandfec=1")
        #expect(answer.media.rtcpMux)
        #expect(answer.media.remoteRTCP == SDPTransportAddress(host: "192.0.2.10", port: 49_170))
        #expect(answer.media.codecs.map(\.payloadType) == [111, 0, 8])
    }

    @Test("video and extra audio streams are rejected with port 0, keeping order and count")
    func rejectsOtherStreams() throws {
        let offer = try SessionDescription(parsing: SDPFixtures.sdp([
            "v=0", "o=bob 7 7 IN IP4 192.0.2.20", "s=-", "c=IN IP4 192.0.2.20", "t=0 0",
            "m=video 5006 RTP/AVP 96", "a=rtpmap:96 H264/90000",
            "m=audio 5004 RTP/SAVP 0",
            "m=audio 5008 RTP/AVP 0 8",
            "m=audio 5010 RTP/AVP 8",
        ]))
        var negotiator = SDPNegotiator(address: "192.0.2.10")
        let answer = try negotiator.receiveOffer(offer, local: Self.local)
        #expect(answer.description.media.map(\.media) == ["video", "audio", "audio", "audio"])
        #expect(answer.description.media.map(\.port) == [0, 0, 40_000, 0])
        #expect(answer.description.media.map(\.proto) == ["RTP/AVP", "RTP/SAVP", "RTP/AVP", "RTP/AVP"])
        #expect(answer.description.media[0].formats == ["96"])
        #expect(answer.media.mediaIndex == 2)
        #expect(answer.media.remoteRTP?.port == 5008)
        #expect(answer.media.remoteRTCP?.port == 5009)
        #expect(!answer.media.rtcpMux)

        // A later re-offer of ours keeps the four m-lines, the others still at port 0.
        let reoffer = negotiator.makeOffer(Self.local)
        #expect(reoffer.media.map(\.port) == [0, 0, 40_000, 0])
        #expect(reoffer.media[2].payloadTypes == [96, 0, 8, 97, 98])
    }

    @Test("an offer with nothing we can take throws noAcceptableMedia", arguments: [
        ["m=audio 5004 RTP/AVP 18", "a=rtpmap:18 G729/8000"],
        ["m=video 5004 RTP/AVP 31"],
        ["m=audio 0 RTP/AVP 0"],
        ["m=audio 5004 RTP/SAVP 0"],
    ])
    func nothingAcceptable(media: [String]) throws {
        let offer = try SessionDescription(parsing: SDPFixtures.sdp(
            ["v=0", "o=bob 7 7 IN IP4 192.0.2.20", "s=-", "c=IN IP4 192.0.2.20", "t=0 0"] + media))
        var negotiator = SDPNegotiator(address: "192.0.2.10")
        #expect(throws: SDPNegotiationError(.noAcceptableMedia, "")) {
            _ = try negotiator.receiveOffer(offer, local: Self.local)
        }
    }

    /// The offer's direction lines, our local direction, the answer's direction and whether
    /// the remote holds us.
    static let directionCases: [(offer: [String], local: SDPDirection, answer: SDPDirection, heldByRemote: Bool)] = [
        ([], .sendrecv, .sendrecv, false),
        (["a=sendrecv"], .sendrecv, .sendrecv, false),
        (["a=sendonly"], .sendrecv, .recvonly, true),
        (["a=recvonly"], .sendrecv, .sendonly, false),
        (["a=inactive"], .sendrecv, .inactive, true),
        (["c=IN IP4 0.0.0.0"], .sendrecv, .recvonly, true),
        (["c=IN IP4 0.0.0.0", "a=sendonly"], .sendrecv, .recvonly, true),
        (["c=IN IP4 0.0.0.0", "a=recvonly"], .sendrecv, .inactive, true),
        ([], .sendonly, .sendonly, false),
        (["a=sendonly"], .sendonly, .inactive, true),
        (["a=recvonly"], .recvonly, .inactive, false),
        ([], .inactive, .inactive, false),
    ]

    @Test("answer directions: sendonly ↔ recvonly, inactive ↔ inactive, 0.0.0.0 legacy hold", arguments: 0..<directionCases.count)
    func directions(_ index: Int) throws {
        let row = Self.directionCases[index]
        let offer = try SessionDescription(parsing: SDPFixtures.sdp(
            ["v=0", "o=bob 7 7 IN IP4 192.0.2.20", "s=-", "c=IN IP4 192.0.2.20", "t=0 0", "m=audio 5004 RTP/AVP 0"] + row.offer))
        var local = Self.local
        local.direction = row.local
        var negotiator = SDPNegotiator(address: "192.0.2.10")
        let answer = try negotiator.receiveOffer(offer, local: local)
        #expect(answer.description.media[0].direction == row.answer)
        #expect(answer.media.direction == row.answer)
        #expect(answer.media.isHeldByRemote == row.heldByRemote)
        #expect(answer.media.sends == (row.answer.sends && !row.offer.contains("c=IN IP4 0.0.0.0")))
    }

    @Test("a session-level a=sendonly hold offer applies to the media")
    func sessionLevelHold() throws {
        let offer = try SessionDescription(parsing: SDPFixtures.sdp([
            "v=0", "o=bob 7 8 IN IP4 192.0.2.20", "s=-", "c=IN IP4 192.0.2.20", "t=0 0", "a=sendonly", "m=audio 5004 RTP/AVP 0",
        ]))
        var negotiator = SDPNegotiator(address: "192.0.2.10")
        let answer = try negotiator.receiveOffer(offer, local: Self.local)
        #expect(answer.description.media[0].direction == .recvonly)
        #expect(answer.media.isHeldByRemote)
    }

    @Test("offer: our codecs with static and dynamic types, fmtp, ptime, rtcp-mux, direction")
    func offer() throws {
        var negotiator = SDPNegotiator(sessionID: 1_000, address: "192.0.2.10")
        let offer = negotiator.makeOffer(Self.local)
        let expected = SDPFixtures.sdp([
            "v=0",
            "o=- 1000 1000 IN IP4 192.0.2.10",
            "s=-",
            "c=IN IP4 192.0.2.10",
            "t=0 0",
            "m=audio 40000 RTP/AVP 96 0 8 97 98",
            "a=rtpmap:96 opus/48000/2",
            "a=fmtp:96 useinbandfec=1;maxplaybackrate=48000;stereo=0",
            "a=rtpmap:0 PCMU/8000",
            "a=rtpmap:8 PCMA/8000",
            "a=rtpmap:97 telephone-event/48000",
            "a=fmtp:97 0-16",
            "a=rtpmap:98 telephone-event/8000",
            "a=fmtp:98 0-16",
            "a=ptime:20",
            "a=rtcp-mux",
            "a=sendrecv",
        ])
        #expect(offer.text == expected)
        #expect(negotiator.hasPendingOffer)
    }

    @Test("an IPv6 offer writes IP6 in o= and c=, and without mux a=rtcp names the RTCP port")
    func ipv6Offer() throws {
        var negotiator = SDPNegotiator(sessionID: 5, address: "2001:db8::10")
        let local = SDPLocalMedia(address: "2001:db8::10", port: 40_002, codecs: [.pcmu], rtcpMux: false, rtcpPort: 40_003)
        let text = negotiator.makeOffer(local).text
        #expect(text.contains("o=- 5 5 IN IP6 2001:db8::10\r\n"))
        #expect(text.contains("c=IN IP6 2001:db8::10\r\n"))
        #expect(text.contains("a=rtcp:40003\r\n"))
        #expect(!text.contains("rtcp-mux"))
    }

    @Test("re-offers keep the session id and bump the version only when the description changes")
    func versions() throws {
        var negotiator = SDPNegotiator(sessionID: 77, address: "192.0.2.10")
        let first = negotiator.makeOffer(Self.local)
        _ = try negotiator.receiveAnswer(Self.answer(to: first))
        let same = negotiator.makeOffer(Self.local)
        #expect(same.origin.sessionID == 77)
        #expect(same.origin.sessionVersion == first.origin.sessionVersion)
        _ = try negotiator.receiveAnswer(Self.answer(to: same))

        var hold = Self.local
        hold.direction = hold.direction.held
        let held = negotiator.makeOffer(hold)
        #expect(held.media[0].direction == .sendonly)
        #expect(held.origin.sessionID == 77)
        #expect(held.origin.sessionVersion == first.origin.sessionVersion + 1)
        let heldMedia = try negotiator.receiveAnswer(Self.answer(to: held, direction: "a=recvonly"))
        #expect(heldMedia.direction == .sendonly)

        let resumed = negotiator.makeOffer(Self.local)
        #expect(resumed.media[0].direction == .sendrecv)
        #expect(resumed.origin.sessionVersion == first.origin.sessionVersion + 2)
        // Payload types agreed in the first exchange stay.
        #expect(resumed.media[0].formats == first.media[0].formats)
    }

    /// An answer from 192.0.2.30:6000 to `offer` taking PCMA and telephone-event/8000 back.
    static func answer(to offer: SessionDescription, direction: String = "a=sendrecv", extra: [String] = []) throws -> SessionDescription {
        let events = offer.media[0].rtpMaps.first { $0.encodingName == "telephone-event" && $0.clockRate == 8_000 }
        let type = events?.payloadType ?? 101
        return try SessionDescription(parsing: SDPFixtures.sdp([
            "v=0", "o=carol 9 9 IN IP4 192.0.2.30", "s=-", "c=IN IP4 192.0.2.30", "t=0 0",
            "m=audio 6000 RTP/AVP 8 \(type)", "a=rtpmap:8 PCMA/8000", "a=rtpmap:\(type) telephone-event/8000",
            "a=ptime:30", direction,
        ] + extra))
    }

    @Test("processing an answer: codec, remote RTP and RTCP, direction, ptime, telephone-event type")
    func processAnswer() throws {
        var negotiator = SDPNegotiator(address: "192.0.2.10")
        let offer = negotiator.makeOffer(Self.local)
        let media = try negotiator.receiveAnswer(Self.answer(to: offer, extra: ["a=rtcp:6003 IN IP4 192.0.2.31"]))
        #expect(media.codec == NegotiatedCodec(payloadType: 8, encodingName: "PCMA", clockRate: 8_000))
        #expect(media.telephoneEvent?.payloadType == 98)
        #expect(media.remoteRTP == SDPTransportAddress(host: "192.0.2.30", port: 6_000))
        #expect(media.remoteRTCP == SDPTransportAddress(host: "192.0.2.31", port: 6_003))
        #expect(!media.rtcpMux)
        #expect(media.direction == .sendrecv)
        #expect(media.packetTime == 30)
        #expect(media.localPort == 40_000)
        #expect(!negotiator.hasPendingOffer)
    }

    @Test("answers that cannot be used", arguments: [
        ("port 0", ["m=audio 0 RTP/AVP 8"], SDPNegotiationError.Code.mediaRejected),
        ("a codec we did not offer", ["m=audio 6000 RTP/AVP 18"], .mediaRejected),
        ("two m-lines for one", ["m=audio 6000 RTP/AVP 8", "m=video 0 RTP/AVP 31"], .mediaMismatch),
    ])
    func badAnswers(name: String, media: [String], code: SDPNegotiationError.Code) throws {
        var negotiator = SDPNegotiator(address: "192.0.2.10")
        _ = negotiator.makeOffer(Self.local)
        let answer = try SessionDescription(parsing: SDPFixtures.sdp(
            ["v=0", "o=carol 9 9 IN IP4 192.0.2.30", "s=-", "c=IN IP4 192.0.2.30", "t=0 0"] + media))
        #expect(throws: SDPNegotiationError(code, mediaIndex: code == .mediaMismatch ? nil : 0, "")) {
            _ = try negotiator.receiveAnswer(answer)
        }
    }

    @Test("an answer with no offer pending, and an offer during ours (glare)")
    func outOfOrder() throws {
        var negotiator = SDPNegotiator(address: "192.0.2.10")
        let stray = try SessionDescription(parsing: SDPFixtures.phoneOffer)
        #expect(throws: SDPNegotiationError(.noPendingOffer, "")) { _ = try negotiator.receiveAnswer(stray) }
        _ = negotiator.makeOffer(Self.local)
        #expect(throws: SDPNegotiationError(.offerPending, "")) { _ = try negotiator.receiveOffer(stray, local: Self.local) }
        negotiator.cancelOffer()
        #expect(try negotiator.receiveOffer(stray, local: Self.local).media.codec.payloadType == 111)
    }

    @Test("a remote re-offer that drops m-lines is refused")
    func droppedLines() throws {
        var negotiator = SDPNegotiator(address: "192.0.2.10")
        let two = try SessionDescription(parsing: SDPFixtures.sdp([
            "v=0", "o=bob 7 7 IN IP4 192.0.2.20", "s=-", "c=IN IP4 192.0.2.20", "t=0 0",
            "m=audio 5004 RTP/AVP 0", "m=video 5006 RTP/AVP 31",
        ]))
        _ = try negotiator.receiveOffer(two, local: Self.local)
        var one = two
        one.media.removeLast()
        #expect(throws: SDPNegotiationError(.mediaRemoved, "")) { _ = try negotiator.receiveOffer(one, local: Self.local) }
    }

    @Test("answering the same re-offer twice sends the same version")
    func unchangedAnswer() throws {
        var negotiator = SDPNegotiator(address: "192.0.2.10")
        let offer = try SessionDescription(parsing: SDPFixtures.phoneOffer)
        let first = try negotiator.receiveOffer(offer, local: Self.local)
        let second = try negotiator.receiveOffer(offer, local: Self.local)
        #expect(first.description == second.description)
        var held = offer
        held.media[0].setDirection(.sendonly)
        let third = try negotiator.receiveOffer(held, local: Self.local)
        #expect(third.description.origin.sessionVersion == first.description.origin.sessionVersion + 1)
    }
}

extension String {
    /// The string with every `target` replaced by `replacement` (no Foundation here).
    func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        var result = ""
        var rest = self[...]
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound] + replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
