import NIOCore
import SIPMessage

/// One REGISTER a ``RegistrationStateMachine`` asks to send (RFC 3261 §10.2): what changes
/// from one REGISTER to the next. Everything else comes from the
/// ``RegistrationConfiguration``; ``write(for:into:)`` writes the whole request.
///
/// Invariants kept by the machine: ``callID`` and ``fromTag`` are the same for every REGISTER
/// of one registration, ``cseq`` grows by one per REGISTER (RFC 3261 §10.2), and ``branch``
/// starts with the magic cookie `z9hG4bK` (§8.1.1.7) and is new for each.
public struct RegisterRequest: Sendable, Hashable {
    /// The CSeq number.
    public var cseq: UInt32
    /// The expiry asked for, in seconds: Expires header and Contact `expires` (0 unregisters).
    public var expires: UInt32
    /// The Call-ID, the same for the whole registration (RFC 3261 §10.2).
    public var callID: String
    /// The From tag, the same for the whole registration; To has none (§10.2).
    public var fromTag: String
    /// The Via branch, `z9hG4bK...`.
    public var branch: String
    /// Authorization or Proxy-Authorization headers from ``DigestClient`` (RFC 3261 §22.2).
    public var authorizations: [DigestAuthorization]

    public init(
        cseq: UInt32, expires: UInt32, callID: String, fromTag: String, branch: String,
        authorizations: [DigestAuthorization] = []
    ) {
        self.cseq = cseq
        self.expires = expires
        self.callID = callID
        self.fromTag = fromTag
        self.branch = branch
        self.authorizations = authorizations
    }
}
