import SDP
import Testing

/// Descriptions shaped like those real peers send: a PBX, a softphone, a browser.
@Suite("SDP: descriptions shaped like real peers'")
struct SDPInteropTests {
    static let local = SDPLocalMedia(address: "192.0.2.10", port: 40_000)

    /// A PBX offer: static types first, telephone-event at 8000, maxptime, explicit sendrecv.
    static let pbxOffer = SDPFixtures.sdp([
        "v=0",
        "o=- 1811403398 1811403398 IN IP4 203.0.113.5",
        "s=Asterisk",
        "c=IN IP4 203.0.113.5",
        "t=0 0",
        "m=audio 12146 RTP/AVP 8 0 3 101",
        "a=rtpmap:8 PCMA/8000",
        "a=rtpmap:0 PCMU/8000",
        "a=rtpmap:3 GSM/8000",
        "a=rtpmap:101 telephone-event/8000",
        "a=fmtp:101 0-16",
        "a=maxptime:150",
        "a=sendrecv",
    ])

    /// A browser offer: ICE, DTLS-SRTP, BUNDLE, extmap, ssrc lines, port 9.
    static let browserOffer = SDPFixtures.sdp([
        "v=0",
        "o=- 4611731400430051336 2 IN IP4 127.0.0.1",
        "s=-",
        "t=0 0",
        "a=group:BUNDLE 0",
        "a=extmap-allow-mixed",
        "a=msid-semantic: WMS",
        "m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126",
        "c=IN IP4 0.0.0.0",
        "a=rtcp:9 IN IP4 0.0.0.0",
        "a=ice-ufrag:khLS",
        "a=ice-pwd:cxLzteJaJBou3DspNaPsJhlQ",
        "a=ice-options:trickle",
        "a=fingerprint:sha-256 FA:14:42:3B:C7:97:1B:E8:AE:0C:2E:40:2B:C6:E2:8E:A8:E9:0C:3C:1E:30:D0:7C:E1:4F:9B:DB:1C:88:DE:8A",
        "a=setup:actpass",
        "a=mid:0",
        "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level",
        "a=sendrecv",
        "a=msid:- 7a1b",
        "a=rtcp-mux",
        "a=rtpmap:111 opus/48000/2",
        "a=rtcp-fb:111 transport-cc",
        "a=fmtp:111 minptime=10;useinbandfec=1",
        "a=rtpmap:63 red/48000/2",
        "a=fmtp:63 111/111",
        "a=rtpmap:9 G722/8000",
        "a=rtpmap:0 PCMU/8000",
        "a=rtpmap:8 PCMA/8000",
        "a=rtpmap:13 CN/8000",
        "a=rtpmap:110 telephone-event/48000",
        "a=rtpmap:126 telephone-event/8000",
        "a=ssrc:3735928559 cname:abcd",
    ])

    @Test("a PBX offer is answered with PCMA, PCMU and telephone-event 101, keeping its types")
    func pbx() throws {
        var negotiator = SDPNegotiator(address: "192.0.2.10")
        let answer = try negotiator.receiveOffer(try SessionDescription(parsing: Self.pbxOffer), local: Self.local)
        #expect(answer.description.media[0].formats == ["8", "0", "101"])
        #expect(answer.media.codec.encodingName == "PCMA")
        #expect(answer.media.telephoneEvent?.payloadType == 101)
        #expect(answer.media.packetTime == 20)
        #expect(answer.media.remoteRTCP == SDPTransportAddress(host: "203.0.113.5", port: 12_147))
        #expect(!answer.media.rtcpMux)
        #expect(!answer.description.media[0].isRTCPMuxed)
    }

    @Test("a browser offer parses fully and is refused: we do not speak DTLS-SRTP")
    func browser() throws {
        let offer = try SessionDescription(parsing: Self.browserOffer)
        let audio = try #require(offer.media.first)
        #expect(audio.proto == "UDP/TLS/RTP/SAVPF")
        #expect(audio.isRTP)
        #expect(audio.payloadTypes == [111, 63, 9, 0, 8, 13, 110, 126])
        #expect(audio.rtcp == SDPRTCPAttribute(port: 9, connection: SDPConnection(addressType: "IP4", address: "0.0.0.0")))
        #expect(offer.origin.sessionID == 4_611_731_400_430_051_336)
        #expect(offer.attributes.first == SDPAttribute("group", "BUNDLE 0"))
        #expect(try SessionDescription(parsing: offer.text) == offer)
        var negotiator = SDPNegotiator(address: "192.0.2.10")
        #expect(throws: SDPNegotiationError(.noAcceptableMedia, "")) {
            _ = try negotiator.receiveOffer(offer, local: Self.local)
        }
    }

    @Test("an rtpmap with two spaces after the type is tolerated")
    func doubleSpace() throws {
        let text = Self.pbxOffer.replacingOccurrences("a=rtpmap:8 PCMA/8000", "a=rtpmap:8  PCMA/8000")
        let audio = try #require(try SessionDescription(parsing: text).media.first)
        #expect(audio.rtpMap(for: 8)?.encodingName == "PCMA")
    }
}
