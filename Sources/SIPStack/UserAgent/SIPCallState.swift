/// Where a call of a ``SIPUserAgent`` stands (RFC 3261 §12-15): the application sees each
/// change as ``SIPUserAgentEvent/callStateChanged(_:_:)``.
///
/// ```
/// outgoing: calling ──1xx──> proceeding(status) ──1xx with tag──> early ──2xx──> confirmed ──BYE──> terminated
/// incoming: incoming ──answer()──> answered ──ACK──> confirmed ──BYE──> terminated
///           any state ──final non-2xx, CANCEL, timeout, hang-up──> terminated(why)
/// ```
public enum SIPCallState: Sendable, Hashable, CustomStringConvertible {
    /// Outgoing: the INVITE is sent, nothing came back yet (or only 100).
    case calling
    /// Outgoing: a provisional response without a dialog (no To tag).
    case proceeding(status: Int)
    /// Outgoing: an early dialog exists (a 1xx with a To tag, such as 180 Ringing); `body` is
    /// the early answer (183 Session Progress with SDP), if any.
    case early(status: Int, body: SIPBody?)
    /// Incoming: the INVITE waits for ``SIPUserAgent/answer(_:body:)`` or a rejection.
    case incoming
    /// Incoming: the 2xx is sent and retransmitted until the ACK arrives.
    case answered
    /// The dialog is confirmed: the call is up. For an outgoing call `body` is the answer in
    /// the 2xx; for an incoming call, the body of the ACK (nil when the offer was in the INVITE).
    case confirmed(body: SIPBody?)
    /// The call is over, and why.
    case terminated(SIPCallEnd)

    /// Whether the call is over.
    public var isTerminated: Bool {
        if case .terminated = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case .calling: "calling"
        case .proceeding(let status): "proceeding(\(status))"
        case .early(let status, _): "early(\(status))"
        case .incoming: "incoming"
        case .answered: "answered"
        case .confirmed: "confirmed"
        case .terminated(let end): "terminated(\(end))"
        }
    }
}

/// Why a call ended.
public enum SIPCallEnd: Sendable, Hashable, CustomStringConvertible {
    /// This side hung up: BYE sent, or CANCEL sent and the INVITE answered 487.
    case localHangUp
    /// The peer sent BYE.
    case remoteHangUp
    /// Incoming: the caller cancelled before the call was answered (CANCEL, RFC 3261 §9.2).
    case cancelled
    /// Outgoing: the INVITE got this final non-2xx status. Incoming: this side rejected it
    /// with this status.
    case rejected(status: Int, reason: String)
    /// No final response (Timer B), no ACK for the 2xx (64*T1), the application did not
    /// answer in time, or the session timer ran out (RFC 4028 §10: no refresh from the peer
    /// before the session expired, or this side's refresh failed with 408, 481 or a timeout;
    /// a BYE was sent).
    case timedOut
    /// The transport could not carry a request or response of the call.
    case transportFailed
    /// The peer ended the dialog with a 481 (Call/Transaction Does Not Exist) or 408 to an
    /// in-dialog request (RFC 5057 §5.1).
    case dialogLost(status: Int)
    /// Outgoing: the callee's 2xx could not make a dialog (no Contact, or one no request can
    /// be sent to); it was ACKed and the dialog ended with BYE.
    case unusableAnswer(reason: String)
    /// The agent shut down.
    case shutdown

    public var description: String {
        switch self {
        case .localHangUp: "local hang-up"
        case .remoteHangUp: "remote hang-up"
        case .cancelled: "cancelled"
        case .rejected(let status, let reason): "rejected \(status) \(reason)"
        case .timedOut: "timed out"
        case .transportFailed: "transport failed"
        case .dialogLost(let status): "dialog lost (\(status))"
        case .unusableAnswer(let reason): "unusable answer (\(reason))"
        case .shutdown: "shutdown"
        }
    }
}
