/// The packets of one RFC 4733 event as a sender emits them (§2.5.1): a first packet with
/// the marker bit, an update every packet interval with the duration so far, and the final
/// packet with the E bit sent three times; every packet of the event carries the event's
/// start timestamp.
///
/// Events longer than 65535 clock ticks are cut into segments (§2.5.1.3): the next segment
/// starts at the old timestamp + 65535, without the marker bit.
///
/// The sender makes payloads and timestamps; the RTP session gives each packet its sequence
/// number and sends one per ``packetInterval``.
public struct TelephoneEventSender: Sendable, Hashable {
    /// One packet to send.
    public struct Packet: Sendable, Hashable {
        /// The RTP marker bit: set on the event's first packet only.
        public var marker: Bool
        /// The RTP timestamp: the event's (or segment's) start.
        public var timestamp: UInt32
        /// The payload.
        public var event: TelephoneEvent
    }

    /// The event code.
    public let event: UInt8
    /// The volume in −dBm0.
    public let volume: UInt8
    /// The ticks between packets (160 for 20 ms at 8 kHz).
    public let packetInterval: UInt32
    /// The event's length in ticks.
    public let totalDuration: UInt32
    private var timestamp: UInt32
    private var segmentStart: UInt32 = 0
    private var elapsed: UInt32 = 0
    private var endsSent = 0
    private var started = false

    /// How many times the final packet is sent (§2.5.1.4).
    public static let endRepetitions = 3

    /// A sender for `event` starting at RTP `timestamp`, lasting `duration` ticks, with an
    /// update every `packetInterval` ticks (both at least 1).
    public init(event: UInt8, volume: UInt8 = 10, timestamp: UInt32, duration: UInt32, packetInterval: UInt32) {
        self.event = event
        self.volume = min(volume, 63)
        self.timestamp = timestamp
        self.totalDuration = max(duration, 1)
        self.packetInterval = max(packetInterval, 1)
    }

    /// Whether every packet, the three final ones included, has been made.
    public var isFinished: Bool { endsSent >= Self.endRepetitions }

    /// The next packet, or nil once the event is finished.
    public mutating func nextPacket() -> Packet? {
        guard !isFinished else { return nil }
        if elapsed < totalDuration {
            elapsed = min(elapsed + packetInterval, totalDuration)
        }
        var segmentDuration = elapsed - segmentStart
        while segmentDuration > UInt32(UInt16.max) {
            segmentStart += UInt32(UInt16.max)
            timestamp &+= UInt32(UInt16.max)
            segmentDuration = elapsed - segmentStart
        }
        let isEnd = elapsed >= totalDuration
        if isEnd { endsSent += 1 }
        let marker = !started
        started = true
        return Packet(
            marker: marker, timestamp: timestamp,
            event: TelephoneEvent(event: event, isEnd: isEnd, volume: volume, duration: UInt16(segmentDuration)))
    }
}
