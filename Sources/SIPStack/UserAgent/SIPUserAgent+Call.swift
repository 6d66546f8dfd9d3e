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
        /// The initial INVITE as last sent (for CANCEL and for a retry with credentials).
        var invite: SIPMessage?
        var inviteKey: TransactionKey?
        var inviteDestination: TransactionDestination?
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
