import NIOCore

/// A run of bytes inside a received SIP message: a header value, a URI, a tag, a body.
///
/// `SIPBytes` shares the storage of the message it came from (a `ByteBuffer` slice), so
/// getting one copies nothing and allocates nothing. Compare it with a string, parse a number
/// from it, or ask for ``string`` when a `String` is really needed.
public struct SIPBytes: Sendable, Hashable, CustomStringConvertible {
    /// The bytes, as a `ByteBuffer` whose readable bytes are exactly this run.
    public let buffer: ByteBuffer

    @inlinable
    public init(_ buffer: ByteBuffer) {
        self.buffer = buffer
    }

    /// Copies `string`'s UTF-8 bytes into a new buffer (for building and for tests).
    public init(_ string: String) {
        self.buffer = ByteBuffer(string: string)
    }

    /// The number of bytes.
    @inlinable public var count: Int { buffer.readableBytes }

    /// Whether there are no bytes.
    @inlinable public var isEmpty: Bool { buffer.readableBytes == 0 }

    /// The bytes decoded as UTF-8 (invalid sequences become U+FFFD). Allocates for long values.
    public var string: String { String(buffer: buffer) }

    public var description: String { string }

    /// The bytes as a collection.
    @inlinable public var bytes: ByteBufferView { buffer.readableBytesView }

    /// Calls `body` with the bytes; the pointer must not escape.
    @inlinable
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try buffer.withUnsafeReadableBytes(body)
    }

    /// Byte-exact comparison with the UTF-8 of `other`.
    @inlinable
    public func equals(_ other: String) -> Bool {
        var other = other
        return other.withUTF8 { utf8 in
            buffer.withUnsafeReadableBytes { mine in
                mine.count == utf8.count && (utf8.count == 0 || memcmpEqual(mine, UnsafeRawBufferPointer(utf8)))
            }
        }
    }

    /// ASCII case-insensitive comparison with `other` (for tokens: methods are case-sensitive,
    /// but header names, transports, parameter names and schemes are not).
    @inlinable
    public func equalsIgnoringCase(_ other: String) -> Bool {
        var other = other
        return other.withUTF8 { utf8 in
            buffer.withUnsafeReadableBytes { mine in
                guard mine.count == utf8.count else { return false }
                for index in 0..<utf8.count where ASCII.lowercased(mine[index]) != ASCII.lowercased(utf8[index]) {
                    return false
                }
                return true
            }
        }
    }

    /// The value as an unsigned decimal number, or nil when it is empty, has a non-digit or
    /// exceeds `UInt64` (leading zeros are allowed, as in `CSeq: 0009`).
    @inlinable
    public var decimalValue: UInt64? {
        buffer.withUnsafeReadableBytes { parseDecimal($0, 0, $0.count) }
    }

    public static func == (lhs: SIPBytes, rhs: SIPBytes) -> Bool {
        lhs.buffer.readableBytesView.elementsEqual(rhs.buffer.readableBytesView)
    }

    public func hash(into hasher: inout Hasher) {
        buffer.withUnsafeReadableBytes { hasher.combine(bytes: $0) }
    }
}

/// Byte equality of two buffers of the same length.
@inlinable
func memcmpEqual(_ lhs: UnsafeRawBufferPointer, _ rhs: UnsafeRawBufferPointer) -> Bool {
    guard lhs.count == rhs.count else { return false }
    for index in 0..<lhs.count where lhs[index] != rhs[index] {
        return false
    }
    return true
}

/// Parses `bytes[start..<end]` as decimal digits; nil when empty, non-digit or overflowing.
@inlinable
func parseDecimal(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> UInt64? {
    guard start < end else { return nil }
    var value: UInt64 = 0
    var index = start
    while index < end {
        let digit = bytes[index] &- ASCII.zero
        guard digit < 10 else { return nil }
        let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
        let (sum, overflow2) = times10.addingReportingOverflow(UInt64(digit))
        if overflow1 || overflow2 { return nil }
        value = sum
        index &+= 1
    }
    return value
}
