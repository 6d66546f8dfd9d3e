import NIOCore
import RTP
import Testing

@Suite("RFC 4733 telephone events: payload, sender and receiver")
struct TelephoneEventTests {
    @Test("payload bytes: event, E bit, volume, duration")
    func payload() throws {
        var buffer = ByteBuffer()
        TelephoneEvent(event: 11, isEnd: true, volume: 10, duration: 800).write(into: &buffer)
        #expect(Array(buffer.readableBytesView) == [11, 0x8A, 0x03, 0x20])
        #expect(try TelephoneEvent(parsing: buffer) == TelephoneEvent(event: 11, isEnd: true, volume: 10, duration: 800))
        // The reserved bit is ignored, volume keeps 6 bits.
        #expect(try TelephoneEvent(parsing: ByteBuffer(bytes: [5, 0x7F, 0, 160])) == TelephoneEvent(event: 5, volume: 63, duration: 160))
        #expect(throws: RTPParseError.self) { _ = try TelephoneEvent(parsing: ByteBuffer(bytes: [1, 2, 3])) }
    }

    @Test("DTMF characters and codes", arguments: [
        ("0", UInt8(0)), ("9", 9), ("*", 10), ("#", 11), ("A", 12), ("D", 15),
    ] as [(Character, UInt8)])
    func digits(digit: Character, code: UInt8) {
        #expect(TelephoneEvent.code(for: digit) == code)
        #expect(TelephoneEvent(event: code, duration: 0).digit == digit)
    }

    @Test("sender: marker first, same timestamp, growing duration, end bit three times")
    func sender() {
        var sender = TelephoneEventSender(event: 5, timestamp: 1_000, duration: 800, packetInterval: 160)
        var packets: [TelephoneEventSender.Packet] = []
        while let packet = sender.nextPacket() { packets.append(packet) }
        #expect(packets.map(\.marker) == [true, false, false, false, false, false, false])
        #expect(packets.allSatisfy { $0.timestamp == 1_000 && $0.event.event == 5 && $0.event.volume == 10 })
        #expect(packets.map(\.event.duration) == [160, 320, 480, 640, 800, 800, 800])
        #expect(packets.map(\.event.isEnd) == [false, false, false, false, true, true, true])
        #expect(sender.isFinished)
        #expect(sender.nextPacket() == nil)
    }

    @Test("sender: a duration that is not a multiple of the interval ends exactly")
    func unevenDuration() {
        var sender = TelephoneEventSender(event: 1, timestamp: 0, duration: 400, packetInterval: 160)
        var durations: [UInt16] = []
        while let packet = sender.nextPacket() { durations.append(packet.event.duration) }
        #expect(durations == [160, 320, 400, 400, 400])
    }

    @Test("sender: a long event is cut into segments of at most 65535 ticks (§2.5.1.3)")
    func longEvent() {
        var sender = TelephoneEventSender(event: 16, timestamp: 0xFFFF_0000, duration: 70_000, packetInterval: 8_000)
        var packets: [TelephoneEventSender.Packet] = []
        while let packet = sender.nextPacket() { packets.append(packet) }
        let second = packets.filter { $0.timestamp == 0xFFFF_0000 &+ 65_535 }
        #expect(packets.filter { $0.timestamp == 0xFFFF_0000 }.last?.event.duration == 64_000)
        let tail = UInt16(70_000 - 65_535)
        let expectedDurations: [UInt16] = [tail, tail, tail]
        #expect(second.map(\.event.duration) == expectedDurations)
        #expect(packets.filter(\.marker).count == 1)

        // The receiver adds the segments back up.
        var receiver = TelephoneEventReceiver()
        var detected: [TelephoneEventReceiver.Detected] = []
        for packet in packets {
            detected += receiver.receive(packet.event, timestamp: packet.timestamp, arrival: .uptimeNanoseconds(0))
        }
        #expect(detected.map(\.duration) == [70_000])
    }

