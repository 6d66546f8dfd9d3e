/// A `t=<start> <stop>` line and the `r=` lines after it (RFC 8866 §5.9, §5.10).
///
/// Times are NTP seconds; `t=0 0` (the usual value in SIP) means a permanent session. Repeat
/// lines are tolerated and kept as text.
public struct SDPTiming: Sendable, Hashable {
    /// The start time in NTP seconds, 0 for unbounded.
    public var start: UInt64
    /// The stop time in NTP seconds, 0 for unbounded.
    public var stop: UInt64
    /// The values of the `r=` lines that follow, as written.
    public var repeats: [String]

    /// A timing line; `SDPTiming()` is `t=0 0`.
    public init(start: UInt64 = 0, stop: UInt64 = 0, repeats: [String] = []) {
        self.start = start
        self.stop = stop
        self.repeats = repeats
    }
}
