import Audio
import Foundation
import InteropSupport
import NIOCore
import NIOPosix
import RTP
import SDP
import SIPMessage
import SIPStack
import Testing

/// The media core against a real baresip (issue 4): our agent calls baresip (auto-answer) with
/// an offer from ``SDPNegotiator``, takes the answer, and an ``RTPSession`` exchanges audio with
/// it both ways in the negotiated codec (PCMU, and opus encoded by ``OpusAudioEncoder``). Checked:
/// baresip's RTP arrives in that codec, baresip's RTCP reports arrive and show our stream
/// received, and a DTMF digit baresip sends (RFC 4733) is received once, as that digit.
@Suite(
    "baresip interop: SDP offer/answer, RTP both ways, RTCP and DTMF",
    .serialized,
    .enabled(if: !KamailioInterop.isSkipped, "SWIFTSIP_SKIP_INTEROP=1 skips the interop tests"),
    .timeLimit(.minutes(1))
)
struct BaresipMediaTests {
    /// What the RTP session reported, kept on its event loop.
    final class MediaLog: @unchecked Sendable {
        var audioPackets: [UInt8: Int] = [:]
        var digits: [Character] = []
        var reportsAboutUs: [RTCPReportBlock] = []
        var rtcpPackets = 0
        var ourSSRC: UInt32 = 0

        func record(_ event: RTPSessionEvent) {
            switch event {
            case .audio(let packet, _):
                audioPackets[packet.payloadType, default: 0] += 1
            case .telephoneEvent(let detected):
                if let digit = detected.digit { digits.append(digit) }
            case .rtcp(let compound, _):
                rtcpPackets += 1
                for packet in compound.packets {
                    switch packet {
                    case .senderReport(let report): reportsAboutUs += report.reports.filter { $0.ssrc == ourSSRC }
                    case .receiverReport(let report): reportsAboutUs += report.reports.filter { $0.ssrc == ourSSRC }
                    default: break
                    }
                }
            case .remoteLatched, .goodbye:
                break
            }
        }
    }

    enum Codec: String, CaseIterable, Sendable {
        case pcmu, opus
    }

    @Test("we call baresip; audio both ways in the negotiated codec, RTCP reports our stream; PCMU with a DTMF digit from baresip", arguments: Codec.allCases)
    func mediaWithBaresip(codec: Codec) async throws {
        try await InteropAgent.with(kind: .udp, kamailio: nil) { door in
            var events = door.agent.events.makeAsyncIterator()
            try await BaresipInterop.with(account: { port in "<sip:baresip@127.0.0.1:\(port)>;regint=0;answermode=auto" }) { baresip in
                let loop = door.eventLoop
                let log = MediaLog()
                let (payloadType, clockRate): (UInt8, UInt32) = codec == .pcmu ? (0, 8_000) : (111, 48_000)
                let session = try await RTPSession.start(
                    configuration: .init(
                        host: "127.0.0.1", payloadType: payloadType, clockRate: clockRate, telephoneEventPayloadType: 101,
                        rtcpInterval: RTCPInterval()),
                    on: loop, handler: { event in log.record(event) })
                do {
                    let bound = try await loop.submit { () -> Int? in
                        log.ourSSRC = session.ssrc
                        return session.localRTPAddress?.port
                    }.get()
                    let port = try #require(bound)

                    // The offer: one codec and telephone-event/8000, on the session's port.
                    var negotiator = SDPNegotiator(username: "door", address: "127.0.0.1")
                    let codecs: [SDPCodec] =
                        codec == .pcmu
                        ? [.pcmu, .telephoneEvent(clockRate: 8_000, payloadType: 101)]
                        : [.opus(payloadType: 111), .telephoneEvent(clockRate: 8_000, payloadType: 101)]
                    let offer = negotiator.makeOffer(SDPLocalMedia(address: "127.0.0.1", port: UInt16(port), codecs: codecs))
                    let call = try await door.agent.call("sip:baresip@127.0.0.1:\(baresip.sipPort)", offer: .sdp(offer.text))
                    let state = try await door.nextState(of: call, &events) { state in
                        if case .confirmed = state { return true }
                        return state.isTerminated
                    }
                    guard case .confirmed(let answerBody) = state, let answerBody else {
                        Issue.record("no answer: \(state)")
                        await session.close()
                        return
                    }
                    let media = try negotiator.receiveAnswer(try SessionDescription(parsing: answerBody.string))
                    #expect(media.codec.payloadType == payloadType)
                    #expect(media.codec.encodingName.lowercased() == codec.rawValue)
                    #expect(media.telephoneEvent?.payloadType == 101)
                    let remote = try #require(media.remoteRTP)
                    let remoteRTP = try SocketAddress(ipAddress: remote.host, port: Int(remote.port))
                    let remoteRTCP = try media.remoteRTCP.map { try SocketAddress(ipAddress: $0.host, port: Int($0.port)) }
                    try await loop.submit { session.setRemote(rtp: remoteRTP, rtcp: remoteRTCP) }.get()
                    _ = try await baresip.control.waitFor(["CALL_ESTABLISHED"])

                    // 4 s of a 440 Hz sine in 20 ms frames, paced by the event loop.
                    let frames = try Self.encodedFrames(codec: codec, seconds: 4)
                    let samples = codec == .pcmu ? 160 : 960
                    let sent = try await Self.send(frames, samples: samples, over: session, on: loop)
                    #expect(sent == frames.count)

                    try await baresip.control.send("sndcode", "5")
                    // RTCP (first report within a few seconds) and the digit.
                    for _ in 0..<80 {
                        let done = try await loop.submit { !log.reportsAboutUs.isEmpty && (codec != .pcmu || !log.digits.isEmpty) }.get()
                        if done { break }
                        try await KamailioInterop.pause(.milliseconds(100))
                    }
                    let (audio, digits, reports, rtcp) = try await loop.submit {
                        (log.audioPackets, log.digits, log.reportsAboutUs, log.rtcpPackets)
                    }.get()
                    #expect((audio[payloadType] ?? 0) >= 100, "baresip's audio in \(codec): \(audio)")
                    #expect(audio.keys.allSatisfy { $0 == payloadType }, "only the negotiated payload type: \(audio)")
                    #expect(rtcp >= 1, "RTCP from baresip")
                    // A report block names a source only when its packets were received (RFC 3550
                    // §6.4): baresip heard our stream.
                    let report = try #require(reports.last, "a report block about our SSRC")
                    #expect(report.cumulativeLost <= 2, "baresip lost \(report.cumulativeLost) of our packets")
                    #expect(report.fractionLost <= 3, "fraction lost \(report.fractionLost)/256")
                    if codec == .pcmu {
                        #expect(digits == ["5"], "the digit baresip sent, once: \(digits)")
                    }
                    try await door.agent.hangUp(call)
                    _ = try await baresip.control.waitFor(["CALL_CLOSED"])
                } catch {
                    await session.close()
                    throw error
                }
                await session.close()
            }
        }
    }

