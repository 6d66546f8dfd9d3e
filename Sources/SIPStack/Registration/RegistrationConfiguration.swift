import NIOCore

/// What one account registers (RFC 3261 §10.2): the registrar, the address-of-record, the
/// contact to bind, the expiry asked for, the credentials and the retry policy.
///
/// Values are written into header lines as given; the first REGISTER built from them is parsed
/// back, and a configuration that does not make a valid message ends the registration in
/// ``RegistrationState/failed(_:)`` with ``RegistrationFailure/Code/invalidConfiguration``.
public struct RegistrationConfiguration: Sendable {
    /// The Request-URI of every REGISTER: the registrar's domain, such as `sip:pbx.example.com`
    /// (RFC 3261 §10.2: no user part).
    public var registrarURI: String
    /// The address-of-record, written in To and From (RFC 3261 §10.2), such as
    /// `sip:door@pbx.example.com`.
    public var addressOfRecord: String
    /// The contact URI to bind, such as `sip:door@192.0.2.4:5060` (written in `<...>`).
    public var contactURI: String
    /// The expiry asked for, in seconds (RFC 3261 §10.2.1.1); raised by a 423's Min-Expires.
    public var expires: UInt32
    /// The digest credentials answering 401 and 407 challenges (RFC 3261 §22.2), or nil.
    public var credentials: DigestCredentials?
    /// Whether an MD5 or MD5-sess challenge may be answered (``DigestClient/allowMD5``); when
    /// not, a registrar that offers only MD5 ends the registration in
    /// ``RegistrationState/failed(_:)`` with ``RegistrationFailure/Code/md5NotAllowed``.
    public var allowMD5: Bool
    /// The `+sip.instance` value (RFC 5626 §4.1), such as `"<urn:uuid:...>"`, written on the
    /// Contact when set (with its quotes).
    public var instanceID: String?
    /// The `reg-id` (RFC 5626 §4.2), written on the Contact together with ``instanceID``.
    public var regID: Int?
    /// An outbound proxy URI written as a Route header (`<sip:proxy;lr>`), or nil.
    public var outboundProxy: String?
    /// The User-Agent value.
    public var userAgent: String
    /// The transport token of the Via (`UDP`, `TCP`, `TLS`, `WS`).
    public var viaTransport: String
    /// The sent-by of the Via (`host` or `host:port`).
    public var viaSentBy: String
    /// The first retry delay of the backoff (1 s by default).
    public var retryInitial: TimeAmount
    /// The longest retry delay of the backoff after the registrar refused (60 s by default).
    public var retryMaximum: TimeAmount
    /// The longest retry delay after the registrar could not be reached: a transaction timeout
    /// or a transport error (``retryMaximum`` unless set). Such an attempt has already waited
    /// (over UDP it retransmitted for 32 s, Timer F) and costs the registrar nothing, so a short
    /// ceiling here is what notices a registrar's return quickly without hammering one that
    /// answers with refusals.
    public var unreachableRetryMaximum: TimeAmount
    /// How long before expiry a long registration is refreshed (30 s by default); see
    /// ``RegistrationStateMachine/refreshDelay(forGranted:margin:)``.
    public var refreshMargin: TimeAmount
    /// The longest time between two REGISTERs of a granted binding, whatever the grant, or nil
    /// to refresh only when the binding is due. A registrar that restarted and lost its
    /// bindings (one that keeps them in memory, such as Kamailio's default usrloc) learns this
    /// one again within this time, instead of within the grant, up to hours.
    public var refreshMaximum: TimeAmount?

    public init(
        registrarURI: String, addressOfRecord: String, contactURI: String, expires: UInt32 = 3600,
        credentials: DigestCredentials? = nil, instanceID: String? = nil, regID: Int? = nil,
        outboundProxy: String? = nil, userAgent: String = "SwiftSIP", viaTransport: String = "UDP",
        viaSentBy: String, retryInitial: TimeAmount = .seconds(1), retryMaximum: TimeAmount = .seconds(60),
        unreachableRetryMaximum: TimeAmount? = nil, refreshMargin: TimeAmount = .seconds(30),
        refreshMaximum: TimeAmount? = nil, allowMD5: Bool = true
    ) {
        self.registrarURI = registrarURI
        self.addressOfRecord = addressOfRecord
        self.contactURI = contactURI
        self.expires = expires
        self.credentials = credentials
        self.allowMD5 = allowMD5
        self.instanceID = instanceID
        self.regID = regID
        self.outboundProxy = outboundProxy
        self.userAgent = userAgent
        self.viaTransport = viaTransport
        self.viaSentBy = viaSentBy
        self.retryInitial = retryInitial
        self.retryMaximum = retryMaximum
        self.unreachableRetryMaximum = unreachableRetryMaximum ?? retryMaximum
        self.refreshMargin = refreshMargin
        self.refreshMaximum = refreshMaximum
    }
}
