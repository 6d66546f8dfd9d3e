import NIOCore
import SIPMessage

extension SIPUserAgent {
    /// A timer a call runs.
    enum CallTimer: Hashable {
        /// Resend the 2xx of an answered INVITE (RFC 3261 §13.3.1.4).
        case retransmit2xx
        /// Give up waiting for the ACK of the 2xx (64*T1).
        case ackDeadline
        /// The application did not answer the incoming call in time.
        case unanswered
        /// The application did not answer the peer's re-INVITE in time.
        case reoffer
        /// Send our re-INVITE again after a 491 (RFC 3261 §14.1).
        case reinviteRetry
        /// Forget the terminated call (it still absorbs late messages until then).
        case forget
        /// Send a session refresh re-INVITE, half-way through the session interval (RFC 4028 §10).
        case sessionRefresh
        /// The session expires without a refresh: BYE (RFC 4028 §10).
        case sessionExpiry
        /// No final response to the cancelled INVITE within 64*T1 of the CANCEL (RFC 3261 §9.1).
        case cancelDeadline
    }

    /// A running RFC 4028 session timer: the interval and which side refreshes.
    struct SessionTimer: Hashable {
        /// The session interval in seconds (at least 90).
        var interval: UInt32
        /// Whether this side sends the refreshes; otherwise it waits for the peer's.
        var localRefresher: Bool
    }

    /// What the 2xx to the peer's INVITE says about session timers (RFC 4028 §9): the timer
    /// it starts, and whether it carries Require: timer.
    struct SessionAnswer: Hashable {
        var timer: SessionTimer
        /// The refresher parameter as the peer (the UAC of its INVITE) reads it.
        var refresher: SIPSessionExpires.Refresher
        var requireTimer: Bool
    }

    /// Who started the call.
    enum CallRole {
        case outgoing, incoming
    }

    /// One call: its dialog (or, for an outgoing call, the early dialogs of each fork), the
    /// INVITE transactions in flight, and its timers.
    /// Confined to the agent's event loop, like the agent.
    final class Call: @unchecked Sendable {
        let handle: SIPCallHandle
        let role: CallRole
        var state: SIPCallState
        let callID: String
        let localTag: String
        /// The dialog, once established (incoming: at once; outgoing: at the first 2xx).
        var dialog: SIPDialog?
        /// The transport and destination of requests outside the dialog.
        let transport: SIPTransportKind

        // Outgoing.
        /// Who placed the call; nil for an incoming call (the agent's configuration answers
        /// its challenges).
        var identity: SIPCallIdentity?
        /// Why a challenge to the INVITE could not be answered (an algorithm not allowed),
        /// for the reason of the call's end.
        var challengeFailure: String?
        /// The initial INVITE as last sent (for CANCEL and for a retry with credentials).
        var invite: SIPMessage?
        var inviteDestination: TransactionDestination?
        /// The proxies the INVITE has yet to try when the current one fails (RFC 3263 §4.3).
        var untriedProxies: [String] = []
        var sawProvisional = false
        var wantsCancel = false
        var cancelSent = false
        /// Early dialogs by remote tag: remote field, target and route set.
        var earlyDialogs: [String: SIPDialog] = [:]
        /// The ACK of the 2xx and where it went, resent when the 2xx comes again.
        var ack: (cseq: UInt32, bytes: ByteBuffer, destination: TransactionDestination)?

        // Incoming.
        /// The server INVITE transaction (initial INVITE or a re-INVITE) awaiting our answer.
        var serverKey: TransactionKey?
        var serverRequest: SIPMessage?
        var source: TransactionDestination?
        /// The 2xx sent and retransmitted until the ACK, its transaction and CSeq.
        var pending2xx: (response: SIPMessage, key: TransactionKey, cseq: UInt32, interval: TimeAmount)?
        var byeWhenACKed = false
        var authenticatedUser: String?

        // Re-INVITEs.
        /// Our re-INVITE in flight, and its body for a retry after 491.
        var clientReinvite: TransactionKey?
        var reinviteBody: SIPBody?
        /// Whether a re-INVITE of the peer waits for our answer.
        var peerReinvitePending = false

        // Session timers (RFC 4028).
        /// The running session timer, or nil.
        var sessionTimer: SessionTimer?
        /// When the session expires without a refresh.
        var sessionDeadline: NIODeadline?
        /// The session description this side sent last (offer or answer): a refresh re-INVITE
        /// offers it again, unchanged (RFC 3264 §8: same version).
        var localBody: SIPBody?
        /// Whether the re-INVITE in flight is a session refresh of this agent's own (its
        /// outcome is not reported to the application).
        var reinviteIsRefresh = false
        /// The session interval and Min-SE this side's INVITEs ask for; a 422 raises both (§7.3).
        var requestedInterval: UInt32 = 0
        var requestedMinSE: UInt32 = 0
        /// Whether a 422 was already answered by a retry (once per request).
        var retriedAfter422 = false
        /// What the 2xx to the peer's pending INVITE will say about session timers.
        var pendingSessionAnswer: SessionAnswer?
        /// Whether the peer said it supports session timers (Supported or Require: timer).
        var peerSupportsTimer = false

        var timers: [CallTimer: (generation: UInt64, task: Scheduled<Void>)] = [:]

        init(handle: SIPCallHandle, role: CallRole, state: SIPCallState, callID: String, localTag: String, transport: SIPTransportKind) {
            self.handle = handle
            self.role = role
            self.state = state
            self.callID = callID
            self.localTag = localTag
            self.transport = transport
        }
    }

    /// What a client transaction of the core is for.
    enum ClientPurpose {
        case invite(SIPCallHandle)
        case cancel(SIPCallHandle)
        case bye(SIPCallHandle)
        /// The BYE that ends the dialog of a second 2xx from another fork (§13.2.2.4).
        case forkBye(SIPCallHandle)
        case reinvite(SIPCallHandle)
        case inDialog(SIPCallHandle)
        case standalone
    }

    /// A client transaction of the core: what it is for, its request (to resend with
    /// credentials), where it went, and who waits for its final status.
    struct ClientRequest {
        let purpose: ClientPurpose
        let request: SIPMessage
        let destination: TransactionDestination
        let promise: EventLoopPromise<Int>?
    }

    /// (Call-ID, local tag): finds the call a request inside a dialog belongs to.
    struct LocalDialogID: Hashable {
        let callID: String
        let localTag: String
    }
}
