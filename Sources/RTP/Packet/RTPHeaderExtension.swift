import NIOCore

/// An RTP header extension (RFC 3550 §5.3.1): a 16-bit profile-defined value and data whose
/// length is a multiple of 4 bytes.
///
/// ```
///  0                   1                   2                   3
/// |      defined by profile       |           length              |
/// |                        header extension                       |
/// ```
public struct RTPHeaderExtension: Sendable, Hashable {
    /// The 16 profile-defined bits (0xBEDE for RFC 8285 one-byte headers).
    public var profile: UInt16
    /// The extension data (a view sharing the packet's storage when parsed). Writing pads it
    /// with zeros to a multiple of 4 bytes.
    public var data: ByteBuffer

    /// An extension.
    public init(profile: UInt16, data: ByteBuffer) {
        self.profile = profile
        self.data = data
    }

    /// The data length rounded up to 32-bit words, in words.
    @inlinable var lengthInWords: Int { (data.readableBytes + 3) / 4 }
}
