/// A half-open range of byte offsets into a message's bytes: the unit a message view stores
/// instead of strings (8 bytes, where `Range<Int>` takes 16).
@usableFromInline
struct ByteRange: Hashable, Sendable {
    @usableFromInline var lower: UInt32
    @usableFromInline var upper: UInt32

    @inlinable
    init(_ lower: Int, _ upper: Int) {
        self.lower = UInt32(truncatingIfNeeded: lower)
        self.upper = UInt32(truncatingIfNeeded: upper)
    }

    @inlinable
    init(lower: UInt32, upper: UInt32) {
        self.lower = lower
        self.upper = upper
    }

    /// The empty range at offset 0, used for "absent".
    @usableFromInline static let empty = ByteRange(lower: 0, upper: 0)

    @inlinable var start: Int { Int(lower) }
    @inlinable var end: Int { Int(upper) }
    @inlinable var count: Int { Int(upper &- lower) }
    @inlinable var isEmpty: Bool { upper <= lower }
}
