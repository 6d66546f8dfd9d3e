/// A 128-bit digest of the fields of a ``TransactionKey``, built from two `Hasher`s with
/// different domain bytes. Each field is framed (presence byte and length) so that different
/// field splits never give the same input.
struct TransactionKeyDigest {
    private var first = Hasher()
    private var second = Hasher()

    init(domain: UInt8) {
        first.combine(UInt8(0x5A))
        second.combine(UInt8(0xA5))
        combine(domain)
    }

    mutating func combine(_ byte: UInt8) {
        first.combine(byte)
        second.combine(byte)
    }

    mutating func combine(_ value: UInt32) {
        first.combine(value)
        second.combine(value)
    }

    /// Adds optional bytes, byte for byte.
    mutating func combine(_ bytes: UnsafeRawBufferPointer?) {
        guard let bytes else {
            combine(UInt8(0))
            return
        }
        combine(UInt8(1))
        first.combine(bytes.count)
        second.combine(bytes.count)
        first.combine(bytes: bytes)
        second.combine(bytes: bytes)
    }

    /// Adds bytes with ASCII letters folded to lower case (hosts, transports).
    mutating func combineLowercased(_ bytes: UnsafeRawBufferPointer) {
        combine(UInt8(1))
        first.combine(bytes.count)
        second.combine(bytes.count)
        for byte in bytes {
            let folded = byte &- 0x41 < 26 ? byte | 0x20 : byte
            first.combine(folded)
            second.combine(folded)
        }
    }

    /// Adds a method token, with ACK counted as INVITE, or `replacement` instead when given.
    mutating func combineMethod(_ token: UnsafeRawBufferPointer, replacement: StaticString?) {
        if let replacement {
            combine(UnsafeRawBufferPointer(start: replacement.utf8Start, count: replacement.utf8CodeUnitCount))
            return
        }
        let isACK = token.count == 3 && token[0] == UInt8(ascii: "A") && token[1] == UInt8(ascii: "C") && token[2] == UInt8(ascii: "K")
        if isACK {
            let invite: StaticString = "INVITE"
            combine(UnsafeRawBufferPointer(start: invite.utf8Start, count: invite.utf8CodeUnitCount))
        } else {
            combine(token)
        }
    }

    func finalize() -> (UInt64, UInt64) {
        (UInt64(bitPattern: Int64(first.finalize())), UInt64(bitPattern: Int64(second.finalize())))
    }
}
