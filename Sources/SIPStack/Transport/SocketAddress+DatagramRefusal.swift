import NIOCore

extension SocketAddress {
    /// Why the kernel would refuse a UDP datagram to this address whatever the network does, or
    /// nil: port 0 (EINVAL), or the IPv4 limited broadcast address 255.255.255.255 on a socket
    /// without SO_BROADCAST (EACCES). A refused `sendmsg` makes NIO close the channel, so such
    /// a destination (a hostile Via or Contact) must never reach the socket.
    var datagramRefusal: StaticString? {
        if (port ?? 0) == 0 { return "the destination port is 0" }
        if case .v4(let address) = self {
            // sockaddr_in: family (2 bytes), port (2), then the address (4).
            let limitedBroadcast = withUnsafeBytes(of: address.address) { bytes in
                bytes[4] & bytes[5] & bytes[6] & bytes[7] == 0xFF
            }
            if limitedBroadcast { return "the destination is the broadcast address" }
        }
        return nil
    }
}
