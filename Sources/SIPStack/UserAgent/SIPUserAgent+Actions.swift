import Logging
import NIOCore
import SIPMessage

/// What the application asks of the agent, on the event loop (RFC 3261 §13-15).
extension SIPUserAgent {
    /// Calls `target` (a sip or sips URI) with `offer` in the INVITE (RFC 3261 §13.2.1).
    /// State changes follow as events: calling, proceeding or early, then confirmed or
    /// terminated.
    ///
    /// - Parameters:
    ///   - headers: further headers for the INVITE (Subject, Alert-Info...).
    ///   - identity: who calls (From, proxy, credentials for the call's challenges); nil for
    ///     the agent's configuration.
    public func call(
        _ target: String, offer: SIPBody?, headers: [(SIPHeaderName, String)] = [], as identity: SIPCallIdentity? = nil
    ) throws(SIPUserAgentError) -> SIPCallHandle {
        let identity = identity ?? configuration.defaultIdentity
        eventLoop.preconditionInEventLoop()
        guard !isShutDown else { throw SIPUserAgentError(.shutDown, "the agent is shut down") }
        // RFC 4028 §7.1: Session-Expires (no refresher: the UAS picks) and Min-SE.
        let sessionHeaders = configuration.sessionTimersEnabled
            ? Self.sessionRequestHeaders(
                interval: configuration.effectiveSessionExpires, minSE: configuration.effectiveMinSE, refresher: nil)
            : []
        let nextHop = identity.outboundProxy ?? target
        let nextHopDestination = try SIPNextHop.destination(for: nextHop, defaultTransport: identity.defaultTransport)
        let transport = nextHopDestination.transport
        let callID = SIPUserAgent.randomToken() + "@" + configuration.host
        let localTag = SIPUserAgent.randomToken()
        var draft = SIPRequestDraft(
            method: .invite, requestURI: target,
            via: SIPRequestDraft.via(sentBy: configuration.sentBy(for: transport), transport: transport),
            from: "\(identity.fromValue);tag=\(localTag)", to: "<\(target)>", callID: callID,
            cseq: UInt32.random(in: 1...0x7FFF), contact: configuration.contactURI(for: transport, user: identity.addressOfRecord),
            headers: standardHeaders + sessionHeaders + headers, body: offer)
        if let proxy = identity.outboundProxy { draft.routes = [outboundRoute(proxy)] }
        let (invite, destination) = try finalize(draft, to: nextHopDestination)
        let handle = makeHandle()
        let call = Call(handle: handle, role: .outgoing, state: .calling, callID: callID, localTag: localTag, transport: transport)
        call.identity = identity
        call.invite = invite
        call.inviteDestination = destination
        if identity.outboundProxy != nil { call.untriedProxies = identity.alternativeProxies }
        call.localBody = offer
        call.requestedInterval = configuration.effectiveSessionExpires
        call.requestedMinSE = configuration.effectiveMinSE
        calls[handle] = call
        callsByDialog[LocalDialogID(callID: callID, localTag: localTag)] = handle
        emit(.callStateChanged(handle, .calling))
        _ = send(invite, to: destination, purpose: .invite(handle))
        return handle
    }

    /// Answers the incoming call (200 with `body`, RFC 3261 §13.3.1.4), or the peer's pending
    /// re-INVITE (§14.2). The 2xx is resent until the ACK comes.
    public func answer(_ handle: SIPCallHandle, body: SIPBody?) throws(SIPUserAgentError) {
        eventLoop.preconditionInEventLoop()
        let call = try liveCall(handle)
        let isInitial: Bool
        switch call.state {
        case .incoming: isInitial = true
        case .confirmed where call.peerReinvitePending: isInitial = false
        default: throw SIPUserAgentError(.wrongState, "\(handle) has no INVITE to answer (\(call.state))")
        }
        guard let request = call.serverRequest, let key = call.serverKey, let source = call.source, let cseq = request.cseqNumber else {
            throw SIPUserAgentError(.wrongState, "\(handle) has no INVITE to answer")
        }
        let sessionAnswer = call.pendingSessionAnswer
        let sessionHeaders = sessionAnswer.map(Self.sessionResponseHeaders) ?? []
        guard let response = respond(
            to: request, key: key, source: source, status: 200, reason: "OK", toTag: call.localTag,
            contact: call.dialog?.transport ?? call.transport, headers: standardHeaders + sessionHeaders, body: body)
        else { throw SIPUserAgentError(.invalidMessage, "the 2xx could not be built or sent") }
        call.pendingSessionAnswer = nil
        if let body { call.localBody = body }
        // RFC 4028 §9: the 2xx starts (or refreshes) the session timer.
        if let sessionAnswer { startSessionTimer(sessionAnswer.timer, for: call) }
        call.peerReinvitePending = false
        cancelTimer(.unanswered, for: call)
        cancelTimer(.reoffer, for: call)
        callsByServerInvite.removeValue(forKey: key)
        call.serverRequest = nil
        call.pending2xx = (response, key, cseq, configuration.timers.t1)
        if !source.isReliable { scheduleRetransmission(of: call) }
        schedule(.ackDeadline, for: call, after: configuration.timers.t1 * 64) { [weak self] call in
            self?.ackNeverCame(call)
        }
        if isInitial { setState(call, .answered) }
    }

