import SDP
import Testing

/// SRTP negotiated with SDES in offer/answer (RFC 4568 §7, RFC 3264): our policy (off,
/// optional, required) against what peers offer, and our offers against what peers answer.
@Suite("SDP: SRTP offer/answer with SDES (RFC 4568)")
struct SDPSecureOfferAnswerTests {
    static let peerKey = "PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR"
    static let key80 = SDPCryptoKeyParameter(keySalt: [UInt8](repeating: 0x80, count: 30))
    static let key32 = SDPCryptoKeyParameter(keySalt: [UInt8](repeating: 0x32, count: 30))

    /// Our media with `policy` (nil: off), listing _80 then _32.
    static func local(_ policy: SDPMediaSecurity.Policy?) -> SDPLocalMedia {
        var media = SDPLocalMedia(address: "192.0.2.10", port: 40_000)
        media.security = policy.map {
            SDPMediaSecurity(policy: $0, cryptos: [
                SDPCryptoAttribute(tag: 1, suite: "AES_CM_128_HMAC_SHA1_80", keyParameters: [key80]),
                SDPCryptoAttribute(tag: 2, suite: "AES_CM_128_HMAC_SHA1_32", keyParameters: [key32]),
            ])
        }
        return media
    }

    /// A peer's offer of PCMU in `proto` with `cryptos` lines.
    static func offer(_ proto: String, _ cryptos: [String]) -> String {
        SDPFixtures.sdp(
            ["v=0", "o=peer 7 7 IN IP4 192.0.2.20", "s=-", "c=IN IP4 192.0.2.20", "t=0 0", "m=audio 5004 \(proto) 0 101",
             "a=rtpmap:101 telephone-event/8000"] + cryptos.map { "a=crypto:" + $0 })
    }

    enum Outcome: Sendable, Equatable {
        case plain
        /// Encrypted with the suite under the offered tag.
        case encrypted(String, tag: UInt32)
        /// 488.
        case refused
    }

    struct Case: CustomTestStringConvertible, Sendable {
        let policy: SDPMediaSecurity.Policy?
        let offer: String
        let what: String
        let outcome: Outcome
        var testDescription: String { "\(policy?.rawValue ?? "off") × \(what) → \(outcome)" }
    }

    static let avp = offer("RTP/AVP", [])
    static let avpCrypto = offer("RTP/AVP", ["1 AES_CM_128_HMAC_SHA1_80 inline:\(peerKey)"])
    static let savpCrypto = offer("RTP/SAVP", ["1 AES_CM_128_HMAC_SHA1_80 inline:\(peerKey)|2^31"])
    static let savpBare = offer("RTP/SAVP", [])
    static let savpUnusable = offer("RTP/SAVP", [
        "1 AES_CM_128_HMAC_SHA1_80 inline:\(peerKey)|2^20|1:4", "2 AEAD_AES_128_GCM inline:\(peerKey)",
        "3 AES_CM_128_HMAC_SHA1_32 inline:short", "4 AES_CM_128_HMAC_SHA1_80 inline:\(peerKey) UNENCRYPTED_SRTP",
    ])
    static let savpfChoice = offer("RTP/SAVPF", [
        "1 AEAD_AES_256_GCM inline:\(peerKey)", "2 AES_CM_128_HMAC_SHA1_32 inline:\(peerKey)",
        "3 AES_CM_128_HMAC_SHA1_80 inline:\(peerKey)",
    ])

    static let cases: [Case] = [
        Case(policy: nil, offer: avp, what: "RTP/AVP", outcome: .plain),
        Case(policy: nil, offer: avpCrypto, what: "RTP/AVP + crypto", outcome: .plain),
        Case(policy: nil, offer: savpCrypto, what: "RTP/SAVP + crypto", outcome: .refused),
        Case(policy: nil, offer: savpBare, what: "RTP/SAVP without crypto", outcome: .refused),
        Case(policy: .optional, offer: avp, what: "RTP/AVP", outcome: .plain),
        Case(policy: .optional, offer: avpCrypto, what: "RTP/AVP + crypto", outcome: .encrypted("AES_CM_128_HMAC_SHA1_80", tag: 1)),
        Case(policy: .optional, offer: savpCrypto, what: "RTP/SAVP + crypto", outcome: .encrypted("AES_CM_128_HMAC_SHA1_80", tag: 1)),
        Case(policy: .optional, offer: savpBare, what: "RTP/SAVP without crypto", outcome: .refused),
        Case(policy: .optional, offer: savpUnusable, what: "RTP/SAVP with only unusable crypto", outcome: .refused),
        Case(policy: .optional, offer: savpfChoice, what: "RTP/SAVPF, GCM first", outcome: .encrypted("AES_CM_128_HMAC_SHA1_32", tag: 2)),
        Case(policy: .required, offer: avp, what: "RTP/AVP", outcome: .refused),
        Case(policy: .required, offer: avpCrypto, what: "RTP/AVP + crypto", outcome: .encrypted("AES_CM_128_HMAC_SHA1_80", tag: 1)),
        Case(policy: .required, offer: savpCrypto, what: "RTP/SAVP + crypto", outcome: .encrypted("AES_CM_128_HMAC_SHA1_80", tag: 1)),
        Case(policy: .required, offer: savpBare, what: "RTP/SAVP without crypto", outcome: .refused),
        Case(policy: .required, offer: savpUnusable, what: "RTP/SAVP with only unusable crypto", outcome: .refused),
    ]

