import NIOCore
import RTP

/// Connects an ``AudioEngine`` to an ``RTPSession`` on the session's event loop: received
/// audio packets of the agreed payload type go into the engine's jitter buffer, DTMF events
/// go to `onDigit`, and every few milliseconds the frames the audio thread encoded are sent.
///
/// Make the bridge first and give ``handle(_:)`` to `RTPSession.start` as (part of) its
/// handler, then ``attach(_:)`` the session.
public final class RTPAudioBridge: @unchecked Sendable {
    /// The engine it feeds and drains.
    public let engine: AudioEngine
    /// The payload type of the call's audio.
    public let payloadType: UInt8
    private let onDigit: @Sendable (Character) -> Void
    private let pollInterval: TimeAmount?
    // Event loop only.
    private var producer: JitterBufferProducer?
    private var session: RTPSession?
    private var task: RepeatedTask?
    private var clockOffsetMicroseconds: Int64 = 0
    private var sendBuffer = ByteBufferAllocator().buffer(capacity: 1_500)

    /// Packets the jitter buffer refused (late, duplicate, overflow, too large) and packets of
    /// another payload type.
    public private(set) var refusedPackets = 0
    public private(set) var foreignPackets = 0

    /// A bridge for `engine` (its jitter producer is taken here) and audio of `payloadType`;
    /// encoded frames are collected every `pollInterval`, or, with nil, whenever the owner calls
    /// ``sendPending()`` (woken by ``AudioEngine/notifyOutbound(through:)``).
    public init(
        engine: AudioEngine, payloadType: UInt8, pollInterval: TimeAmount? = .milliseconds(5),
        onDigit: @escaping @Sendable (Character) -> Void = { _ in }
    ) {
        self.engine = engine
        self.payloadType = payloadType
        self.pollInterval = pollInterval
        self.onDigit = onDigit
        self.producer = engine.takeJitterProducer()
    }

    /// The session's events, on its event loop.
    public func handle(_ event: RTPSessionEvent) {
        switch event {
        case .audio(let packet, let arrival):
            guard packet.payloadType == payloadType else {
                foreignPackets += 1
                return
            }
            let arrivalMicroseconds = Int64(arrival.uptimeNanoseconds / 1_000) + clockOffsetMicroseconds
            let result = producer?.put(
                sequenceNumber: packet.sequenceNumber, timestamp: packet.timestamp,
                arrivalMicroseconds: arrivalMicroseconds, marker: packet.marker, payload: packet.payload)
            if case .stored? = result {} else { refusedPackets += 1 }
        case .telephoneEvent(let detected):
            if let digit = detected.digit { onDigit(digit) }
        case .rtcp, .remoteLatched, .goodbye:
            break
        }
    }

    /// Starts sending the engine's frames through `session`. On any thread.
    public func attach(_ session: RTPSession) {
        session.eventLoop.execute {
            self.session = session
            self.clockOffsetMicroseconds =
                AudioEngineCore.monotonicMicroseconds() - Int64(NIODeadline.now().uptimeNanoseconds / 1_000)
            if let interval = self.pollInterval {
                self.task = session.eventLoop.scheduleRepeatedTask(initialDelay: .zero, delay: interval) { _ in
                    self.sendPending()
                }
            }
        }
    }

    /// Stops sending (the engine and the session are stopped by their owners).
    public func detach() {
        guard let session else { return }
        session.eventLoop.execute {
            self.task?.cancel()
            self.task = nil
            self.session = nil
        }
    }

    /// Sends every frame the engine has queued. On the session's event loop; does nothing
    /// before ``attach(_:)`` has taken effect or after ``detach()``.
    public func sendPending() {
        guard let session else { return }
        engine.drainOutbound { payload, samples, marker in
            sendBuffer.clear()
            sendBuffer.writeBytes(payload)
            session.sendAudio(sendBuffer, samples: samples, marker: marker)
        }
    }
}