    /// `seconds` of a 440 Hz sine as 20 ms frames in `codec`.
    static func encodedFrames(codec: Codec, seconds: Int) throws -> [ByteBuffer] {
        let rate = codec == .pcmu ? 8_000 : 48_000
        let frame = rate / 50
        let pcm = (0..<(rate * seconds)).map { Int16((8_000 * sin(2 * Double.pi * 440 * Double($0) / Double(rate))).rounded()) }
        var frames: [ByteBuffer] = []
        var packet = [UInt8](repeating: 0, count: 1_500)
        let encoder = try OpusAudioEncoder(configuration: OpusConfiguration(sampleRate: 48_000, bitrate: 24_000))
        for start in stride(from: 0, to: pcm.count - frame + 1, by: frame) {
            let length: Int
            switch codec {
            case .pcmu:
                length = pcm[start..<(start + frame)].withUnsafeBufferPointer { input in
                    packet.withUnsafeMutableBytes { G711.encodeMuLaw(input, into: $0) }
                }
            case .opus:
                length = try pcm[start..<(start + frame)].withUnsafeBufferPointer { input in
                    try packet.withUnsafeMutableBytes { try encoder.encode(input, into: $0) }
                }
            }
            frames.append(ByteBuffer(bytes: packet[0..<length]))
        }
        return frames
    }

    /// Sends one frame every 20 ms on the session's loop; returns how many were sent.
    static func send(_ frames: [ByteBuffer], samples: Int, over session: RTPSession, on loop: any EventLoop) async throws -> Int {
        let pacer = FramePacer(frames: frames, samples: samples, session: session, done: loop.makePromise(of: Int.self))
        try await loop.submit { pacer.start(on: loop) }.get()
        return try await pacer.done.futureResult.get()
    }

    /// Sends frames at the packet time, on the session's event loop.
    final class FramePacer: @unchecked Sendable {
        let frames: [ByteBuffer]
        let samples: Int
        let session: RTPSession
        let done: EventLoopPromise<Int>
        var index = 0
        var sent = 0

        init(frames: [ByteBuffer], samples: Int, session: RTPSession, done: EventLoopPromise<Int>) {
            self.frames = frames
            self.samples = samples
            self.session = session
            self.done = done
        }

        func start(on loop: any EventLoop) {
            loop.scheduleRepeatedTask(initialDelay: .zero, delay: .milliseconds(20)) { task in
                guard self.index < self.frames.count else {
                    task.cancel()
                    self.done.succeed(self.sent)
                    return
                }
                if self.session.sendAudio(self.frames[self.index], samples: self.samples, marker: self.index == 0) { self.sent += 1 }
                self.index += 1
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
