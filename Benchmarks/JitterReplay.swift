import RTP

/// Replays a ``JitterTrace`` through a `JitterBuffer` with the playout model of
/// `../shared/jitter-traces/README.md`, exactly:
///
/// - Ticks are at `T0 + k·ptime` for `k = 0 ..< K`, with `T0` = the earliest arrival +
///   ptime/2 and `K = floor((last arrival + 2000 ms − T0) / ptime) + 1`.
/// - At each tick, every packet that has arrived by then and was not yet handed over is put,
///   in arrival order (ties in row order), with its own arrival time; then exactly one frame is
///   asked for, with the tick's time.
///
/// Each payload is ``payloadBytes`` bytes (a 20 ms G.711 frame) whose first four hold the
/// packet's row index, so the frame a tick plays names its row. The marker bit is set as a
/// sender sets it (RFC 3551 §4.1): on the first packet and on each packet after a timestamp
/// gap of more than one frame (a new talkspurt after silence suppression).
struct JitterReplay {
    /// The bytes of every payload put.
    static let payloadBytes = 160

    /// The trace.
    let trace: JitterTrace
    /// The first tick, `T0` [µs].
    let firstTickMicroseconds: Int64
    /// The tick period, ptime [µs].
    let tickMicroseconds: Int64
    /// The number of ticks, `K`.
    let tickCount: Int
    /// One packet to put: what the network thread would see.
    private struct Arrival {
        let arrivalMicroseconds: Int64
        let timestamp: UInt32
        let row: Int32
        let sequenceNumber: UInt16
        let marker: Bool
    }

    /// The packets that arrived, in the order they are put.
    private let arrivals: [Arrival]

    /// The number of packets put in one replay.
    var putCount: Int { arrivals.count }

    /// The buffer configuration for this trace: its clock and frame, defaults otherwise.
    var configuration: JitterBufferConfiguration {
        JitterBufferConfiguration(clockRate: trace.clockRate, samplesPerFrame: trace.samplesPerFrame)
    }

    /// The schedule of `trace`.
    init(trace: JitterTrace) {
        self.trace = trace
        let packets = trace.packets
        var order = packets.indices.filter { packets[$0].arrivalMicroseconds != nil }
        order.sort { left, right in
            let a = packets[left].arrivalMicroseconds ?? 0
            let b = packets[right].arrivalMicroseconds ?? 0
            return a != b ? a < b : left < right
        }
        let earliest = order.first.flatMap { packets[$0].arrivalMicroseconds } ?? 0
        let latest = order.last.flatMap { packets[$0].arrivalMicroseconds } ?? 0
        tickMicroseconds = Int64(trace.ptimeMs) * 1000
        firstTickMicroseconds = earliest + tickMicroseconds / 2
        tickCount = Int((latest + 2_000_000 - firstTickMicroseconds) / tickMicroseconds) + 1
        let frame = UInt32(trace.samplesPerFrame)
        var isTalkspurtStart = [Bool](repeating: false, count: packets.count)
        for index in packets.indices {
            isTalkspurtStart[index] = index == 0
                || Int32(bitPattern: packets[index].timestamp &- packets[index - 1].timestamp) > Int32(frame)
        }
        arrivals = order.map { row in
            Arrival(
                arrivalMicroseconds: packets[row].arrivalMicroseconds ?? 0, timestamp: packets[row].timestamp,
                row: Int32(row), sequenceNumber: packets[row].sequenceNumber, marker: isTalkspurtStart[row])
        }
    }

    /// The time of tick `k` [µs].
    func tickTime(_ k: Int) -> Int64 { firstTickMicroseconds + Int64(k) * tickMicroseconds }

    /// Runs the whole schedule once through `producer` and `consumer` (a fresh buffer), writing
    /// the row played at each tick, or -1, into `played` (which has ``tickCount`` elements).
    ///
    /// `payload` (at least ``payloadBytes``) is scratch space, so that nothing here allocates:
    /// this is the timed and counted work. Frames are read in place in their slots
    /// (`JitterBufferConsumer.get(nowMicroseconds:_:)`), as a decoder on the audio thread would.
    @inline(never)
    func run(
        producer: inout JitterBufferProducer, consumer: inout JitterBufferConsumer,
        payload: UnsafeMutableRawBufferPointer, played: UnsafeMutableBufferPointer<Int32>
    ) {
        let packet = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(payload)[0..<Self.payloadBytes])
        arrivals.withUnsafeBufferPointer { arrivals in
            var next = 0
            for k in 0..<min(tickCount, played.count) {
                let now = firstTickMicroseconds + Int64(k) * tickMicroseconds
                while next < arrivals.count && arrivals[next].arrivalMicroseconds <= now {
                    let arrival = arrivals[next]
                    payload.storeBytes(of: arrival.row, toByteOffset: 0, as: Int32.self)
                    _ = producer.put(
                        sequenceNumber: arrival.sequenceNumber, timestamp: arrival.timestamp,
                        arrivalMicroseconds: arrival.arrivalMicroseconds, marker: arrival.marker, payload: packet)
                    next += 1
                }
                // The audio thread's way: decode the payload in its slot, no copy.
                consumer.get(nowMicroseconds: now) { playout, bytes in
                    if case .frame = playout, bytes.count >= 4 {
                        played[k] = bytes.loadUnaligned(fromByteOffset: 0, as: Int32.self)
                    } else {
                        played[k] = -1
                    }
                }
            }
        }
    }
}
