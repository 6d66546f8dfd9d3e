import NIOCore
import SIPMessage

/// What a ``SIPUserAgent`` tells its application, in order, through
/// ``SIPUserAgent/events`` and ``SIPUserAgent/onEvent``.
public enum SIPUserAgentEvent: Sendable {
    /// A new call arrived (an INVITE outside a dialog that passed every check): answer it with
    /// ``SIPUserAgent/answer(_:body:)``, ring with ``SIPUserAgent/ring(_:)``, or refuse it
    /// with ``SIPUserAgent/reject(_:status:reason:)``.
    case incomingCall(SIPIncomingCall)
    /// A call changed state.
    case callStateChanged(SIPCallHandle, SIPCallState)
    /// The peer sent a new offer in a re-INVITE (hold, resume, codec change; RFC 3261 §14.2):
    /// answer it with ``SIPUserAgent/answer(_:body:)``. `body` is nil for an offerless
    /// re-INVITE, whose offer then goes in the 2xx and whose answer comes in the ACK.
    case offerReceived(SIPCallHandle, body: SIPBody?)
    /// The answer to this side's re-INVITE arrived (its 2xx), or the re-INVITE failed with
    /// `status` and the session stays as it was.
    case reofferCompleted(SIPCallHandle, status: Int, body: SIPBody?)
    /// An INFO arrived in the call's dialog (RFC 6086; DTMF as `application/dtmf-relay`); it
    /// was answered 200.
    case infoReceived(SIPCallHandle, body: SIPBody?)
    /// A MESSAGE arrived (RFC 3428), outside a dialog or in a call's dialog; it was answered
    /// 200.
    case messageReceived(SIPIncomingMessage)
}

/// An INVITE that starts a new call, as the application sees it.
public struct SIPIncomingCall: Sendable {
    /// The call's handle for every later operation.
    public let handle: SIPCallHandle
    /// The From URI (the caller), without parameters or display name.
    public let from: String
    /// The From display name, if any.
    public let displayName: String?
    /// The To URI.
    public let to: String
    /// The Request-URI.
    public let requestURI: String
    /// The offer (the INVITE's body), or nil for an offerless INVITE.
    public let offer: SIPBody?
    /// Where the INVITE came from (the last hop: a proxy, or the caller itself).
    public let source: TransactionDestination
    /// The user the caller authenticated as, when the agent challenges callers.
    public let authenticatedUser: String?
    /// The INVITE itself, for any header the application wants.
    public let request: SIPMessage
}

/// A MESSAGE (RFC 3428) as the application sees it.
public struct SIPIncomingMessage: Sendable {
    /// The call whose dialog it came in, or nil for a MESSAGE outside a dialog.
    public let call: SIPCallHandle?
    /// The From URI.
    public let from: String
    /// The To URI.
    public let to: String
    /// The body (the text), or nil.
    public let body: SIPBody?
    /// Where it came from (the last hop).
    public let source: TransactionDestination
}
