import Foundation
import Intercom
import Testing

@Suite("event log")
struct EventLogTests {
    static func record(_ index: Int) -> EventRecord {
        EventRecord(time: Date(timeIntervalSince1970: Double(index)), kind: "k", detail: "event \(index)")
    }

    @Test("keeps the newest records, oldest first")
    func boundedAndOrdered() {
        let log = EventLog(capacity: 3)
        #expect(log.records.isEmpty)
        log.append(Self.record(1))
        log.append(Self.record(2))
        #expect(log.records.map(\.detail) == ["event 1", "event 2"])
        for index in 3...7 {
            log.append(Self.record(index))
        }
        #expect(log.records.map(\.detail) == ["event 5", "event 6", "event 7"])
        #expect(log.appendedCount == 7)
    }

    @Test("every full turn of the ring keeps the order", arguments: 1...7)
    func eachWrapPosition(appends: Int) {
        let log = EventLog(capacity: 4)
        for index in 0..<appends {
            log.append(Self.record(index))
        }
        #expect(log.records.map(\.detail) == (max(0, appends - 4)..<appends).map { "event \($0)" })
    }

    @Test("a capacity below 1 keeps one record")
    func minimumCapacity() {
        let log = EventLog(capacity: 0)
        log.append(Self.record(1))
        log.append(Self.record(2))
        #expect(log.capacity == 1)
        #expect(log.records.map(\.detail) == ["event 2"])
    }

    @Test("long details are cut")
    func longDetail() {
        let log = EventLog()
        log.append(kind: "message", detail: String(repeating: "x", count: 10_000))
        #expect(log.records.first?.detail.count == EventLog.maximumDetailLength)
    }

    @Test("concurrent appends are all counted and the ring stays bounded")
    func concurrent() async {
        let log = EventLog(capacity: 10)
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<200 {
                group.addTask { log.append(Self.record(index)) }
            }
        }
        #expect(log.appendedCount == 200)
        #expect(log.records.count == 10)
    }

    @Test("a record is JSON with an ISO 8601 time and decodes back")
    func json() throws {
        let record = EventRecord(time: Date(timeIntervalSince1970: 1_700_000_000.5), kind: "door.opened", detail: "front")
        let data = try JSONEncoder().encode(record)
        let object = try JSONDecoder().decode([String: String].self, from: data)
        #expect(object == ["time": "2023-11-14T22:13:20.500Z", "kind": "door.opened", "detail": "front"])
        #expect(try JSONDecoder().decode(EventRecord.self, from: data) == record)
        let bad = Data(#"{"time":"yesterday","kind":"k","detail":"d"}"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(EventRecord.self, from: bad) }
    }
}
