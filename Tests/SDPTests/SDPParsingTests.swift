import NIOCore
import SDP
import Testing

@Suite("SDP: parsing and writing (RFC 8866)")
struct SDPParsingTests {
    @Test("a phone's offer: origin, connection, media, rtpmap, fmtp, ptime, rtcp, rtcp-mux, direction")
    func phoneOffer() throws {
        let description = try SessionDescription(parsing: SDPFixtures.phoneOffer)
        #expect(description.origin == SDPOrigin(username: "alice", sessionID: 2_890_844_526, sessionVersion: 2_890_844_527, address: "192.0.2.10"))
        #expect(description.sessionName == "-")
        #expect(description.connection == SDPConnection(addressType: "IP4", address: "192.0.2.10"))
        #expect(description.timings == [SDPTiming(start: 0, stop: 0)])
        #expect(description.media.count == 1)
        let audio = try #require(description.media.first)
        #expect(audio.media == "audio")
        #expect(audio.port == 49_170)
        #expect(audio.proto == "RTP/AVP")
        #expect(audio.payloadTypes == [111, 0, 8, 101, 110])
        #expect(audio.rtpMap(for: 111) == SDPRTPMap(payloadType: 111, encodingName: "opus", clockRate: 48_000, channels: 2))
        #expect(audio.rtpMap(for: 101)?.encodingName == "telephone-event")
        #expect(audio.formatParameters(for: 111) == "minptime=10;useinbandfec=1")
        #expect(audio.formatParameters(for: 101) == "0-16")
        #expect(audio.formatParameters(for: 0) == nil)
        #expect(audio.packetTime == 20)
        #expect(audio.maxPacketTime == 60)
        #expect(audio.rtcp == SDPRTCPAttribute(port: 49_171))
        #expect(audio.isRTCPMuxed)
        #expect(audio.direction == .sendrecv)
        #expect(description.effectiveConnection(of: audio)?.address == "192.0.2.10")
    }

    @Test("static payload types resolve without an rtpmap line (RFC 3551 §6)")
    func staticPayloadTypes() throws {
        let description = try SessionDescription(parsing: SDPFixtures.sdp([
            "v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=-", "c=IN IP4 192.0.2.1", "t=0 0", "m=audio 4000 RTP/AVP 0 8 18 96",
        ]))
        let audio = try #require(description.media.first)
        #expect(audio.rtpMap(for: 0)?.encodingName == "PCMU")
        #expect(audio.rtpMap(for: 8)?.encodingName == "PCMA")
        #expect(audio.rtpMap(for: 18)?.encodingName == "G729")
        #expect(audio.rtpMap(for: 96) == nil)
    }

    @Test("every tolerated line type, IPv6, multicast TTL and count, port count, session direction")
    func everyLineType() throws {
        let description = try SessionDescription(parsing: SDPFixtures.everyLineType)
        #expect(description.origin.addressType == "IP6")
        #expect(description.information == "A session about SDP")
        #expect(description.uri == "http://www.example.com/seminars/sdp.pdf")
        #expect(description.emails == ["j.doe@example.com (Jane Doe)"])
        #expect(description.phones == ["+1 617 555-6011"])
        #expect(description.bandwidths == [SDPBandwidth(type: "CT", value: 128)])
        #expect(description.timings == [SDPTiming(start: 2_873_397_496, stop: 2_873_404_696, repeats: ["7d 1h 0 25h"])])
        #expect(description.timeZones == "2882844526 -1h 2898848070 0")
        #expect(description.encryptionKey == "prompt")
        #expect(description.direction == .recvonly)
        #expect(description.media.count == 2)
        #expect(description.media[0].portCount == 2)
        #expect(description.media[0].information == "voice")
        #expect(description.media[0].connections == [SDPConnection(addressType: "IP6", address: "2001:db8::2")])
        #expect(description.media[0].direction == nil)
        #expect(description.effectiveDirection(of: description.media[0]) == .recvonly)
        #expect(description.media[1].connections == [SDPConnection(addressType: "IP4", address: "224.2.17.12", ttl: 127, addressCount: 2)])
        #expect(description.media[1].isRTP == false)
        #expect(description.media[1].formats == ["wb"])
    }

    @Test("writing gives canonical CRLF lines, and parsing them gives the same value", arguments: [
        SDPFixtures.phoneOffer, SDPFixtures.audioVideoOffer, SDPFixtures.everyLineType,
    ])
    func roundTrip(text: String) throws {
        let description = try SessionDescription(parsing: text)
        let written = description.text
        #expect(try SessionDescription(parsing: written) == description)
        #expect(written.hasSuffix("\r\n"))
        #expect(!written.replacingCRLF.contains("\r") && !written.replacingCRLF.contains("\n"))
        #expect(written.hasPrefix("v=0\r\no="))
    }

    @Test("canonical order: c= before t=, media lines after session attributes")
    func canonicalOrder() throws {
        // RFC 3264's example puts t= before c=; RFC 8866 §5 orders c= first.
        let written = try SessionDescription(parsing: SDPFixtures.audioVideoOffer).text
        let lines = written.split(separator: "\r\n").map(String.init)
        #expect(lines.prefix(5) == ["v=0", "o=carol 28908764872 28908764872 IN IP4 100.3.6.6", "s=-", "c=IN IP4 192.0.2.4", "t=0 0"])
    }

    @Test("bare LF line endings and blank lines are tolerated")
    func bareLineFeeds() throws {
        let text = SDPFixtures.phoneOffer.split(separator: "\r\n").joined(separator: "\n") + "\n\n"
        #expect(try SessionDescription(parsing: text) == SessionDescription(parsing: SDPFixtures.phoneOffer))
    }

    @Test("a CR, LF or NUL inside a field is written as a space, never as a new line")
    func noLineInjection() throws {
        var description = try SessionDescription(parsing: SDPFixtures.phoneOffer)
        description.sessionName = "evil\r\na=injected"
        description.media[0].attributes.append(SDPAttribute("x-note", "one\ntwo\u{0}"))
        let reparsed = try SessionDescription(parsing: description.text)
        #expect(reparsed.sessionName == "evil  a=injected")
        #expect(reparsed.media[0].attributeValue("x-note") == "one two ")
        #expect(!reparsed.attributes.contains { $0.name == "injected" })
    }

    @Test("setDirection replaces the direction in place")
    func settingDirection() throws {
        var audio = try #require(try SessionDescription(parsing: SDPFixtures.phoneOffer).media.first)
        audio.setDirection(.sendonly)
        #expect(audio.direction == .sendonly)
        #expect(audio.attributes.filter { SDPDirection(rawValue: $0.name) != nil }.count == 1)
        #expect(audio.attributes.last == SDPAttribute("sendonly"))
    }
}

extension String {
    /// The string with every CRLF removed (to look for stray CRs and LFs).
    var replacingCRLF: String { String(filter { $0 != "\r\n" }) }
}
