import Logging
import NIOCore
import SIPMessage

/// RFC 4028 session timers: a call is refreshed by a re-INVITE every half session interval,
/// by whichever side is the refresher, and the other side ends it with BYE when no refresh
/// came in time. A caller that lost power, or a BYE that got lost, then frees the line within
/// one interval instead of never.
///
/// ```
/// refresher:     2xx ──interval/2──> re-INVITE (same SDP) ──2xx──> restart
///                                                  └──408/481/timeout──> BYE, terminated(timedOut)
/// non-refresher: 2xx ──interval − min(32 s, interval/3)──> BYE, terminated(timedOut)
///                 └── a refresh from the peer (re-INVITE answered 2xx) ──> restart
/// ```
extension SIPUserAgent {
    /// The smallest session interval RFC 4028 allows (§4, §5), in seconds.
    static let sessionTimerFloor = 90

    /// The profile requests are checked against: the configured one, plus the `timer` option
    /// tag when session timers are on (so that Require: timer is accepted, not 420).
    var requestProfile: SIPEndpointProfile {
        guard configuration.sessionTimersEnabled, !configuration.profile.supportedExtensions.contains("timer") else {
            return configuration.profile
        }
        var profile = configuration.profile
        profile.supportedExtensions.insert("timer")
        return profile
    }

    /// Whether the sender of `message` supports session timers: its Supported or Require
    /// names `timer` (a malformed list counts as no support).
    static func supportsTimer(_ message: SIPMessage) -> Bool {
        let tags = ((try? message.supported()) ?? []) + ((try? message.require()) ?? [])
        return tags.contains { $0.equalsIgnoringCase("timer") }
    }

    /// Session-Expires (and Min-SE when above 90) for a request asking for `interval`
    /// (RFC 4028 §7.1, §7.4).
    static func sessionRequestHeaders(
        interval: UInt32, minSE: UInt32, refresher: SIPSessionExpires.Refresher?
    ) -> [(SIPHeaderName, String)] {
        var value = "\(max(interval, minSE))"
        if let refresher { value += refresher == .uac ? ";refresher=uac" : ";refresher=uas" }
        var headers: [(SIPHeaderName, String)] = [(.sessionExpires, value)]
        if minSE != UInt32(sessionTimerFloor) { headers.append((.minSE, "\(minSE)")) }
        return headers
    }

    // MARK: - As the UAC

    /// The session headers of a re-INVITE of `call` (§7.4): the running interval with the
    /// current refresher kept, or the configured interval when no timer runs yet.
    func sessionHeaders(forReinviteOf call: Call) -> [(SIPHeaderName, String)] {
        guard configuration.sessionTimersEnabled else { return [] }
        let minSE = max(call.requestedMinSE, configuration.effectiveMinSE)
        if let timer = call.sessionTimer {
            return Self.sessionRequestHeaders(interval: timer.interval, minSE: minSE, refresher: timer.localRefresher ? .uac : .uas)
        }
        return Self.sessionRequestHeaders(
            interval: max(call.requestedInterval, configuration.effectiveSessionExpires), minSE: minSE, refresher: nil)
    }

    /// A 422 (Session Interval Too Small) to this side's initial INVITE (§7.3): once, the
    /// INVITE goes again with the 422's Min-SE as both Session-Expires and Min-SE (same Call-ID
    /// and From tag, CSeq + 1, new branch). False when no retry is made; the 422 then ends the
    /// call as a rejection.
    func retryInviteAfter422(_ response: SIPMessage, call: Call) -> Bool {
        guard configuration.sessionTimersEnabled, !call.retriedAfter422, !call.wantsCancel, call.dialog == nil,
              let minSE = try? response.minSE(), minSE > call.requestedInterval, let invite = call.invite,
              let cseq = invite.cseqNumber, let destination = call.inviteDestination
        else { return false }
        call.retriedAfter422 = true
        call.requestedInterval = minSE
        call.requestedMinSE = minSE
        let headers = Self.sessionRequestHeaders(interval: minSE, minSE: minSE, refresher: nil)
        let retry: SIPMessage
        do {
            retry = try invite.resending(cseq: cseq &+ 1, authorizations: nil, replacing: headers)
        } catch {
            logger.error("could not resend the INVITE after 422: \(error)")
            return false
        }
        logger.debug("422: asking for a \(minSE) s session interval", metadata: ["call": "\(call.handle)"])
        resendInvite(call, retry, to: destination)
        return true
    }

