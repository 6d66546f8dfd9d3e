/// What a SIP element supports, for the checks it makes before processing a request
/// (RFC 3261 §8.2): methods, URI schemes, extensions and body types.
public struct SIPEndpointProfile: Sendable, Hashable {
    /// Methods the element implements (others known to SIP get 405, unknown ones 501).
    public var allowedMethods: Set<SIPMethod>
    /// Request-URI schemes it serves (lower case); others get 416.
    public var uriSchemes: Set<String>
    /// Option tags it supports (lower case); a Require naming another gets 420.
    public var supportedExtensions: Set<String>
    /// Body types it accepts in session requests (INVITE, ACK, UPDATE, PRACK), as
    /// `type/subtype` in lower case; others get 415.
    public var acceptedBodyTypes: Set<String>
    /// Body types it can answer with; an INVITE or OPTIONS whose Accept allows none gets 406.
    public var producedBodyTypes: Set<String>
    /// Whether it acts as a registrar (REGISTER checks of RFC 3261 §10.3 apply).
    public var isRegistrar: Bool

    public init(
        allowedMethods: Set<SIPMethod>, uriSchemes: Set<String> = ["sip", "sips", "tel"],
        supportedExtensions: Set<String> = [], acceptedBodyTypes: Set<String> = ["application/sdp"],
        producedBodyTypes: Set<String> = ["application/sdp"], isRegistrar: Bool = false
    ) {
        self.allowedMethods = allowedMethods
        self.uriSchemes = uriSchemes
        self.supportedExtensions = supportedExtensions
        self.acceptedBodyTypes = acceptedBodyTypes
        self.producedBodyTypes = producedBodyTypes
        self.isRegistrar = isRegistrar
    }

    /// A user agent such as the intercom: calls, OPTIONS, MESSAGE, INFO, NOTIFY; no REGISTER.
    public static let userAgent = SIPEndpointProfile(
        allowedMethods: [.invite, .ack, .bye, .cancel, .options, .message, .info, .notify],
        supportedExtensions: ["replaces", "outbound", "path", "gruu"])

    /// A registrar (for tests and tools): a user agent that also accepts REGISTER.
    public static let registrar = SIPEndpointProfile(
        allowedMethods: [.invite, .ack, .bye, .cancel, .options, .message, .info, .notify, .register],
        supportedExtensions: ["replaces", "outbound", "path", "gruu"], isRegistrar: true)
}