    /// Sends 180 (Ringing) for the incoming call: the caller gets an early dialog.
    public func ring(_ handle: SIPCallHandle) throws(SIPUserAgentError) {
        eventLoop.preconditionInEventLoop()
        let call = try liveCall(handle)
        guard case .incoming = call.state, let request = call.serverRequest, let key = call.serverKey, let source = call.source else {
            throw SIPUserAgentError(.wrongState, "\(handle) is not an unanswered incoming call")
        }
        respond(to: request, key: key, source: source, status: 180, reason: "Ringing", toTag: call.localTag,
                contact: call.transport)
    }

    /// Refuses the incoming call, or the peer's pending re-INVITE (the call then stays as
    /// it was), with `status` (300-699): 486 Busy Here, 603 Decline, 488 Not Acceptable Here...
    public func reject(_ handle: SIPCallHandle, status: Int, reason: String? = nil) throws(SIPUserAgentError) {
        eventLoop.preconditionInEventLoop()
        guard (300...699).contains(status) else { throw SIPUserAgentError(.invalidStatus, "a rejection needs a status from 300 to 699") }
        let call = try liveCall(handle)
        let phrase = reason ?? SIPUserAgent.reasonPhrase(status)
        switch call.state {
        case .incoming:
            finishIncoming(call, status: status, reason: phrase, end: .rejected(status: status, reason: phrase))
        case .confirmed where call.peerReinvitePending:
            if let request = call.serverRequest, let key = call.serverKey, let source = call.source {
                respond(to: request, key: key, source: source, status: status, reason: phrase)
            }
            call.peerReinvitePending = false
            call.serverRequest = nil
            cancelTimer(.reoffer, for: call)
        default:
            throw SIPUserAgentError(.wrongState, "\(handle) has no INVITE to reject (\(call.state))")
        }
    }

    /// Ends the call whatever its state: CANCEL before an answer (§9.1), BYE after (§15), 603
    /// for an unanswered incoming call.
    public func hangUp(_ handle: SIPCallHandle) throws(SIPUserAgentError) {
        eventLoop.preconditionInEventLoop()
        _ = try liveCall(handle)
        end(handle, because: .localHangUp)
    }

    /// Sends a new offer in a re-INVITE (RFC 3261 §14.1): hold (`a=sendonly`), resume, a
    /// codec change. The outcome is ``SIPUserAgentEvent/reofferCompleted(_:status:body:)``;
    /// after a 491 the agent tries again by itself after the random wait of §14.1.
    public func reinvite(_ handle: SIPCallHandle, offer: SIPBody) throws(SIPUserAgentError) {
        eventLoop.preconditionInEventLoop()
        let call = try liveCall(handle)
        guard case .confirmed = call.state, call.dialog != nil else {
            throw SIPUserAgentError(.wrongState, "a re-INVITE needs a confirmed call (\(call.state))")
        }
        guard call.clientReinvite == nil, !call.peerReinvitePending, call.pending2xx == nil else {
            throw SIPUserAgentError(.requestPending, "an INVITE is already in progress in the dialog")
        }
        call.reinviteBody = offer
        call.reinviteIsRefresh = false
        try sendReinvite(call)
    }

    /// Sends INFO in the call's dialog (RFC 6086) and completes with its final status.
    public func sendInfo(_ handle: SIPCallHandle, body: SIPBody) throws(SIPUserAgentError) -> EventLoopFuture<Int> {
        eventLoop.preconditionInEventLoop()
        let call = try liveCall(handle)
        return try sendInDialog(call, method: .info, body: body)
    }

