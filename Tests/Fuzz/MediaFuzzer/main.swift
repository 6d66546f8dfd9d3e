// libFuzzer target for the media decoders that take bytes from the network: SDP (parse, write,
// parse again, its a=crypto lines (RFC 4568) parsed and written back, offer/answer against our
// capabilities, with and without SRTP), RTP packets, RTCP compound packets,
// RFC 4733 telephone events, and the Opus fmtp parameters.
//
// Built only by Tests/Fuzz/run-fuzzers.sh (SWIFTSIP_FUZZ=1, -sanitize=fuzzer,address,
// -parse-as-library); see Tests/Fuzz/README.md. The first byte picks the decoder, the rest is its
// input. A thrown parse error is an expected outcome; a crash, a sanitizer report, a Swift trap or
// a broken property (`fail`) is a bug.

import Audio
import FuzzSupport
import NIOCore
import RTP
import SDP

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let input = ByteBuffer(bytes: UnsafeBufferPointer(start: data + 1, count: size - 1))
    switch data[0] % 5 {
    case 0: fuzzSDP(input)
    case 1: fuzzRTP(input)
    case 2: fuzzRTCP(input)
    case 3: fuzzTelephoneEvent(input)
    default: fuzzOpusFormatParameters(input)
    }
    finishInput()
    return 0
}

/// Parses a session description; what parses must write and parse back to the same value, and
/// answering it as an offer (and taking it as an answer to our offer) must not trap.
func fuzzSDP(_ input: ByteBuffer) {
    guard let description = try? SessionDescription(parsing: input) else { return }
    let text = description.text
    blackHole(text)
    do {
        let again = try SessionDescription(parsing: text)
        check(again == description, "SDP written and parsed again differs")
    } catch {
        fail("SDP we wrote does not parse: \(error)")
    }
    for media in description.media {
        for attribute in media.attributes where attribute.name.lowercased() == "crypto" {
            guard let value = attribute.value, let crypto = try? SDPCryptoAttribute(parsing: value) else { continue }
            check((try? SDPCryptoAttribute(parsing: crypto.value)) == crypto, "a=crypto written and parsed again differs")
        }
    }
    let key = SDPCryptoKeyParameter(keySalt: [UInt8](repeating: 0x5A, count: 30))
    let security = SDPMediaSecurity(policy: .optional, cryptos: [
        SDPCryptoAttribute(tag: 1, suite: "AES_CM_128_HMAC_SHA1_80", keyParameters: [key]),
        SDPCryptoAttribute(tag: 2, suite: "AES_CM_128_HMAC_SHA1_32", keyParameters: [key]),
    ])
    for security in [nil, security] {
        var answerer = SDPNegotiator(username: "fuzz", address: "127.0.0.1")
        let local = SDPLocalMedia(address: "127.0.0.1", port: 40_000, codecs: SDPLocalMedia.defaultCodecs, security: security)
        if let answer = try? answerer.receiveOffer(description, local: local) {
            blackHole(answer.description.text)
            check((try? SessionDescription(parsing: answer.description.text)) != nil, "our answer does not parse")
        }
        var offerer = SDPNegotiator(username: "fuzz", address: "127.0.0.1")
        _ = offerer.makeOffer(local)
        if let media = try? offerer.receiveAnswer(description) { blackHole(media.codec.payloadType) }
    }
}

/// Parses an RTP packet and reads every field.
func fuzzRTP(_ input: ByteBuffer) {
    blackHole(RTPDemultiplexer.classify(input) == .rtp)
    guard let packet = try? RTPPacket(parsing: input) else { return }
    blackHole(packet.payloadType)
    blackHole(packet.sequenceNumber)
    blackHole(packet.timestamp)
    blackHole(packet.ssrc)
    blackHole(packet.marker)
    blackHole(packet.payload.readableBytes)
    check(packet.payload.readableBytes <= input.readableBytes, "payload longer than the packet")
}

/// Parses an RTCP compound packet, strictly and leniently.
func fuzzRTCP(_ input: ByteBuffer) {
    for strict in [true, false] {
        guard let compound = try? RTCPCompoundPacket(parsing: input, requireReportFirst: strict) else { continue }
        blackHole(compound.packets.count)
        var written = ByteBuffer()
        written.writeRTCPCompoundPacket(compound)
        blackHole(written.readableBytes)
    }
}

/// Parses a telephone-event payload and feeds it to a receiver.
func fuzzTelephoneEvent(_ input: ByteBuffer) {
    guard let event = try? TelephoneEvent(parsing: input) else { return }
    blackHole(event.digit)
    var receiver = TelephoneEventReceiver()
    let timestamp = input.getInteger(at: input.readerIndex, as: UInt32.self) ?? 0
    for detected in receiver.receive(event, timestamp: timestamp, arrival: .uptimeNanoseconds(1_000)) {
        blackHole(detected.duration)
    }
    blackHole(receiver.expire(now: .uptimeNanoseconds(10_000_000_000))?.event)
}

/// Parses Opus fmtp parameters; what parses must write and parse back to the same value.
func fuzzOpusFormatParameters(_ input: ByteBuffer) {
    let text = String(decoding: input.readableBytesView, as: UTF8.self)
    guard let parameters = try? OpusFormatParameters(fmtp: text) else { return }
    check((try? OpusFormatParameters(fmtp: parameters.fmtp)) == parameters, "fmtp written and parsed again differs")
}

// MARK: - Entry point

@_cdecl("MediaFuzzer_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, fuzz)
}
