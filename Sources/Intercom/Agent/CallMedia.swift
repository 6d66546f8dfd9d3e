import Audio
import Logging
import NIOCore
import RTP
import SDP

/// One call's media: its ``RTP/RTPSession`` on a port of the configured range, the
/// ``Audio/AudioEngine`` on the configured devices in the negotiated codec, and the bridge
/// between them. DTMF digits (RFC 4733) go to `onDigit`.
final class CallMedia: @unchecked Sendable {
    let session: RTPSession
    let engine: AudioEngine
    let bridge: RTPAudioBridge
    /// Wakes the event loop to send each frame the engine encodes; nil when the bridge polls.
    let wakeup: OutboundWakeup?
    let codecName: String
    /// The sounds the engine was given, by role.
    let sounds: CallSounds

    private init(
        session: RTPSession, engine: AudioEngine, bridge: RTPAudioBridge, wakeup: OutboundWakeup?, codecName: String, sounds: CallSounds
    ) {
        self.session = session
        self.engine = engine
        self.bridge = bridge
        self.wakeup = wakeup
        self.codecName = codecName
        self.sounds = sounds
    }

    /// The codecs this agent offers and accepts, in the configuration's order, plus
    /// telephone-event.
    static func localCodecs(_ audio: AudioConfiguration) -> [SDPCodec] {
        var codecs: [SDPCodec] = audio.codecs.compactMap { name in
            switch name.lowercased() {
            case "opus": .opus(payloadType: 111)
            case "pcmu": .pcmu
            case "pcma": .pcma
            default: nil
            }
        }
        codecs.append(.telephoneEvent(clockRate: 8_000, payloadType: 101))
        return codecs
    }

    /// The engine codec for a negotiated codec, or nil for one the engine cannot run.
    static func engineCodec(_ codec: NegotiatedCodec) -> AudioEngineCodec? {
        switch codec.encodingName.lowercased() {
        case "opus":
            var opus = OpusConfiguration(sampleRate: Int32(AudioEngineConfiguration.processingRate))
            if let fmtp = codec.remoteFormatParameters, let parameters = try? OpusFormatParameters(fmtp: fmtp) {
                opus.inbandFEC = parameters.useInbandFEC || opus.inbandFEC
                if let bitrate = parameters.maxAverageBitrate { opus.bitrate = bitrate }
            }
            return .opus(opus)
        case "pcmu": return .pcmu
        case "pcma": return .pcma
        default: return nil
        }
    }

    /// Starts media for `negotiated` on an RTP session already bound (see ``MediaPorts``):
    /// opens the devices, starts the engine and the bridge.
    static func start(
        session: RTPSession, router: RTPEventRouter, negotiated: NegotiatedMedia, audio: AudioConfiguration, devices: AudioDevices,
        logger: Logger, onDigit: @escaping @Sendable (Character) -> Void
    ) async throws -> CallMedia {
        guard let codec = engineCodec(negotiated.codec) else {
            throw AgentError("no codec the engine runs in the answer (\(negotiated.codec.encodingName))")
        }
        let remoteRTP = try negotiated.remoteRTP.map { try SocketAddress(ipAddress: $0.host, port: Int($0.port)) }
        let remoteRTCP = try negotiated.remoteRTCP.map { try SocketAddress(ipAddress: $0.host, port: Int($0.port)) }
        try await session.eventLoop.submit {
            session.setCodec(
                payloadType: negotiated.codec.payloadType, clockRate: negotiated.codec.clockRate,
                telephoneEventPayloadType: negotiated.telephoneEvent?.payloadType)
            session.setRemote(rtp: remoteRTP, rtcp: remoteRTCP, rtcpMux: negotiated.rtcpMux)
        }.get()
        let sounds = CallSounds(audio: audio, logger: logger, for: .call)
        let engine = try devices.makeEngine(codec: codec, sounds: sounds.clips, audio: audio, logger: logger)
        let holder = BridgeHolder()
        let wakeup: OutboundWakeup?
        do {
            wakeup = try await OutboundWakeup.make(on: session.eventLoop) { holder.bridge?.sendPending() }
        } catch {
            logger.debug("audio: \(error); polling the engine for frames instead")
            wakeup = nil
        }
        let bridge = RTPAudioBridge(
            engine: engine, payloadType: negotiated.codec.payloadType, pollInterval: wakeup == nil ? .milliseconds(5) : nil,
            onDigit: onDigit)
        if let wakeup { try engine.notifyOutbound(through: wakeup.writeDescriptor) }
        try await session.eventLoop.submit {
            holder.bridge = bridge
            router.target = { event in bridge.handle(event) }
        }.get()
        bridge.attach(session)
        do {
            try engine.start()
        } catch {
            await wakeup?.close()
            throw error
        }
        if case .normal(let reason)? = engine.realtimeStatus, audio.realtimePriority != nil {
            logger.warning("audio thread: \(reason)")
        }
        return CallMedia(
            session: session, engine: engine, bridge: bridge, wakeup: wakeup, codecName: negotiated.codec.encodingName, sounds: sounds)
    }

    /// Stops the engine and the session.
    func stop() async {
        bridge.detach()
        engine.stop()
        await wakeup?.close()
        await session.close()
    }
}

/// The bridge a call's wakeup sends through, set on the event loop once the bridge exists.
private final class BridgeHolder: @unchecked Sendable {
    var bridge: RTPAudioBridge?
}
