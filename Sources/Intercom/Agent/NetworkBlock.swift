#if canImport(Glibc)
import Glibc
#endif
import NIOCore

/// A CIDR block from the configuration (`192.168.1.0/24`, `fd00::/8`, `127.0.0.1`): whether a
/// packet's source address lies in it.
struct NetworkBlock: Sendable, Hashable {
    let text: String
    private let network: [UInt8]
    private let prefixLength: Int

    /// Parses `text`; nil when it is not an IPv4 or IPv6 address with an optional prefix
    /// length in range.
    init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1)
        guard let addressText = parts.first, let bytes = Self.bytes(of: String(addressText)) else { return nil }
        let maximum = bytes.count * 8
        var length = maximum
        if parts.count == 2 {
            guard let parsed = Int(parts[1]), (0...maximum).contains(parsed) else { return nil }
            length = parsed
        }
        self.text = text
        self.network = bytes
        self.prefixLength = length
    }

    /// Whether `address` is in the block (an IPv4-mapped IPv6 address counts as IPv4).
    func contains(_ address: SocketAddress) -> Bool {
        guard var bytes = address.ipAddress.flatMap(Self.bytes(of:)) else { return false }
        if bytes.count == 16, network.count == 4, bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF {
            bytes = Array(bytes[12...])
        }
        guard bytes.count == network.count else { return false }
        var remaining = prefixLength
        for index in 0..<bytes.count where remaining > 0 {
            let bits = min(8, remaining)
            let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
            if bytes[index] & mask != network[index] & mask { return false }
            remaining -= bits
        }
        return true
    }

    /// The address's bytes (4 or 16), or nil.
    static func bytes(of text: String) -> [UInt8]? {
        var v4 = [UInt8](repeating: 0, count: 4)
        if v4.withUnsafeMutableBytes({ inet_pton(AF_INET, text, $0.baseAddress) }) == 1 { return v4 }
        var v6 = [UInt8](repeating: 0, count: 16)
        if v6.withUnsafeMutableBytes({ inet_pton(AF_INET6, text, $0.baseAddress) }) == 1 { return v6 }
        return nil
    }
}