    /// Sends MESSAGE (RFC 3428) to `target` outside any dialog, or in the call's dialog, and
    /// completes with its final status (408 on timeout, 503 when the transport failed).
    public func sendMessage(to target: String, body: SIPBody) throws(SIPUserAgentError) -> EventLoopFuture<Int> {
        eventLoop.preconditionInEventLoop()
        return try sendStandalone(.message, to: target, body: body)
    }

    /// Sends MESSAGE in the dialog of `handle`.
    public func sendMessage(in handle: SIPCallHandle, body: SIPBody) throws(SIPUserAgentError) -> EventLoopFuture<Int> {
        eventLoop.preconditionInEventLoop()
        return try sendInDialog(try liveCall(handle), method: .message, body: body)
    }

    /// Sends OPTIONS to `target` (a keep-alive or capability query) and completes with its
    /// final status.
    public func sendOptions(to target: String) throws(SIPUserAgentError) -> EventLoopFuture<Int> {
        eventLoop.preconditionInEventLoop()
        return try sendStandalone(.options, to: target, body: nil)
    }

    // MARK: - Building blocks

    func liveCall(_ handle: SIPCallHandle) throws(SIPUserAgentError) -> Call {
        guard !isShutDown else { throw SIPUserAgentError(.shutDown, "the agent is shut down") }
        guard let call = calls[handle], !call.state.isTerminated else {
            throw SIPUserAgentError(.noSuchCall, "\(handle) is unknown or over")
        }
        return call
    }

    /// Headers every request and 2xx of the agent carries.
    var standardHeaders: [(SIPHeaderName, String)] {
        var headers: [(SIPHeaderName, String)] = [(.allow, allowValue)]
        let supported = requestProfile.supportedExtensions
        if !supported.isEmpty { headers.append((.supported, supported.sorted().joined(separator: ", "))) }
        headers.append((.userAgent, configuration.product))
        return headers
    }

    func outboundRoute(_ proxy: String) -> String {
        proxy.contains(";lr") ? "<\(proxy)>" : "<\(proxy);lr>"
    }

    /// Ends a call in whatever state it is.
    func end(_ handle: SIPCallHandle, because reason: SIPCallEnd) {
        guard let call = calls[handle], !call.state.isTerminated else { return }
        switch (call.role, call.state) {
        case (.incoming, .incoming):
            finishIncoming(call, status: reason == .shutdown ? 480 : 603,
                           reason: reason == .shutdown ? "Temporarily Unavailable" : "Decline", end: reason)
        case (.incoming, .answered):
            // §15: the callee must not send BYE before the ACK (or its timeout).
            call.byeWhenACKed = true
            setState(call, .terminated(reason))
        case (.outgoing, .calling), (.outgoing, .proceeding), (.outgoing, .early):
            call.wantsCancel = true
            if call.sawProvisional { sendCancel(call) }
            if reason == .shutdown { setState(call, .terminated(reason)) }
        default:
            sendBye(call)
            setState(call, .terminated(reason))
        }
    }

    /// A request in the dialog of `call` (RFC 3261 §12.2.1.1), with the next CSeq.
    func dialogRequest(
        _ call: Call, method: SIPMethod, body: SIPBody?, headers: [(SIPHeaderName, String)] = [], cseq: UInt32? = nil
    ) throws(SIPUserAgentError) -> (SIPMessage, TransactionDestination) {
        guard var dialog = call.dialog else { throw SIPUserAgentError(.wrongState, "\(call.handle) has no dialog") }
        let number: UInt32
        if let cseq {
            number = cseq
        } else {
            dialog.localSeq &+= 1
            number = dialog.localSeq
            call.dialog = dialog
        }
        let (requestURI, routes, nextHop) = dialog.addressing()
        let destination = try SIPNextHop.destination(for: nextHop, defaultTransport: dialog.transport)
        let transport = destination.transport
        var draft = SIPRequestDraft(
            method: method, requestURI: requestURI,
            via: SIPRequestDraft.via(sentBy: configuration.sentBy(for: transport), transport: transport),
            routes: routes, from: dialog.localField, to: dialog.remoteField, callID: dialog.callID, cseq: number,
            contact: method == .invite ? configuration.contactURI(for: transport) : nil, headers: headers, body: body)
        if method == .invite || method == .bye { draft.headers = standardHeaders + headers }
        return try finalize(draft, to: destination)
    }