    /// A 422 to this side's re-INVITE: the same re-INVITE again, asking for the 422's Min-SE.
    /// False when no retry is made.
    func retryReinviteAfter422(_ response: SIPMessage, call: Call) -> Bool {
        guard configuration.sessionTimersEnabled, let minSE = try? response.minSE(),
              minSE > max(call.sessionTimer?.interval ?? 0, call.requestedInterval, call.requestedMinSE)
        else { return false }
        call.requestedInterval = minSE
        call.requestedMinSE = minSE
        if var timer = call.sessionTimer {
            timer.interval = minSE
            call.sessionTimer = timer
        }
        do {
            try sendReinvite(call)
        } catch {
            return false
        }
        return true
    }

    /// A 2xx to this side's INVITE or re-INVITE (§7.2): its Session-Expires sets the interval
    /// and the refresher (`uac` is this side; an absent refresher parameter too, defensively).
    /// Without one there is no session expiration, except when this side already refreshes
    /// for a peer that never claimed timer support: such a peer answers refreshes without
    /// Session-Expires, and the refreshes go on.
    func sessionTimerFromResponse(_ response: SIPMessage, call: Call) {
        guard configuration.sessionTimersEnabled, !call.state.isTerminated else { return }
        if Self.supportsTimer(response) { call.peerSupportsTimer = true }
        guard let value = try? response.sessionExpires(), value.seconds > 0 else {
            if let running = call.sessionTimer, running.localRefresher, !call.peerSupportsTimer {
                startSessionTimer(running, for: call)
            } else {
                stopSessionTimer(call)
            }
            return
        }
        // The RFC's floor holds whatever the peer says: no refresh storm from a tiny interval.
        let interval = max(value.seconds, UInt32(Self.sessionTimerFloor))
        startSessionTimer(SessionTimer(interval: interval, localRefresher: value.refresher != .uas), for: call)
    }

    // MARK: - As the UAS

    /// What to do with the session timer request of the peer's INVITE or re-INVITE (§9): the
    /// answer its 2xx will carry (nil when timers are off), or the Min-SE to refuse it with
    /// in a 422, when the peer supports timers and asked for less than this side's minimum.
    /// The interval granted is the one asked for, lowered to the configured one but never
    /// below either side's Min-SE; without a request, the configured one.
    func negotiateSession(_ request: SIPMessage) -> (answer: SessionAnswer?, reject422: UInt32?) {
        guard configuration.sessionTimersEnabled else { return (nil, nil) }
        let supports = Self.supportsTimer(request)
        let ourMinSE = configuration.effectiveMinSE
        let asked = try? request.sessionExpires()
        let peerMinSE = (try? request.minSE()) ?? 0
        let floor = max(ourMinSE, peerMinSE)
        var interval: UInt32
        if let asked {
            if asked.seconds < ourMinSE, supports { return (nil, ourMinSE) }
            // §9: the UAS may lower the interval, but not below the request's Min-SE.
            interval = min(asked.seconds, configuration.effectiveSessionExpires)
        } else {
            interval = configuration.effectiveSessionExpires
        }
        interval = max(interval, floor)
        // §9: a UAC without timer support cannot refresh: this side does.
        let refresher: SIPSessionExpires.Refresher = supports ? (asked?.refresher ?? .uac) : .uas
        let timer = SessionTimer(interval: interval, localRefresher: refresher == .uas)
        return (SessionAnswer(timer: timer, refresher: refresher, requireTimer: supports), nil)
    }

