import Logging
import NIOCore
import SIPMessage

/// Requests received (RFC 3261 §8.2, §9.2, §12.2.2): the checks, then requests outside a
/// dialog (a new call, OPTIONS, MESSAGE, CANCEL) and inside one.
extension SIPUserAgent {
    func handleRequest(_ request: SIPMessage, key: TransactionKey, source: TransactionDestination) {
        guard let method = request.method else { return }
        switch request.check(profile: requestProfile) {
        case .discard(let reason):
            logger.debug("dropping a request: \(reason)", metadata: ["source": "\(source)"])
            return
        case .reject(let rejection):
            reject(request, key: key, source: source, rejection)
            return
        case .accept:
            break
        }
        if isShutDown {
            respond(to: request, key: key, source: source, status: 503, reason: "Service Unavailable")
            return
        }
        if method == .cancel {
            handleCancel(request, key: key, source: source)
        } else if let toTag = request.toTag?.string {
            handleInDialog(request, method: method, toTag: toTag, key: key, source: source)
        } else {
            handleOutOfDialog(request, method: method, key: key, source: source)
        }
    }

    /// Answers a request that failed the checks with the status they chose, and the header
    /// that status needs: Warning naming the fault for 400 (RFC 3261 §20.43), Unsupported
    /// for 420, Allow for 405 and 501, Accept for 415.
    private func reject(_ request: SIPMessage, key: TransactionKey, source: TransactionDestination, _ rejection: SIPRejection) {
        var headers: [(SIPHeaderName, String)] = []
        if let error = rejection.error {
            var text = "\(error)"
            if let name = Self.headerName(in: request, at: error.offset) { text = "\(name): " + text }
            headers.append((.warning, SIPWarning.miscellaneous(agent: configuration.sentBy(for: source.transport), text)))
        }
        if !rejection.unsupported.isEmpty { headers.append((.unsupported, rejection.unsupported.joined(separator: ", "))) }
        if rejection.status == 405 || rejection.status == 501 { headers.append((.allow, allowValue)) }
        if rejection.status == 415 { headers.append((.accept, rejection.allow.joined(separator: ", "))) }
        logger.debug("refusing a request with \(rejection.status)", metadata: ["source": "\(source)"])
        respond(to: request, key: key, source: source, status: rejection.status, reason: rejection.reasonPhrase, headers: headers)
    }

    /// The name of the header whose line holds byte `offset` of `message`, so that a Warning
    /// can say which header is wrong; nil for the start line or the body.
    static func headerName(in message: SIPMessage, at offset: Int) -> String? {
        let bytes = Array(message.bytes.readableBytesView)
        guard offset > 0, offset < bytes.count else { return nil }
        var start = min(offset, bytes.count - 1)
        while start > 0, bytes[start - 1] != UInt8(ascii: "\n") { start -= 1 }
        // A folded continuation line belongs to the header above it.
        while start > 1, bytes[start] == UInt8(ascii: " ") || bytes[start] == UInt8(ascii: "\t") {
            start -= 1
            while start > 0, bytes[start - 1] != UInt8(ascii: "\n") { start -= 1 }
        }
        guard start > 0, let colon = bytes[start...].firstIndex(of: UInt8(ascii: ":")),
              colon < offset || offset == colon else { return nil }
        let name = String(decoding: bytes[start..<colon], as: UTF8.self).trimmingCharacters(in: " \t")
        guard !name.isEmpty, name.utf8.allSatisfy({ $0 > 32 && $0 < 127 }) else { return nil }
        return name
    }

    // MARK: - Outside a dialog

    private func handleOutOfDialog(_ request: SIPMessage, method: SIPMethod, key: TransactionKey, source: TransactionDestination) {
        switch method {
        case .invite:
            guard authenticate(request, key: key, source: source) else { return }
            receiveCall(request, key: key, source: source)
        case .options:
            respond(to: request, key: key, source: source, status: 200, reason: "OK", headers: capabilityHeaders)
        case .message:
            guard authenticate(request, key: key, source: source) else { return }
            respond(to: request, key: key, source: source, status: 200, reason: "OK")
            emit(.messageReceived(incomingMessage(request, call: nil, source: source)))
        default:
            respond(to: request, key: key, source: source, status: 481, reason: "Call/Transaction Does Not Exist")
        }
    }

    /// Checks the caller's credentials when the agent challenges (RFC 3261 §22.1, §22.3):
    /// true to go on; otherwise 401 with a challenge or 403 was sent.
    private func authenticate(_ request: SIPMessage, key: TransactionKey, source: TransactionDestination) -> Bool {
        guard var challenger = configuration.challenger else { return true }
        let passwords = configuration.passwords
        let verdict = challenger.verify(request: request, now: eventLoop.now) { passwords[$0] }
        configuration.challenger = challenger
        switch verdict {
        case .accepted(let user):
            pendingAuthenticatedUser = user
            return true
        case .challenge(let stale):
            let headers = challenger.challenges(stale: stale, now: eventLoop.now).map { (challenger.challengeHeaderName, $0) }
            respond(to: request, key: key, source: source, status: challenger.challengeStatus,
                    reason: challenger.challengeStatus == 401 ? "Unauthorized" : "Proxy Authentication Required", headers: headers)
        case .rejected(let why):
            logger.notice("refusing credentials: \(why)", metadata: ["source": "\(source)"])
            respond(to: request, key: key, source: source, status: 403, reason: "Forbidden")
        }
        return false
    }

