import NIOCore

/// Whom a request or an accepted connection counts against in the per-source limits (the rate
/// limit, the inbound connection cap): an IPv4 address, or the /64 of an IPv6 address, since a
/// single machine commonly holds a whole /64 and could otherwise take a fresh share for every
/// address. The port never matters.
struct SIPSourceKey: Hashable, Sendable, CustomStringConvertible {
    /// IPv4: the address; IPv6: the first 64 bits of the address.
    let prefix: UInt64
    /// 4 or 6.
    let family: UInt8

    /// The key of `address`; nil for a UNIX-domain socket address.
    init?(_ address: SocketAddress) {
        let family: UInt8
        let range: Range<Int>
        switch address {
        // sockaddr_in: family (2 bytes), port (2), the address (4).
        case .v4: (family, range) = (4, 4..<8)
        // sockaddr_in6: family (2), port (2), flow information (4), the address (16): its /64.
        case .v6: (family, range) = (6, 8..<16)
        case .unixDomainSocket: return nil
        }
        let prefix: UInt64? = address.withSockAddr { pointer, length in
            guard length >= range.upperBound else { return nil }
            let bytes = UnsafeRawBufferPointer(start: UnsafeRawPointer(pointer), count: length)
            return bytes[range].reduce(0) { $0 << 8 | UInt64($1) }
        }
        guard let prefix else { return nil }
        self.prefix = prefix
        self.family = family
    }

    /// `192.0.2.7`, or `2001:db8:1:2::/64`.
    var description: String {
        if family == 4 {
            return (0..<4).map { String(prefix >> (8 * (3 - $0)) & 0xFF) }.joined(separator: ".")
        }
        return (0..<4).map { String(prefix >> (16 * (3 - $0)) & 0xFFFF, radix: 16) }.joined(separator: ":") + "::/64"
    }
}