    /// Refuses the peer's INVITE or re-INVITE with 422 and this side's Min-SE (§6, §9).
    func rejectSessionInterval(
        _ request: SIPMessage, key: TransactionKey, source: TransactionDestination, minSE: UInt32, toTag: String? = nil
    ) {
        logger.debug("422: the peer's session interval is below \(minSE) s", metadata: ["source": "\(source)"])
        respond(to: request, key: key, source: source, status: 422, reason: "Session Interval Too Small", toTag: toTag,
                headers: [(.minSE, "\(minSE)")])
    }

    /// Session-Expires (and Require: timer) for the 2xx answering the peer's INVITE (§9).
    static func sessionResponseHeaders(_ answer: SessionAnswer) -> [(SIPHeaderName, String)] {
        let refresher = answer.refresher == .uac ? "uac" : "uas"
        var headers: [(SIPHeaderName, String)] = [(.sessionExpires, "\(answer.timer.interval);refresher=\(refresher)")]
        if answer.requireTimer { headers.append((.require, "timer")) }
        return headers
    }

    // MARK: - Running the timer

    /// (Re)starts the session timer of `call` (§10): the refresher refreshes at half the
    /// interval and gives up at its end; the other side ends the call at the interval less
    /// min(32 s, interval/3).
    func startSessionTimer(_ timer: SessionTimer, for call: Call) {
        guard !call.state.isTerminated else { return }
        call.sessionTimer = timer
        let interval = TimeAmount.seconds(Int64(timer.interval))
        let expiry = timer.localRefresher
            ? interval
            : interval - TimeAmount.seconds(Int64(min(32, timer.interval / 3)))
        call.sessionDeadline = eventLoop.now + expiry
        if timer.localRefresher {
            schedule(.sessionRefresh, for: call, after: .seconds(Int64(timer.interval / 2))) { [weak self] call in
                self?.refreshSession(call)
            }
        } else {
            cancelTimer(.sessionRefresh, for: call)
        }
        schedule(.sessionExpiry, for: call, after: expiry) { [weak self] call in
            self?.sessionExpired(call)
        }
    }

    func stopSessionTimer(_ call: Call) {
        call.sessionTimer = nil
        call.sessionDeadline = nil
        cancelTimer(.sessionRefresh, for: call)
        cancelTimer(.sessionExpiry, for: call)
    }

    /// Sends the refresh re-INVITE, offering the last session description again. While
    /// another INVITE transaction runs in the dialog (its 2xx refreshes the session too), or
    /// after a refresh that failed without ending the dialog, it tries again half-way to the
    /// deadline.
    func refreshSession(_ call: Call) {
        guard !call.state.isTerminated, call.sessionTimer?.localRefresher == true else { return }
        if case .confirmed = call.state, call.clientReinvite == nil, !call.peerReinvitePending, call.pending2xx == nil,
           let body = call.localBody {
            call.reinviteBody = body
            call.reinviteIsRefresh = true
            do {
                try sendReinvite(call)
                logger.debug("session refresh sent", metadata: ["call": "\(call.handle)"])
                return
            } catch {
                call.reinviteIsRefresh = false
                logger.notice("could not send a session refresh: \(error)", metadata: ["call": "\(call.handle)"])
            }
        }
        retrySessionRefreshLater(call)
    }

    /// Schedules another refresh half-way to the session deadline, if that leaves a second.
    func retrySessionRefreshLater(_ call: Call) {
        guard call.sessionTimer?.localRefresher == true, let deadline = call.sessionDeadline else { return }
        let wait = TimeAmount.nanoseconds((deadline - eventLoop.now).nanoseconds / 2)
        guard wait >= .seconds(1) else { return }
        schedule(.sessionRefresh, for: call, after: wait) { [weak self] call in
            self?.refreshSession(call)
        }
    }

    /// No refresh before the deadline (§10): BYE, and the call ends as timed out.
    func sessionExpired(_ call: Call) {
        guard !call.state.isTerminated else { return }
        logger.notice("session timer expired: ending the call", metadata: ["call": "\(call.handle)"])
        call.sessionTimer = nil
        call.sessionDeadline = nil
        end(call.handle, because: .timedOut)
    }
}
