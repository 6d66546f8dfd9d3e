/// One account's TLS settings (`accounts[].tls`), for the connections the agent opens to that
/// account's registrar and outbound proxy (RFC 3261 §26.2, RFC 5922): the name the server's
/// certificate must carry, whom to trust, and a client certificate when the PBX asks for one.
///
/// Each key left out falls back: ``caFile`` to `sip.tls.caFile`, then to the system trust
/// store; ``serverName`` to the registrar's host when that is a name (an IP literal is then
/// checked against the certificate's IP addresses). No client certificate is presented unless
/// both ``certificate`` and ``privateKey`` are set.
public struct AccountTLSConfiguration: Sendable, Hashable {
    /// The host name sent in SNI and looked for in the server's certificate (a DNS
    /// subjectAltName, wildcards allowed): for a registrar given as an IP address, or one whose
    /// certificate names another host. Never an IP literal.
    public var serverName: String?
    /// The client certificate chain (PEM) presented when the server asks for one.
    public var certificate: String?
    /// The private key (PEM) of ``certificate``.
    public var privateKey: String?
    /// The CA bundle (PEM) the server's certificate must chain to; nil: `sip.tls.caFile`, else
    /// the system store.
    public var caFile: String?

    public init(serverName: String? = nil, certificate: String? = nil, privateKey: String? = nil, caFile: String? = nil) {
        self.serverName = serverName
        self.certificate = certificate
        self.privateKey = privateKey
        self.caFile = caFile
    }
}