    /// Sends one event through a receiver, packet by packet, keeping the packets whose index
    /// is not in `lost`; returns what the receiver reported, with `expire` called at the end.
    static func receive(_ packets: [(TelephoneEvent, UInt32)], lost: Set<Int> = [], expireAfter: TimeAmount? = nil) -> [TelephoneEventReceiver.Detected] {
        var receiver = TelephoneEventReceiver(timeout: .milliseconds(500))
        var detected: [TelephoneEventReceiver.Detected] = []
        var now = NIODeadline.uptimeNanoseconds(1_000_000_000)
        for (index, (event, timestamp)) in packets.enumerated() where !lost.contains(index) {
            detected += receiver.receive(event, timestamp: timestamp, arrival: now)
            now = now + .milliseconds(20)
        }
        if let expireAfter, let late = receiver.expire(now: now + expireAfter) { detected.append(late) }
        return detected
    }

    /// The packets of `digit` at `timestamp`, as ``TelephoneEventSender`` makes them.
    static func packets(_ event: UInt8, at timestamp: UInt32, duration: UInt32 = 640) -> [(TelephoneEvent, UInt32)] {
        var sender = TelephoneEventSender(event: event, timestamp: timestamp, duration: duration, packetInterval: 160)
        var result: [(TelephoneEvent, UInt32)] = []
        while let packet = sender.nextPacket() { result.append((packet.event, packet.timestamp)) }
        return result
    }

    @Test("receiver: each digit once, with its duration, despite three end packets")
    func onceEach() {
        let detected = Self.receive(Self.packets(1, at: 0) + Self.packets(2, at: 2_000) + Self.packets(2, at: 4_000))
        #expect(detected.map(\.digit) == ["1", "2", "2"])
        #expect(detected.map(\.duration) == [640, 640, 640])
        #expect(detected.allSatisfy { $0.endReceived })
    }

    @Test("receiver: repeated end packets arriving late are dropped")
    func lateDuplicates() {
        let first = Self.packets(7, at: 0)
        let second = Self.packets(8, at: 2_000)
        // An end packet of the first event arrives in the middle of the second.
        let mixed = first + Array(second.prefix(2)) + [first.last!] + Array(second.dropFirst(2))
        let detected = Self.receive(mixed)
        #expect(detected.map(\.digit) == ["7", "8"])
    }

    @Test("receiver: a lost start is picked up from a later packet")
    func lostStart() {
        let detected = Self.receive(Self.packets(3, at: 0), lost: [0, 1])
        #expect(detected.map(\.digit) == ["3"])
        #expect(detected.first?.duration == 640)
    }

    @Test("receiver: a lost end is reported when the next event starts")
    func lostEndThenNext() {
        let first = Self.packets(4, at: 0)
        let detected = Self.receive(first + Self.packets(5, at: 2_000), lost: [3, 4, 5])
        #expect(detected.map(\.digit) == ["4", "5"])
        #expect(detected.map(\.endReceived) == [false, true])
        #expect(detected.first?.duration == 480)
    }

    @Test("receiver: a lost end is reported once after the timeout, not before")
    func lostEndTimeout() {
        let packets = Self.packets(9, at: 0)
        #expect(Self.receive(packets, lost: [3, 4, 5], expireAfter: .milliseconds(400)).isEmpty)
        let detected = Self.receive(packets, lost: [3, 4, 5], expireAfter: .milliseconds(520))
        #expect(detected.map(\.digit) == ["9"])
        #expect(detected.first?.endReceived == false)
        #expect(detected.first?.duration == 480)
        // Its end packets arriving after the timeout report nothing more.
        var receiver = TelephoneEventReceiver(timeout: .milliseconds(500))
        let start = NIODeadline.uptimeNanoseconds(0)
        for (event, timestamp) in packets.prefix(3) { _ = receiver.receive(event, timestamp: timestamp, arrival: start) }
        #expect(receiver.expire(now: start + .milliseconds(600))?.digit == "9")
        #expect(receiver.receive(packets[3].0, timestamp: packets[3].1, arrival: start + .milliseconds(700)).isEmpty)
    }

    @Test("receiver: the same digit twice in a row is two events (different timestamps)")
    func sameDigitTwice() {
        let detected = Self.receive(Self.packets(0, at: 100) + Self.packets(0, at: 900))
        #expect(detected.map(\.digit) == ["0", "0"])
    }
}