    /// The request of `draft` and where it goes. RFC 3261 §18.1.1: a request of more than
    /// 1300 bytes (within 200 bytes of a 1500-byte path MTU) does not go over UDP but over TCP
    /// to the same address, when the agent listens on TCP; its Via says so.
    func finalize(
        _ draft: SIPRequestDraft, to destination: TransactionDestination
    ) throws(SIPUserAgentError) -> (SIPMessage, TransactionDestination) {
        let message = try draft.message()
        guard !destination.isReliable, message.bytes.readableBytes > 1300, configuration.ports[.tcp] != nil else {
            return (message, destination)
        }
        var larger = draft
        larger.via = SIPRequestDraft.via(sentBy: configuration.sentBy(for: .tcp), transport: .tcp)
        return (try larger.message(), TransactionDestination(address: destination.address, transport: .tcp))
    }

    func sendBye(_ call: Call) {
        do {
            let (bye, destination) = try dialogRequest(call, method: .bye, body: nil)
            send(bye, to: destination, purpose: .bye(call.handle))
        } catch {
            logger.notice("could not send BYE: \(error)", metadata: ["call": "\(call.handle)"])
        }
    }

    func sendReinvite(_ call: Call) throws(SIPUserAgentError) {
        let (request, destination) = try dialogRequest(
            call, method: .invite, body: call.reinviteBody, headers: sessionHeaders(forReinviteOf: call))
        call.clientReinvite = send(request, to: destination, purpose: .reinvite(call.handle))
    }

    private func sendInDialog(_ call: Call, method: SIPMethod, body: SIPBody) throws(SIPUserAgentError) -> EventLoopFuture<Int> {
        guard case .confirmed = call.state else {
            throw SIPUserAgentError(.wrongState, "\(method.name) needs a confirmed call (\(call.state))")
        }
        let (request, destination) = try dialogRequest(call, method: method, body: body)
        let promise = eventLoop.makePromise(of: Int.self)
        send(request, to: destination, purpose: .inDialog(call.handle), promise: promise)
        return promise.futureResult
    }

    private func sendStandalone(_ method: SIPMethod, to target: String, body: SIPBody?) throws(SIPUserAgentError) -> EventLoopFuture<Int> {
        guard !isShutDown else { throw SIPUserAgentError(.shutDown, "the agent is shut down") }
        let destination = try SIPNextHop.destination(
            for: configuration.outboundProxy ?? target, defaultTransport: configuration.defaultTransport)
        let transport = destination.transport
        var draft = SIPRequestDraft(
            method: method, requestURI: target,
            via: SIPRequestDraft.via(sentBy: configuration.sentBy(for: transport), transport: transport),
            from: "\(configuration.fromValue);tag=\(SIPUserAgent.randomToken())", to: "<\(target)>",
            callID: SIPUserAgent.randomToken() + "@" + configuration.host, cseq: 1, contact: nil,
            headers: [(.userAgent, configuration.product)], body: body)
        if let proxy = configuration.outboundProxy { draft.routes = [outboundRoute(proxy)] }
        let (request, finalDestination) = try finalize(draft, to: destination)
        let promise = eventLoop.makePromise(of: Int.self)
        send(request, to: finalDestination, purpose: .standalone, promise: promise)
        return promise.futureResult
    }

    /// Resends the 2xx at T1, 2*T1... capped at T2 until the ACK (RFC 3261 §13.3.1.4).
    private func scheduleRetransmission(of call: Call) {
        guard let pending = call.pending2xx else { return }
        schedule(.retransmit2xx, for: call, after: pending.interval) { [weak self] call in
            guard let self, var pending = call.pending2xx else { return }
            try? self.layer.sendResponse(pending.response, for: pending.key)
            pending.interval = min(pending.interval * 2, self.configuration.timers.t2)
            call.pending2xx = pending
            self.scheduleRetransmission(of: call)
        }
    }

    /// No ACK within 64*T1 (RFC 3261 §13.3.1.4): the dialog is confirmed and at once ended
    /// with BYE.
    private func ackNeverCame(_ call: Call) {
        guard call.pending2xx != nil else { return }
        call.pending2xx = nil
        cancelTimer(.retransmit2xx, for: call)
        logger.notice("no ACK for the 2xx: ending the call", metadata: ["call": "\(call.handle)"])
        sendBye(call)
        call.byeWhenACKed = false
        setState(call, .terminated(.timedOut))
    }

    static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 180: "Ringing"
        case 200: "OK"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 480: "Temporarily Unavailable"
        case 486: "Busy Here"
        case 487: "Request Terminated"
        case 488: "Not Acceptable Here"
        case 500: "Server Internal Error"
        case 503: "Service Unavailable"
        case 600: "Busy Everywhere"
        case 603: "Decline"
        default: "Unknown"
        }
    }
}
