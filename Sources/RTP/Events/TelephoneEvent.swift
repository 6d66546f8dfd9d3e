import NIOCore

/// The payload of an RFC 4733 telephone-event packet (§2.3): one event, its end bit, its
/// volume and its duration so far.
///
/// ```
///  0                   1                   2                   3
/// |     event     |E|R| volume    |          duration             |
/// ```
public struct TelephoneEvent: Sendable, Hashable {
    /// The event code: DTMF 0-9 are 0-9, `*` 10, `#` 11, A-D 12-15, flash 16 (§3.2).
    public var event: UInt8
    /// The E bit: this packet ends the event.
    public var isEnd: Bool
    /// The power level in −dBm0, 0...63 (larger is quieter).
    public var volume: UInt8
    /// The duration so far, in the RTP clock, from the event's timestamp.
    public var duration: UInt16

    /// An event payload; volumes above 63 are written as 63.
    @inlinable
    public init(event: UInt8, isEnd: Bool = false, volume: UInt8 = 10, duration: UInt16) {
        self.event = event
        self.isEnd = isEnd
        self.volume = min(volume, 63)
        self.duration = duration
    }

    /// Reads the first 4 bytes of `payload` (RFC 4733 §2.3).
    ///
    /// - Throws: ``RTPParseError`` with ``RTPParseError/Code/badTelephoneEvent`` when the
    ///   payload is shorter than 4 bytes.
    @inlinable
    public init(parsing payload: ByteBuffer) throws(RTPParseError) {
        guard let word = payload.getInteger(at: payload.readerIndex, as: UInt32.self) else {
            throw RTPParseError(.badTelephoneEvent, at: payload.readableBytes, "a telephone-event payload is shorter than 4 bytes")
        }
        self.event = UInt8(word >> 24)
        self.isEnd = word & 0x0080_0000 != 0
        self.volume = UInt8((word >> 16) & 0x3F)
        self.duration = UInt16(truncatingIfNeeded: word)
    }

    /// Writes the 4 payload bytes; returns 4.
    @inlinable
    @discardableResult
    public func write(into buffer: inout ByteBuffer) -> Int {
        buffer.writeInteger(UInt32(event) << 24 | (isEnd ? 0x0080_0000 : 0) | UInt32(volume & 0x3F) << 16 | UInt32(duration))
    }

    /// The DTMF character of ``event`` (`0`-`9`, `*`, `#`, `A`-`D`), or nil for other events.
    public var digit: Character? {
        switch event {
        case 0...9: Character(Unicode.Scalar(UInt8(ascii: "0") + event))
        case 10: "*"
        case 11: "#"
        case 12...15: Character(Unicode.Scalar(UInt8(ascii: "A") + event - 12))
        default: nil
        }
    }

    /// The event code of DTMF `digit` (`0`-`9`, `*`, `#`, `A`-`D`, case-insensitive), or nil.
    public static func code(for digit: Character) -> UInt8? {
        guard let ascii = digit.asciiValue else { return nil }
        switch ascii {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return ascii - UInt8(ascii: "0")
        case UInt8(ascii: "*"): return 10
        case UInt8(ascii: "#"): return 11
        case UInt8(ascii: "A")...UInt8(ascii: "D"): return ascii - UInt8(ascii: "A") + 12
        case UInt8(ascii: "a")...UInt8(ascii: "d"): return ascii - UInt8(ascii: "a") + 12
        default: return nil
        }
    }
}
