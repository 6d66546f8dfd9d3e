import NIOCore

extension SocketAddress {
    /// The IP literal and port, the form `SIPMessage/writeResponseHead(status:reason:toTag:source:into:)`
    /// takes for Via `received` and `rport` (RFC 3581); nil for a Unix domain socket.
    public var hostAndPort: (host: String, port: Int)? {
        guard let host = ipAddress, let port else { return nil }
        return (host, port)
    }
}
