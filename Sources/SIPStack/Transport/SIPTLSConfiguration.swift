/// The TLS settings of a ``SIPTransportLayer`` (RFC 3261 §26.2, RFC 5630, RFC 5922), for its
/// TLS and WSS listeners and for the TLS and WSS connections it opens.
///
/// - A listener presents ``certificateChainFile`` and ``privateKeyFile`` (PEM). When
///   ``requireClientCertificate`` is set it also asks the client for a certificate and checks
///   its chain against ``trustRoots`` (mutual TLS).
/// - An outgoing connection checks the server's certificate as ``verification`` says, against
///   ``trustRoots``: with ``PeerVerification/full``, the certificate must name ``serverName``
///   (a DNS subjectAltName, wildcards allowed) or the IP address connected to (an IP
///   subjectAltName); either match is enough, as in SwiftNIO SSL. ``serverName``, when it is a
///   host name, also goes in the SNI extension. It presents ``clientCertificateChainFile`` and
///   ``clientPrivateKeyFile`` when both are set.
///
/// The defaults verify fully against the system trust store and listen nowhere (a listener
/// needs a certificate and key).
public struct SIPTLSConfiguration: Sendable, Hashable {
    /// Where the certificates that vouch for a peer come from.
    public enum TrustRoots: Sendable, Hashable {
        /// The system trust store (on Debian, the bundle in /etc/ssl/certs).
        case system
        /// The CA certificates of a PEM file (several may follow each other).
        case caFile(String)
    }

    /// How much of a peer's certificate an outgoing connection checks.
    public enum PeerVerification: Sendable, Hashable {
        /// The chain must lead to a trust root and the certificate must name the peer: the
        /// server name or the IP address connected to (RFC 5922 §7.2).
        case full
        /// The chain must lead to a trust root; any name is accepted (for a peer known only by
        /// an IP address missing from its certificate).
        case chainOnly
        /// Nothing is checked: the connection is encrypted but not authenticated. For tests
        /// only.
        case disabled
    }

    /// The PEM file with the certificate chain a listener presents, leaf first.
    public var certificateChainFile: String?
    /// The PEM file with the private key of that leaf certificate.
    public var privateKeyFile: String?
    /// What peers' certificates are checked against.
    public var trustRoots: TrustRoots
    /// How an outgoing connection checks the server's certificate.
    public var verification: PeerVerification
    /// The name an outgoing connection expects in the server's certificate and sends in SNI;
    /// nil (or an IP literal) expects the IP address connected to and sends no SNI.
    public var serverName: String?
    /// The PEM certificate chain an outgoing connection presents when the server asks; only
    /// used together with ``clientPrivateKeyFile``.
    public var clientCertificateChainFile: String?
    /// The PEM private key of the client certificate.
    public var clientPrivateKeyFile: String?
    /// Whether a listener requires a client certificate that chains to ``trustRoots``.
    public var requireClientCertificate: Bool

    public init(
        certificateChainFile: String? = nil, privateKeyFile: String? = nil, trustRoots: TrustRoots = .system,
        verification: PeerVerification = .full, serverName: String? = nil, clientCertificateChainFile: String? = nil,
        clientPrivateKeyFile: String? = nil, requireClientCertificate: Bool = false
    ) {
        self.certificateChainFile = certificateChainFile
        self.privateKeyFile = privateKeyFile
        self.trustRoots = trustRoots
        self.verification = verification
        self.serverName = serverName
        self.clientCertificateChainFile = clientCertificateChainFile
        self.clientPrivateKeyFile = clientPrivateKeyFile
        self.requireClientCertificate = requireClientCertificate
    }
}
