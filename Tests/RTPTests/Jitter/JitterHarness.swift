import RTP

/// Drives a `JitterBuffer` on virtual time with the playout model of the jitter traces: at
/// each tick, every packet that has arrived by then is put (in arrival order), then one frame
/// is asked for. Nothing sleeps; time is the tick counter.
struct JitterHarness: ~Copyable {
    var producer: JitterBufferProducer
    var consumer: JitterBufferConsumer
    /// The configuration the buffer was made with.
    let configuration: JitterBufferConfiguration
    /// Results of every put, in the order made.
    var putResults: [JitterPutResult] = []

    /// A harness around a new buffer of `configuration` (8 kHz, 20 ms frames by default).
    init(_ configuration: JitterBufferConfiguration = JitterBufferConfiguration(clockRate: 8000, samplesPerFrame: 160))
        throws(JitterBufferConfigurationError)
    {
        let buffer = try JitterBuffer(configuration)
        producer = buffer.producer
        consumer = buffer.consumer
        self.configuration = configuration
    }

    /// Puts one packet now.
    @discardableResult
    mutating func put(_ packet: JitterTestPacket) -> JitterPutResult {
        let result = JitterTestPacket.payload(index: packet.index).withUnsafeBytes { payload in
            producer.put(
                sequenceNumber: packet.sequenceNumber, timestamp: packet.timestamp,
                arrivalMicroseconds: packet.arrivalMicroseconds ?? 0, marker: packet.marker, payload: payload)
        }
        putResults.append(result)
        return result
    }

    /// Asks for one frame at `now`.
    mutating func get(now: Int64) -> JitterTick {
        var bytes = [UInt8](repeating: 0, count: configuration.maximumPayloadBytes)
        let (playout, index) = bytes.withUnsafeMutableBytes { destination -> (JitterPlayout, Int?) in
            let playout = consumer.get(nowMicroseconds: now, payload: destination)
            guard case .frame(let frame) = playout else { return (playout, nil) }
            return (playout, JitterTestPacket.index(fromPayload: UnsafeRawBufferPointer(rebasing: destination[0..<frame.payloadBytes])))
        }
        return JitterTick(nowMicroseconds: now, playout: playout, index: index)
    }

    /// Asks for one frame at `now`, reading its payload in place (no copy).
    mutating func getInPlace(now: Int64) -> JitterTick {
        var result = JitterTick(nowMicroseconds: now, playout: .silence, index: nil)
        consumer.get(nowMicroseconds: now) { playout, payload in
            guard case .frame = playout else {
                result = JitterTick(nowMicroseconds: now, playout: playout, index: payload.isEmpty ? nil : -1)
                return
            }
            result = JitterTick(nowMicroseconds: now, playout: playout, index: JitterTestPacket.index(fromPayload: payload))
        }
        return result
    }

    /// Replays `packets` (the lost ones are skipped) from the tick half a frame after the first
    /// arrival, for `ticks` ticks (by default until 2 s after the last arrival).
    mutating func run(_ packets: [JitterTestPacket], ticks: Int? = nil, inPlace: Bool = false) -> [JitterTick] {
        let arrived = packets.filter { $0.arrivalMicroseconds != nil }
            .enumerated()
            .sorted { ($0.element.arrivalMicroseconds ?? 0, $0.offset) < ($1.element.arrivalMicroseconds ?? 0, $1.offset) }
            .map(\.element)
        guard let first = arrived.first?.arrivalMicroseconds, let last = arrived.last?.arrivalMicroseconds else { return [] }
        let tick = Int64(configuration.frameMicroseconds.rounded())
        let start = first + tick / 2
        let count = ticks ?? Int((last + 2_000_000 - start) / tick) + 1
        var next = 0
        var played: [JitterTick] = []
        played.reserveCapacity(count)
        for k in 0..<count {
            let now = start + Int64(k) * tick
            while next < arrived.count, let arrival = arrived[next].arrivalMicroseconds, arrival <= now {
                put(arrived[next])
                next += 1
            }
            played.append(inPlace ? getInPlace(now: now) : get(now: now))
        }
        return played
    }
}

extension [JitterTick] {
    /// The packet indices played, in tick order.
    var playedIndices: [Int] { compactMap { $0.isFrame ? ($0.index ?? -1) : nil } }

    /// The delay of each played packet from its send time [µs], by packet index.
    func delays(of packets: [JitterTestPacket]) -> [Int: Int64] {
        var delays: [Int: Int64] = [:]
        for tick in self {
            guard let index = tick.index, packets.indices.contains(index) else { continue }
            delays[index] = tick.nowMicroseconds - packets[index].sendMicroseconds
        }
        return delays
    }
}
