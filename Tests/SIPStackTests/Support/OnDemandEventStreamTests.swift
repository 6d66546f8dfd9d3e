@testable import SIPStack
import Testing

/// The event streams of ``SIPUserAgent`` and ``RegistrationClient``: nothing is kept for a
/// stream nobody reads (the agent's soak grew about 5 kB per call while they buffered every
/// event for no reader), and a stream read before the events sees them all, in order.
@Suite("OnDemandEventStream")
struct OnDemandEventStreamTests {
    /// An event payload whose lifetime the tests watch.
    final class Payload: Sendable {
        let number: Int
        init(_ number: Int) { self.number = number }
    }

    @Test("events yielded while nobody has read the stream are not kept")
    func unreadStreamKeepsNothing() {
        let events = OnDemandEventStream<Payload>()
        weak var dropped: Payload?
        do {
            let payload = Payload(1)
            dropped = payload
            events.yield(payload)
        }
        #expect(dropped == nil, "an unread stream still holds the event")
    }

    @Test("a stream read before the events gets every one, in order, then ends at finish")
    func readStreamGetsEverything() async {
        let events = OnDemandEventStream<Payload>()
        events.yield(Payload(0))
        let stream = events.stream
        for number in 1...3 { events.yield(Payload(number)) }
        events.finish()
        events.yield(Payload(4))
        var seen: [Int] = []
        for await payload in stream { seen.append(payload.number) }
        #expect(seen == [1, 2, 3])
    }

    @Test("every read returns the same stream, and a read after finish gets an ended one")
    func sameStreamAndFinishedStream() async {
        let events = OnDemandEventStream<Payload>()
        let first = events.stream
        events.yield(Payload(7))
        events.finish()
        var fromSecondRead: [Int] = []
        for await payload in events.stream { fromSecondRead.append(payload.number) }
        var fromFirst: [Int] = []
        for await payload in first { fromFirst.append(payload.number) }
        #expect(fromSecondRead.isEmpty)
        #expect(fromFirst == [7])
    }
}
