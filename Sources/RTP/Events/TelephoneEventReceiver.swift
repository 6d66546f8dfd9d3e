import NIOCore

/// Turns received RFC 4733 packets into events, each reported once with its duration
/// (§2.5.2): retransmitted final packets are recognised by their timestamp and dropped, an
/// event whose first packets were lost is picked up from any later packet, and an event whose
/// final packets were lost is reported when the next event starts or when ``timeout`` passes
/// with no packet (``expire(now:)``).
public struct TelephoneEventReceiver: Sendable {
    /// One detected event.
    public struct Detected: Sendable, Hashable {
        /// The event code (see ``TelephoneEvent/digit``).
        public var event: UInt8
        /// The event's RTP timestamp (its start).
        public var timestamp: UInt32
        /// The duration in RTP clock ticks (segments of long events added up).
        public var duration: UInt32
        /// Whether a packet with the E bit ended it; false when its end was lost.
        public var endReceived: Bool

        /// The DTMF character, or nil for other events.
        public var digit: Character? { TelephoneEvent(event: event, duration: 0).digit }
    }

    private struct Current: Sendable {
        var event: UInt8
        var timestamp: UInt32
        var completedSegments: UInt32
        var duration: UInt16
        var lastArrival: NIODeadline
    }

    /// How long an event may go without packets before it is reported as ended.
    public var timeout: TimeAmount
    private var current: Current?
    /// Timestamps of the last events reported, to drop their late or repeated packets.
    private var reported: [UInt32] = []

    /// A receiver; RFC 4733 senders update every 50 ms or faster, so the default timeout of
    /// 1 s covers lost updates with room to spare.
    public init(timeout: TimeAmount = .seconds(1)) {
        self.timeout = timeout
    }

    /// Whether an event is in progress.
    public var isInEvent: Bool { current != nil }

    /// Takes one packet's payload and RTP timestamp; returns the events it completes: none, the
    /// event it ends, and, when it starts a new event while one was open, that one first.
    public mutating func receive(_ payload: TelephoneEvent, timestamp: UInt32, arrival: NIODeadline) -> [Detected] {
        if reported.contains(timestamp) { return [] }
        var detected: [Detected] = []
        if var open = current, open.timestamp != timestamp {
            let segmentEnd = open.timestamp &+ UInt32(UInt16.max)
            if timestamp == segmentEnd, payload.event == open.event {
                // The next segment of a long event (§2.5.1.3).
                open.completedSegments &+= UInt32(UInt16.max)
                open.timestamp = timestamp
                open.duration = 0
                current = open
            } else if !RTPTimestamp(timestamp).isNewer(than: RTPTimestamp(open.timestamp)) {
                return []  // A late packet of an older event.
            } else {
                detected.append(finish(open, endReceived: false))
            }
        }
        var open = current ?? Current(event: payload.event, timestamp: timestamp, completedSegments: 0, duration: 0, lastArrival: arrival)
        open.duration = max(open.duration, payload.duration)
        open.lastArrival = arrival
        if payload.isEnd {
            detected.append(finish(open, endReceived: true))
        } else {
            current = open
        }
        return detected
    }

    /// Reports the open event as ended if no packet came for ``timeout`` before `now`.
    public mutating func expire(now: NIODeadline) -> Detected? {
        guard let open = current, now - open.lastArrival >= timeout else { return nil }
        return finish(open, endReceived: false)
    }

    private mutating func finish(_ open: Current, endReceived: Bool) -> Detected {
        current = nil
        reported.append(open.timestamp)
        if reported.count > 8 { reported.removeFirst() }
        return Detected(
            event: open.event, timestamp: open.timestamp, duration: open.completedSegments &+ UInt32(open.duration),
            endReceived: endReceived)
    }
}
