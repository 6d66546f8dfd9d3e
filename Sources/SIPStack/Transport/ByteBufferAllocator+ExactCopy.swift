import NIOCore

extension ByteBufferAllocator {
    /// A new buffer holding exactly the readable bytes of `bytes`, sharing no storage with it.
    func exactCopy(of bytes: ByteBuffer) -> ByteBuffer {
        var copy = buffer(capacity: bytes.readableBytes)
        copy.writeImmutableBuffer(bytes)
        return copy
    }
}