    /// A new incoming call (RFC 3261 §12.1.1, §13.3): the dialog is made from the INVITE.
    private func receiveCall(_ request: SIPMessage, key: TransactionKey, source: TransactionDestination) {
        let user = pendingAuthenticatedUser
        pendingAuthenticatedUser = nil
        guard let callID = request.callID?.string, let cseq = request.cseqNumber,
              let fromValue = request.firstValue(.from)?.string, let toValue = request.firstValue(.to)?.string,
              let from = try? request.from(), let fromTag = from.tag?.string,
              let contact = try? request.contacts().first, !contact.isWildcard
        else {
            let missing = request.fromTag == nil ? "a From tag" : "a Contact"
            respond(to: request, key: key, source: source, status: 400, reason: "Bad Request",
                    headers: [(.warning, SIPWarning.miscellaneous(
                        agent: configuration.sentBy(for: source.transport), "the INVITE lacks \(missing)"))])
            return
        }
        let session = negotiateSession(request)
        if let minSE = session.reject422 {
            rejectSessionInterval(request, key: key, source: source, minSE: minSE)
            return
        }
        let routes = SIPDialog.routeValues(of: (try? request.recordRoutes()) ?? [])
        let localTag = SIPUserAgent.randomToken()
        let handle = makeHandle()
        let call = Call(handle: handle, role: .incoming, state: .incoming, callID: callID, localTag: localTag, transport: source.transport)
        call.dialog = SIPDialog(
            callID: callID, localTag: localTag, remoteTag: fromTag, localField: "\(toValue);tag=\(localTag)",
            remoteField: fromValue, localSeq: UInt32.random(in: 1...0x7FFF_FFFF), remoteSeq: cseq,
            remoteTarget: contact.uri.string, routeSet: routes, transport: source.transport)
        call.serverKey = key
        call.serverRequest = request
        call.source = source
        call.authenticatedUser = user
        call.pendingSessionAnswer = session.answer
        call.peerSupportsTimer = Self.supportsTimer(request)
        calls[handle] = call
        callsByDialog[LocalDialogID(callID: callID, localTag: localTag)] = handle
        callsByServerInvite[key] = handle
        if let timeout = configuration.unansweredTimeout {
            schedule(.unanswered, for: call, after: timeout) { [weak self] call in
                guard let self, case .incoming = call.state else { return }
                self.finishIncoming(call, status: 480, reason: "Temporarily Unavailable", end: .timedOut)
            }
        }
        let fromURI = from.uri.string
        emit(.incomingCall(SIPIncomingCall(
            handle: handle, from: fromURI, displayName: from.displayName,
            to: (try? request.to())?.uri.string ?? "", requestURI: request.requestURI?.string ?? "",
            offer: body(of: request), source: source, authenticatedUser: user, request: request)))
    }

    /// CANCEL (RFC 3261 §9.2): 200 for the CANCEL, and 487 for its INVITE if that is still
    /// unanswered; 481 when no INVITE matches.
    private func handleCancel(_ request: SIPMessage, key: TransactionKey, source: TransactionDestination) {
        guard let inviteKey = TransactionKey.serverInvite(cancelledBy: request),
              let handle = callsByServerInvite[inviteKey], let call = calls[handle]
        else {
            respond(to: request, key: key, source: source, status: 481, reason: "Call/Transaction Does Not Exist")
            return
        }
        respond(to: request, key: key, source: source, status: 200, reason: "OK", toTag: call.localTag)
        if case .incoming = call.state {
            finishIncoming(call, status: 487, reason: "Request Terminated", end: .cancelled)
        }
    }

    /// Sends the final non-2xx for an unanswered incoming call and ends it.
    func finishIncoming(_ call: Call, status: Int, reason: String, end: SIPCallEnd) {
        if let request = call.serverRequest, let key = call.serverKey, let source = call.source {
            respond(to: request, key: key, source: source, status: status, reason: reason, toTag: call.localTag)
        }
        call.serverKey = nil
        call.serverRequest = nil
        setState(call, .terminated(end))
    }

    // MARK: - Inside a dialog