    @Test("answering: our policy against the peer's offer", arguments: cases)
    func answering(_ testCase: Case) throws {
        var negotiator = SDPNegotiator(address: "192.0.2.10")
        let offer = try SessionDescription(parsing: testCase.offer)
        let answer: SDPAnswer
        do {
            answer = try negotiator.receiveOffer(offer, local: Self.local(testCase.policy))
        } catch {
            #expect(error.code == .noAcceptableMedia)
            #expect(testCase.outcome == .refused)
            return
        }
        let audio = try #require(answer.description.media.first)
        #expect(audio.proto == offer.media[0].proto)
        // The answer is valid SDP that parses back the same.
        #expect(try SessionDescription(parsing: answer.description.text) == answer.description)
        switch testCase.outcome {
        case .refused:
            Issue.record("answered \(answer.description.text)")
        case .plain:
            #expect(answer.media.crypto == nil)
            #expect(!audio.hasAttribute("crypto"))
        case .encrypted(let suite, let tag):
            let crypto = try #require(answer.media.crypto)
            #expect(crypto.suite.name == suite)
            #expect(crypto.tag == tag)
            #expect(crypto.remoteKey.keySalt.count == 30)
            let ours = suite.hasSuffix("80") ? Self.key80 : Self.key32
            #expect(crypto.localKey == ours)
            // Exactly one line, under the offer's tag, with our key.
            #expect(audio.cryptoAttributes == [SDPCryptoAttribute(tag: tag, suite: suite, keyParameters: [ours])])
        }
    }

    @Test("offers: RTP/SAVP when required, RTP/AVP when optional, both with tagged lines; none when off")
    func offers() throws {
        for (policy, proto) in [(SDPMediaSecurity.Policy?.some(.required), "RTP/SAVP"), (.optional, "RTP/AVP"), (nil, "RTP/AVP")] {
            var negotiator = SDPNegotiator(address: "192.0.2.10")
            let offer = negotiator.makeOffer(Self.local(policy))
            let audio = try #require(offer.media.first)
            #expect(audio.proto == proto)
            let parsed = try SessionDescription(parsing: offer.text).media[0].cryptoAttributes
            if policy == nil {
                #expect(parsed.isEmpty)
            } else {
                #expect(parsed.map(\.tag) == [1, 2])
                #expect(parsed.map(\.suite) == ["AES_CM_128_HMAC_SHA1_80", "AES_CM_128_HMAC_SHA1_32"])
                #expect(parsed.map { $0.keyParameters } == [[Self.key80], [Self.key32]])
            }
        }
    }

    /// The peer's answer to our offer: PCMU in `proto` with `cryptos`.
    static func answer(_ proto: String, _ cryptos: [String]) throws -> SessionDescription {
        try SessionDescription(parsing: SDPFixtures.sdp(
            ["v=0", "o=peer 8 8 IN IP4 192.0.2.30", "s=-", "c=IN IP4 192.0.2.30", "t=0 0", "m=audio 6000 \(proto) 0"]
                + cryptos.map { "a=crypto:" + $0 }))
    }

    @Test("answers to our offer: the tag picks our key; a missing line is plain only when optional")
    func takingAnswers() throws {
        func exchange(_ policy: SDPMediaSecurity.Policy, _ answer: SessionDescription) throws(SDPNegotiationError) -> NegotiatedMedia {
            var negotiator = SDPNegotiator(address: "192.0.2.10")
            _ = negotiator.makeOffer(Self.local(policy))
            return try negotiator.receiveAnswer(answer)
        }
        let chosen = try exchange(.required, try Self.answer("RTP/SAVP", ["2 AES_CM_128_HMAC_SHA1_32 inline:\(Self.peerKey)"]))
        let crypto = try #require(chosen.crypto)
        #expect(crypto.suite == .aesCM128HMACSHA1_32 && crypto.tag == 2)
        #expect(crypto.localKey == Self.key32)
        #expect(crypto.remoteKey.keySalt.count == 30 && crypto.remoteKey.keySalt != Self.key32.keySalt)

        #expect(try exchange(.optional, try Self.answer("RTP/AVP", [])).crypto == nil)
        #expect(try exchange(.optional, try Self.answer("RTP/AVP", ["1 AES_CM_128_HMAC_SHA1_80 inline:\(Self.peerKey)"])).crypto?.tag == 1)

        let refusals: [(SDPMediaSecurity.Policy, SessionDescription)] = [
            (.required, try Self.answer("RTP/SAVP", [])),
            (.optional, try Self.answer("RTP/SAVP", [])),
            (.required, try Self.answer("RTP/SAVP", ["3 AES_CM_128_HMAC_SHA1_80 inline:\(Self.peerKey)"])),  // a tag we never offered
            (.required, try Self.answer("RTP/SAVP", ["1 AES_CM_128_HMAC_SHA1_32 inline:\(Self.peerKey)"])),  // tag 1 was _80
            (.optional, try Self.answer("RTP/AVP", ["1 AES_CM_128_HMAC_SHA1_80 inline:\(Self.peerKey)|2^20|1:4"])),
        ]
        for (policy, answer) in refusals {
            #expect(throws: SDPNegotiationError(.cryptoRejected, mediaIndex: 0, "")) { try exchange(policy, answer) }
        }
    }

    @Test("descriptions of the agreement hold no key")
    func redaction() throws {
        var negotiator = SDPNegotiator(address: "192.0.2.10")
        let answer = try negotiator.receiveOffer(try SessionDescription(parsing: Self.avpCrypto), local: Self.local(.optional))
        let crypto = try #require(answer.media.crypto)
        #expect("\(crypto)" == "AES_CM_128_HMAC_SHA1_80 (tag 1)")
        var dumped = ""
        dump(answer.media, to: &dumped)
        #expect(!dumped.contains("128, 128, 128"))
        #expect(!"\(answer.media)".contains("128, 128, 128"))
    }
}
