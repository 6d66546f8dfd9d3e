/// A host and port taken from a description: where to send RTP or RTCP.
///
/// The host is the text of the `c=` address (an IP literal in practice); turning it into a
/// socket address is the transport's job, so that SDP stays free of I/O.
public struct SDPTransportAddress: Sendable, Hashable, CustomStringConvertible {
    /// The address from `c=` or `a=rtcp`.
    public var host: String
    /// The port.
    public var port: UInt16

    /// An address.
    public init(host: String, port: UInt16) {
        self.host = host
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