    private func handleInDialog(
        _ request: SIPMessage, method: SIPMethod, toTag: String, key: TransactionKey, source: TransactionDestination
    ) {
        guard let callID = request.callID?.string,
              let handle = callsByDialog[LocalDialogID(callID: callID, localTag: toTag)], let call = calls[handle],
              var dialog = call.dialog, request.fromTag?.string == dialog.remoteTag, !call.state.isTerminated
        else {
            respond(to: request, key: key, source: source, status: 481, reason: "Call/Transaction Does Not Exist")
            return
        }
        // §12.2.2: a CSeq lower than the last one is out of order.
        if let cseq = request.cseqNumber {
            if let last = dialog.remoteSeq, cseq < last {
                respond(to: request, key: key, source: source, status: 500, reason: "Server Internal Error",
                        headers: [(.reason, "SIP;cause=500;text=\"CSeq out of order\"")])
                return
            }
            dialog.remoteSeq = cseq
            call.dialog = dialog
        }
        switch method {
        case .bye:
            respond(to: request, key: key, source: source, status: 200, reason: "OK")
            if call.peerReinvitePending, let pending = call.serverRequest, let pendingKey = call.serverKey, let from = call.source {
                respond(to: pending, key: pendingKey, source: from, status: 487, reason: "Request Terminated")
            }
            setState(call, .terminated(.remoteHangUp))
        case .invite:
            receiveReinvite(request, call: call, key: key, source: source)
        case .info:
            respond(to: request, key: key, source: source, status: 200, reason: "OK")
            emit(.infoReceived(call.handle, body: body(of: request)))
        case .message:
            respond(to: request, key: key, source: source, status: 200, reason: "OK")
            emit(.messageReceived(incomingMessage(request, call: call.handle, source: source)))
        case .options:
            respond(to: request, key: key, source: source, status: 200, reason: "OK", headers: capabilityHeaders)
        default:
            // NOTIFY without a subscription (RFC 6665 §4.1.3) and anything else not ours.
            respond(to: request, key: key, source: source, status: 481, reason: "Call/Transaction Does Not Exist")
        }
    }

    /// A re-INVITE (RFC 3261 §14.2): 491 while our own is pending, 500 with Retry-After while
    /// the peer's previous one waits; else the target is refreshed and the offer goes to the
    /// application.
    private func receiveReinvite(_ request: SIPMessage, call: Call, key: TransactionKey, source: TransactionDestination) {
        guard case .confirmed = call.state else {
            respond(to: request, key: key, source: source, status: 491, reason: "Request Pending")
            return
        }
        if call.clientReinvite != nil {
            respond(to: request, key: key, source: source, status: 491, reason: "Request Pending")
            return
        }
        if call.peerReinvitePending || call.pending2xx != nil {
            respond(to: request, key: key, source: source, status: 500, reason: "Server Internal Error",
                    headers: [(.retryAfter, "\(Int.random(in: 0...10))")])
            return
        }
        let session = negotiateSession(request)
        if let minSE = session.reject422 {
            rejectSessionInterval(request, key: key, source: source, minSE: minSE)
            return
        }
        if let contact = try? request.contacts().first, !contact.isWildcard {
            call.dialog?.remoteTarget = contact.uri.string
        }
        // A re-INVITE is a session refresh too (RFC 4028 §10): its 2xx restarts the timer.
        call.pendingSessionAnswer = session.answer
        if Self.supportsTimer(request) { call.peerSupportsTimer = true }
        call.peerReinvitePending = true
        call.serverKey = key
        call.serverRequest = request
        call.source = source
        schedule(.reoffer, for: call, after: configuration.reofferTimeout) { [weak self] call in
            guard let self, call.peerReinvitePending, let request = call.serverRequest, let key = call.serverKey,
                  let source = call.source else { return }
            call.peerReinvitePending = false
            self.respond(to: request, key: key, source: source, status: 500, reason: "Server Internal Error",
                         headers: [(.retryAfter, "\(Int.random(in: 1...10))")])
        }
        emit(.offerReceived(call.handle, body: body(of: request)))
    }

    /// An ACK of a 2xx (RFC 3261 §13.3.1.4): the 2xx stops being resent and the call is
    /// confirmed; a BYE waiting for it goes out.
    func handleACK(_ ack: SIPMessage, source: TransactionDestination) {
        guard let callID = ack.callID?.string, let toTag = ack.toTag?.string,
              let handle = callsByDialog[LocalDialogID(callID: callID, localTag: toTag)], let call = calls[handle],
              let pending = call.pending2xx, ack.cseqNumber == pending.cseq
        else { return }
        call.pending2xx = nil
        cancelTimer(.retransmit2xx, for: call)
        cancelTimer(.ackDeadline, for: call)
        let ackBody = body(of: ack)
        if case .answered = call.state {
            setState(call, .confirmed(body: ackBody))
        } else if let ackBody {
            emit(.reofferCompleted(call.handle, status: 200, body: ackBody))
        }
        if call.byeWhenACKed {
            call.byeWhenACKed = false
            sendBye(call)
        }
    }

    // MARK: - Helpers

    func body(of message: SIPMessage) -> SIPBody? {
        guard !message.body.isEmpty else { return nil }
        let type = message.firstValue(.contentType)?.string ?? "application/octet-stream"
        return SIPBody(contentType: type, bytes: message.body.buffer)
    }

    private func incomingMessage(_ request: SIPMessage, call: SIPCallHandle?, source: TransactionDestination) -> SIPIncomingMessage {
        SIPIncomingMessage(
            call: call, from: (try? request.from())?.uri.string ?? "", to: (try? request.to())?.uri.string ?? "",
            body: body(of: request), source: source)
    }
}
