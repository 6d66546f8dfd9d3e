import Foundation

/// A trace file in the `../shared/jitter-traces` format, made up by a test: 1500 packets of
/// 20 ms at 8 kHz whose sequence number and timestamp wrap, with jitter, losses, reordered
/// packets and a second of silence (DTX) in the middle.
enum JitterSyntheticTrace {
    /// The CSV text.
    static var text: String {
        var lines = ["# clock=8000 ptime=20 name=synthetic generator=RTPTests", "seq,rtp_ts,send_ms,arrival_ms"]
        var state: UInt64 = 42
        func random() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        var timestamp = UInt32.max - 160 * 20 + 1
        var send = 1000.0
        for row in 0..<1500 {
            if row == 700 {
                // One second of silence: the sequence number goes on, time and timestamp jump.
                timestamp &+= 160 * 50
                send += 1000
            }
            let sequence = UInt16(truncatingIfNeeded: 65_400 + row)
            var delay = 30 + 8 * random() * random()
            if row % 37 == 5 { delay += 35 }
            let arrival = random() < 0.01 ? "-1" : String(format: "%.3f", send + delay)
            lines.append("\(sequence),\(timestamp),\(String(format: "%.3f", send)),\(arrival)")
            timestamp &+= 160
            send += 20
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes the trace as `name` in a new temporary directory; returns the file.
    static func write(name: String = "synthetic.csv", text: String = JitterSyntheticTrace.text) throws -> URL {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("jitter-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: file)
        return file
    }
}
