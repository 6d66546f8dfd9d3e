/// A `b=<bwtype>:<bandwidth>` line (RFC 8866 §5.8): `CT` or `AS` in kilobits per second, or
/// another type such as `TIAS` (RFC 3890) in its own unit.
public struct SDPBandwidth: Sendable, Hashable {
    /// The bandwidth type, such as `AS` or `CT`.
    public var type: String
    /// The bandwidth, in the unit of ``type`` (kbit/s for `AS` and `CT`).
    public var value: UInt64

    /// A bandwidth line of `type` and `value`.
    public init(type: String, value: UInt64) {
        self.type = type
        self.value = value
    }
}
