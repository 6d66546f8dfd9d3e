@testable import SIPStack
import Testing

/// RFC 2782's selection order: priorities lowest first, weights as shares within one.
@Suite("SRVRecord.ordered: priority, then weighted choice (RFC 2782)")
struct SRVRecordOrderTests {
    static func record(_ priority: UInt16, _ weight: UInt16, _ target: String) -> SRVRecord {
        SRVRecord(priority: priority, weight: weight, port: 5060, target: target)
    }

    @Test("every lower priority comes before any higher one, whatever the weights")
    func priorities() {
        var generator = RegistrationRandom(seed: 1)
        let records = [Self.record(20, 100, "c"), Self.record(10, 1, "a"), Self.record(30, 0, "d"), Self.record(10, 60, "b")]
        for _ in 0..<200 {
            let order = SRVRecord.ordered(records, using: &generator).map(\.target)
            #expect(Set(order.prefix(2)) == ["a", "b"])
            #expect(Array(order.suffix(2)) == ["c", "d"])
        }
    }

    @Test("within a priority, the first choice follows the weights")
    func weights() {
        var generator = RegistrationRandom(seed: 7)
        let records = [Self.record(10, 60, "a"), Self.record(10, 30, "b"), Self.record(10, 10, "c")]
        var first: [String: Int] = [:]
        let draws = 20_000
        for _ in 0..<draws { first[SRVRecord.ordered(records, using: &generator)[0].target, default: 0] += 1 }
        // Shares 60/100, 30/100, 10/100 (the running-sum draw over 0...total gives a zero-weight
        // record 1/(total+1); there is none here).
        #expect(abs(Double(first["a", default: 0]) / Double(draws) - 0.6) < 0.02)
        #expect(abs(Double(first["b", default: 0]) / Double(draws) - 0.3) < 0.02)
        #expect(abs(Double(first["c", default: 0]) / Double(draws) - 0.1) < 0.02)
    }

    @Test("zero-weight records are chosen rarely but never lost")
    func zeroWeights() {
        var generator = RegistrationRandom(seed: 3)
        let records = [Self.record(5, 0, "z"), Self.record(5, 99, "w")]
        var zeroFirst = 0
        for _ in 0..<10_000 {
            let order = SRVRecord.ordered(records, using: &generator)
            #expect(order.count == 2)
            if order[0].target == "z" { zeroFirst += 1 }
        }
        #expect(zeroFirst > 0 && zeroFirst < 300, "zero weight first \(zeroFirst) times of 10000")
    }
}
