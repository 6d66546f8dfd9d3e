/// The value of `a=rtcp:<port> [<nettype> <addrtype> <address>]` (RFC 3605): where the writer
/// receives RTCP when that is not the RTP port plus one.
public struct SDPRTCPAttribute: Sendable, Hashable {
    /// The RTCP port.
    public var port: UInt16
    /// The RTCP address, when it differs from the media's `c=` address.
    public var connection: SDPConnection?

    /// An rtcp attribute value.
    public init(port: UInt16, connection: SDPConnection? = nil) {
        self.port = port
        self.connection = connection
    }

    /// Parses an rtcp value (after `a=rtcp:`); nil when it breaks the grammar.
    public init?(value: String) {
        let parts = value.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 1 || parts.count == 4, let port = UInt16(parts[0]) else { return nil }
        self.port = port
        if parts.count == 4 {
            guard let connection = SDPConnection(fields: parts[1...].map(String.init)) else { return nil }
            self.connection = connection
        }
    }

    /// The value as written after `a=rtcp:`.
    public var value: String {
        guard let connection else { return "\(port)" }
        return "\(port) \(connection.networkType) \(connection.addressType) \(connection.address)"
    }
}
