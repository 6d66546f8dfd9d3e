/// One packet of a test stream: the RTP fields and when it reaches the buffer.
///
/// Its payload is 8 bytes: the extended index of the packet in the stream (so a test knows
/// which packet a frame is) and its bitwise complement (so a torn copy is noticed).
struct JitterTestPacket: Sendable, Hashable {
    /// Index in the sender's stream (0, 1, 2...), never wrapping.
    var index: Int
    /// RTP sequence number.
    var sequenceNumber: UInt16
    /// RTP timestamp.
    var timestamp: UInt32
    /// When the sender sent it [µs].
    var sendMicroseconds: Int64
    /// When it reaches the buffer [µs]; nil when the network loses it.
    var arrivalMicroseconds: Int64?
    /// RTP marker bit.
    var marker = false

    /// The payload bytes for packet `index`.
    static func payload(index: Int) -> [UInt8] {
        let value = UInt32(truncatingIfNeeded: index)
        return withUnsafeBytes(of: value.littleEndian) { Array($0) } + withUnsafeBytes(of: (~value).littleEndian) { Array($0) }
    }

    /// The packet index a payload names, or nil when the payload is torn or the wrong size.
    static func index(fromPayload bytes: UnsafeRawBufferPointer) -> Int? {
        guard bytes.count == 8 else { return nil }
        let value = bytes.loadUnaligned(fromByteOffset: 0, as: UInt32.self)
        let check = bytes.loadUnaligned(fromByteOffset: 4, as: UInt32.self)
        guard value == ~check else { return nil }
        return Int(UInt32(littleEndian: value))
    }

    /// A stream of `count` packets, one per `frameMicroseconds`, numbered from
    /// `firstSequenceNumber` and `firstTimestamp`, arriving `delay(index)` µs after they are
    /// sent (nil: lost). `clockRatio` above 1 makes the sender's clock fast (it sends more
    /// than one frame per frame time).
    static func stream(
        count: Int, firstSequenceNumber: UInt16 = 1000, firstTimestamp: UInt32 = 50_000,
        samplesPerFrame: Int = 160, frameMicroseconds: Int64 = 20_000, startMicroseconds: Int64 = 1_000_000,
        clockRatio: Double = 1, delay: (Int) -> Int64?
    ) -> [JitterTestPacket] {
        (0..<count).map { index in
            let send = startMicroseconds + Int64((Double(index) * Double(frameMicroseconds) / clockRatio).rounded())
            return JitterTestPacket(
                index: index,
                sequenceNumber: firstSequenceNumber &+ UInt16(truncatingIfNeeded: index),
                timestamp: firstTimestamp &+ UInt32(truncatingIfNeeded: index * samplesPerFrame),
                sendMicroseconds: send,
                arrivalMicroseconds: delay(index).map { send + $0 },
                marker: index == 0)
        }
    }
}
