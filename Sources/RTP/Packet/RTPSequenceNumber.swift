/// An RTP sequence number with the arithmetic of a 16-bit counter that wraps (RFC 3550
/// §5.1, A.1): "newer" means ahead by less than half the space.
///
/// Not `Comparable`: wrapping order is not transitive. Use ``isNewer(than:)`` and
/// ``distance(to:)``.
public struct RTPSequenceNumber: Sendable, Hashable, CustomStringConvertible {
    /// The 16-bit value on the wire.
    public var rawValue: UInt16

    /// A sequence number.
    @inlinable public init(_ rawValue: UInt16) { self.rawValue = rawValue }

    /// The signed number of steps from `self` to `other`, in -32768...32767: 65535 to 1 is +2.
    @inlinable
    public func distance(to other: RTPSequenceNumber) -> Int {
        Int(Int16(bitPattern: other.rawValue &- rawValue))
    }

    /// The number `steps` ahead (or behind, when negative), wrapping.
    @inlinable
    public func advanced(by steps: Int) -> RTPSequenceNumber {
        RTPSequenceNumber(rawValue &+ UInt16(truncatingIfNeeded: steps))
    }

    /// Whether `self` comes after `other` (ahead by 1...32767 steps).
    @inlinable
    public func isNewer(than other: RTPSequenceNumber) -> Bool {
        other.distance(to: self) > 0
    }

    public var description: String { String(rawValue) }
}

/// An RTP timestamp with 32-bit wrapping arithmetic (RFC 3550 §5.1).
public struct RTPTimestamp: Sendable, Hashable, CustomStringConvertible {
    /// The 32-bit value on the wire.
    public var rawValue: UInt32

    /// A timestamp.
    @inlinable public init(_ rawValue: UInt32) { self.rawValue = rawValue }

    /// The signed number of ticks from `self` to `other`, wrapping: 0xFFFF_FFF0 to 0x10 is +32.
    @inlinable
    public func distance(to other: RTPTimestamp) -> Int {
        Int(Int32(bitPattern: other.rawValue &- rawValue))
    }

    /// The timestamp `ticks` later (or earlier, when negative), wrapping.
    @inlinable
    public func advanced(by ticks: Int) -> RTPTimestamp {
        RTPTimestamp(rawValue &+ UInt32(truncatingIfNeeded: ticks))
    }

    /// Whether `self` comes after `other` (ahead by less than half the space).
    @inlinable
    public func isNewer(than other: RTPTimestamp) -> Bool {
        other.distance(to: self) > 0
    }

    public var description: String { String(rawValue) }
}
