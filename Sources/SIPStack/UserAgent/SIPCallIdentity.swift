import SIPMessage

/// Who places one outgoing call when a ``SIPUserAgent`` speaks for several accounts: the From
/// address, the proxy the INVITE goes through, the transport of a next hop that names none, and
/// the credentials for the challenges of that call's requests (INVITE, re-INVITE, BYE, INFO).
/// A call placed without one uses the agent's ``SIPUserAgent/Configuration``.
public struct SIPCallIdentity: Sendable {
    /// The address of record, the call's From: `sip:door@pbx2.example.com`.
    public var addressOfRecord: String
    /// A display name for From, or nil.
    public var displayName: String?
    /// The proxy the INVITE goes through (a Route with `lr`), as a URI; nil: to the target.
    public var outboundProxy: String?
    /// Further servers of the same proxy (the other destinations RFC 3263 located for it), as
    /// URIs, tried in order when the INVITE to the one before gets no response, cannot be sent,
    /// or is answered 503 before any early dialog (RFC 3263 §4.3).
    public var alternativeProxies: [String]
    /// The transport of a next hop whose URI names none.
    public var defaultTransport: SIPTransportKind
    /// Credentials for 401 and 407 challenges to the call's requests.
    public var credentials: DigestClient?

    public init(
        addressOfRecord: String, displayName: String? = nil, outboundProxy: String? = nil,
        alternativeProxies: [String] = [], defaultTransport: SIPTransportKind = .udp, credentials: DigestClient? = nil
    ) {
        self.addressOfRecord = addressOfRecord
        self.displayName = displayName
        self.outboundProxy = outboundProxy
        self.alternativeProxies = alternativeProxies
        self.defaultTransport = defaultTransport
        self.credentials = credentials
    }

    /// The From value without tag: `"Name" <aor>`.
    var fromValue: String { Self.fromValue(addressOfRecord, displayName: displayName) }

    /// `"Name" <aor>`, or `<aor>` without a name.
    static func fromValue(_ addressOfRecord: String, displayName: String?) -> String {
        guard let displayName, !displayName.isEmpty else { return "<\(addressOfRecord)>" }
        return "\(displayName.sipQuotedString) <\(addressOfRecord)>"
    }
}

extension SIPUserAgent.Configuration {
    /// The identity of calls placed without one of their own.
    var defaultIdentity: SIPCallIdentity {
        SIPCallIdentity(
            addressOfRecord: addressOfRecord, displayName: displayName, outboundProxy: outboundProxy,
            alternativeProxies: alternativeProxies, defaultTransport: defaultTransport, credentials: credentials)
    }
}
