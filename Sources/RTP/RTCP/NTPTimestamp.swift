#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A 64-bit NTP timestamp (RFC 3550 §4): seconds since 1900 in the high 32 bits, the
/// fraction of a second in the low 32.
///
/// RTCP uses the whole value in an SR and its middle 32 bits (16.16 fixed point) for LSR and
/// DLSR, from which a round-trip time is computed.
public struct NTPTimestamp: Sendable, Hashable, CustomStringConvertible {
    /// The 64-bit value on the wire.
    public var rawValue: UInt64

    /// Seconds between 1900-01-01 (NTP era 0) and 1970-01-01 (Unix).
    public static let unixEpochOffset: UInt64 = 2_208_988_800

    /// A timestamp from its wire value.
    @inlinable public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// The timestamp of `nanoseconds` since the Unix epoch.
    @inlinable
    public init(unixNanoseconds nanoseconds: UInt64) {
        let seconds = nanoseconds / 1_000_000_000 + Self.unixEpochOffset
        let fraction = (nanoseconds % 1_000_000_000) << 32 / 1_000_000_000
        self.rawValue = seconds << 32 | fraction
    }

    /// The wall clock now (`CLOCK_REALTIME`).
    public static func now() -> NTPTimestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return NTPTimestamp(unixNanoseconds: UInt64(max(0, spec.tv_sec)) * 1_000_000_000 + UInt64(max(0, spec.tv_nsec)))
    }

    /// Whole seconds since 1900 (wrapping in 2036).
    @inlinable public var seconds: UInt32 { UInt32(truncatingIfNeeded: rawValue >> 32) }

    /// The fraction of a second, in 1/2^32 s.
    @inlinable public var fraction: UInt32 { UInt32(truncatingIfNeeded: rawValue) }

    /// The middle 32 bits: seconds and fraction in 16.16 fixed point (LSR, RFC 3550 §6.4.1).
    @inlinable public var middle32: UInt32 { UInt32(truncatingIfNeeded: rawValue >> 16) }

    /// The timestamp `duration` later (negative durations go back).
    public func adding(_ duration: Duration) -> NTPTimestamp {
        let (seconds, attoseconds) = duration.components
        let fraction = Int64((Double(attoseconds) / 1e18) * 4_294_967_296.0)
        return NTPTimestamp(rawValue: rawValue &+ UInt64(bitPattern: seconds << 32 &+ fraction))
    }

    /// `duration` in 1/65536 s units, the unit of DLSR; negative durations give 0.
    public static func compactUnits(_ duration: Duration) -> UInt32 {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0 else { return 0 }
        let units = Double(seconds) * 65_536 + Double(attoseconds) / 1e18 * 65_536
        return UInt32(min(units, Double(UInt32.max)))
    }

    public var description: String { "\(seconds).\(fraction)" }
}
