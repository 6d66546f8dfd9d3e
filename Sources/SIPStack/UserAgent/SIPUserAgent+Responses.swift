import Logging
import NIOCore
import SIPMessage

/// Responses to the agent's requests (RFC 3261 §8.1.3, §9.1, §13.2.2, §14.1, §22.2).
extension SIPUserAgent {
    func handleResponse(_ response: SIPMessage, key: TransactionKey) {
        guard let pending = clientRequests[key], let status = response.statusCode else { return }
        if status >= 200 {
            // The INVITE transaction passes every 2xx up (RFC 6026): keep its entry for them.
            if case .invite = pending.purpose, status < 300 {} else { clientRequests.removeValue(forKey: key) }
        }
        if status == 401 || status == 407, retryWithCredentials(pending, response: response) { return }
        switch pending.purpose {
        case .invite(let handle):
            guard let call = calls[handle] else { return }
            inviteResponse(response, status: status, call: call)
        case .reinvite(let handle):
            guard let call = calls[handle], status >= 200 else { return }
            reinviteResponse(response, status: status, call: call)
        case .bye, .cancel, .forkBye:
            break
        case .inDialog(let handle):
            guard status >= 200 else { return }
            pending.promise?.succeed(status)
            if status == 481 || status == 408, let call = calls[handle] { setState(call, .terminated(.dialogLost(status: status))) }
        case .standalone:
            if status >= 200 { pending.promise?.succeed(status) }
        }
    }

    /// A client transaction timed out (408) or its transport failed (503, §8.1.3.1).
    func clientFailed(_ key: TransactionKey, status: Int) {
        guard let pending = clientRequests.removeValue(forKey: key) else { return }
        pending.promise?.succeed(status)
        switch pending.purpose {
        case .invite(let handle):
            // After the 2xx the dialog lives on its own; before it, the call is over.
            guard let call = calls[handle], call.dialog == nil else { return }
            if inviteNextProxy(call, after: status) { return }
            setState(call, .terminated(call.wantsCancel ? .localHangUp : (status == 408 ? .timedOut : .transportFailed)))
        case .reinvite(let handle):
            guard let call = calls[handle] else { return }
            call.clientReinvite = nil
            if call.reinviteIsRefresh {
                call.reinviteIsRefresh = false
                refreshFailed(call, status: status)
                return
            }
            emit(.reofferCompleted(handle, status: status, body: nil))
            // RFC 5057 §5.1: a timed-out re-INVITE ends the dialog.
            if status == 408 {
                sendBye(call)
                setState(call, .terminated(.dialogLost(status: 408)))
            }
        case .inDialog(let handle):
            if let call = calls[handle] { setState(call, .terminated(.dialogLost(status: status))) }
        case .bye, .cancel, .forkBye, .standalone:
            break
        }
    }

    /// Resends a challenged request with credentials (RFC 3261 §22.2, §8.1.3.5): same
    /// Call-ID, From tag and body, CSeq + 1, new branch. False when there are no credentials
    /// or they were refused: the 401/407 then counts as a final failure.
    private func retryWithCredentials(_ pending: ClientRequest, response: SIPMessage) -> Bool {
        // A call placed as another identity answers with that identity's credentials (and
        // keeps its nonce counts there).
        let placedAs = pending.purpose.handle.flatMap { calls[$0] }.flatMap { $0.identity == nil ? nil : $0 }
        let credentials = placedAs.map { $0.identity?.credentials } ?? configuration.credentials
        guard var client = credentials, let cseq = pending.request.cseqNumber else { return false }
        func keep(_ client: DigestClient) {
            if let placedAs { placedAs.identity?.credentials = client } else { configuration.credentials = client }
        }
        let authorizations: [DigestAuthorization]
        do {
            authorizations = try client.authorizations(answering: response, to: pending.request)
        } catch {
            logger.notice("cannot answer a challenge: \(error)")
            keep(client)
            // The call's end then says why its 401/407 was final.
            if case .invite(let handle) = pending.purpose { calls[handle]?.challengeFailure = "\(error)" }
            return false
        }
        keep(client)
        var nextCSeq = cseq &+ 1
        switch pending.purpose {
        case .invite(let handle), .reinvite(let handle), .bye(let handle), .inDialog(let handle):
            if let call = calls[handle], var dialog = call.dialog, pending.purpose.isInDialog {
                dialog.localSeq = max(dialog.localSeq, cseq) &+ 1
                nextCSeq = dialog.localSeq
                call.dialog = dialog
            }
        case .cancel, .forkBye, .standalone:
            break
        }
        let retry: SIPMessage
        do {
            retry = try pending.request.resending(cseq: nextCSeq, authorizations: authorizations)
        } catch {
            logger.error("could not resend with credentials: \(error)")
            return false
        }
        if case .invite(let handle) = pending.purpose, let call = calls[handle] {
            resendInvite(call, retry, to: pending.destination)
            return true
        }
        let key = send(retry, to: pending.destination, purpose: pending.purpose, promise: pending.promise)
        if case .reinvite(let handle) = pending.purpose { calls[handle]?.clientReinvite = key }
        return true
    }

    // MARK: - INVITE

    private func inviteResponse(_ response: SIPMessage, status: Int, call: Call) {
        if status < 200 {
            guard !call.state.isTerminated else { return }
            call.sawProvisional = true
            if call.wantsCancel, !call.cancelSent { sendCancel(call) }
            if status == 100 { return }
            if let tag = response.toTag?.string, let early = makeDialog(from: response, call: call, remoteTag: tag) {
                call.earlyDialogs[tag] = early
                if case .confirmed = call.state { return }
                setState(call, .early(status: status, body: body(of: response)))
            } else if case .calling = call.state {
                setState(call, .proceeding(status: status))
            }
            return
        }
        if status < 300 {
            acceptTwoHundred(response, call: call)
            return
        }
        guard call.dialog == nil else { return }
        if status == 422, retryInviteAfter422(response, call: call) { return }
        if status == 503, inviteNextProxy(call, after: status) { return }
        var reason = response.reasonPhrase?.string ?? ""
        if status == 401 || status == 407, let failure = call.challengeFailure { reason += " (not answered: \(failure))" }
        setState(call, .terminated(call.wantsCancel && status == 487 ? .localHangUp : .rejected(status: status, reason: reason)))
    }

    /// A 2xx to the INVITE (RFC 3261 §13.2.2.4): the first confirms the dialog and is ACKed;
    /// the same 2xx again gets the same ACK; a 2xx from another fork is ACKed and ended with
    /// BYE. A call hung up meanwhile is ended with BYE at once.
    private func acceptTwoHundred(_ response: SIPMessage, call: Call) {
        guard let tag = response.toTag?.string, let cseq = response.cseqNumber else { return }
        if let dialog = call.dialog {
            if dialog.remoteTag == tag {
                if let ack = call.ack, ack.cseq == cseq { try? transport.send(ack.bytes, to: ack.destination) }
            } else if let fork = makeDialog(from: response, call: call, remoteTag: tag) {
                endFork(fork, cseq: cseq, call: call)
            }
            return
        }
        guard let dialog = makeDialog(from: response, call: call, remoteTag: tag) else {
            logger.notice("a 2xx without a usable Contact: ending the call", metadata: ["call": "\(call.handle)"])
            // The callee resends its 2xx until it is ACKed, and holds the dialog until a BYE:
            // both go where the INVITE went.
            if let requestURI = call.invite?.requestURI?.string,
               let fallback = makeDialog(from: response, call: call, remoteTag: tag, target: requestURI) {
                call.dialog = fallback
                call.earlyDialogs.removeAll()
                sendACK(for: call, cseq: cseq)
                sendBye(call)
            }
            setState(call, .terminated(.unusableAnswer(reason: "the 2xx has no Contact a request can be sent to")))
            return
        }
        call.dialog = dialog
        call.earlyDialogs.removeAll()
        sendACK(for: call, cseq: cseq)
        if call.wantsCancel || call.state.isTerminated {
            sendBye(call)
            setState(call, .terminated(.localHangUp))
            return
        }
        setState(call, .confirmed(body: body(of: response)))
        sessionTimerFromResponse(response, call: call)
    }

    /// The dialog a response with a To tag makes for an outgoing call (§12.1.2): remote target
    /// from Contact (or `target`), route set from Record-Route reversed. Nil without a Contact
    /// or with one that is not a SIP URI.
    private func makeDialog(from response: SIPMessage, call: Call, remoteTag: String, target explicit: String? = nil) -> SIPDialog? {
        guard let invite = call.invite, let fromValue = invite.firstValue(.from)?.string,
              let toValue = response.firstValue(.to)?.string, let cseq = invite.cseqNumber
        else { return nil }
        let target: String
        if let explicit {
            target = explicit
        } else {
            guard let contact = try? response.contacts().first, !contact.isWildcard,
                  (try? SIPURI(parsing: contact.uri.string)) != nil
            else { return nil }
            target = contact.uri.string
        }
        let routes = SIPDialog.routeValues(of: (try? response.recordRoutes()) ?? []).reversed()
        return SIPDialog(
            callID: call.callID, localTag: call.localTag, remoteTag: remoteTag, localField: fromValue, remoteField: toValue,
            localSeq: cseq, remoteSeq: nil, remoteTarget: target, routeSet: Array(routes), transport: call.transport)
    }

    /// ACK for the 2xx of the INVITE with `cseq` (§13.2.2.4): a new transaction-less request
    /// with the INVITE's CSeq number and credentials, remembered for retransmitted 2xx.
    func sendACK(for call: Call, cseq: UInt32, dialog explicit: SIPDialog? = nil) {
        guard call.dialog != nil || explicit != nil else { return }
        let saved = call.dialog
        if let explicit { call.dialog = explicit }
        defer { if explicit != nil { call.dialog = saved } }
        var headers: [(SIPHeaderName, String)] = []
        if let invite = call.invite {
            for value in invite.values(.authorization) { headers.append((.authorization, value.string)) }
            for value in invite.values(.proxyAuthorization) { headers.append((.proxyAuthorization, value.string)) }
        }
        do {
            let (ack, destination) = try dialogRequest(call, method: .ack, body: nil, headers: headers, cseq: cseq)
            var bytes = ByteBufferAllocator().buffer(capacity: ack.bytes.readableBytes)
            ack.write(into: &bytes)
            if explicit == nil { call.ack = (cseq, bytes, destination) }
            try transport.send(bytes, to: destination)
        } catch {
            logger.notice("could not send ACK: \(error)", metadata: ["call": "\(call.handle)"])
        }
    }

    /// A second 2xx from another fork: ACK it and end that dialog with BYE (§13.2.2.4).
    private func endFork(_ fork: SIPDialog, cseq: UInt32, call: Call) {
        sendACK(for: call, cseq: cseq, dialog: fork)
        var byeDialog = fork
        byeDialog.localSeq = cseq &+ 1
        let saved = call.dialog
        call.dialog = byeDialog
        defer { call.dialog = saved }
        do {
            let (bye, destination) = try dialogRequest(call, method: .bye, body: nil, cseq: cseq &+ 1)
            send(bye, to: destination, purpose: .forkBye(call.handle))
        } catch {
            logger.notice("could not end a fork: \(error)")
        }
    }

    /// A response no transaction wanted (§18.1.2): a 2xx to our INVITE retransmitted after
    /// its transaction ended gets the ACK again.
    func handleStrayResponse(_ response: SIPMessage) {
        guard let status = response.statusCode, status >= 200, status < 300, response.cseqMethod == .invite,
              let callID = response.callID?.string, let fromTag = response.fromTag?.string,
              let handle = callsByDialog[LocalDialogID(callID: callID, localTag: fromTag)], let call = calls[handle],
              let ack = call.ack, ack.cseq == response.cseqNumber, call.dialog?.remoteTag == response.toTag?.string
        else { return }
        try? transport.send(ack.bytes, to: ack.destination)
    }

    /// CANCEL for the pending INVITE (RFC 3261 §9.1): the INVITE's Request-URI, top Via,
    /// From, To, Call-ID, CSeq number and Route.
    func sendCancel(_ call: Call) {
        guard !call.cancelSent, let invite = call.invite, let destination = call.inviteDestination,
              let uri = invite.requestURI, let via = invite.firstValue(.via), let cseq = invite.cseqNumber
        else { return }
        call.cancelSent = true
        var buffer = ByteBufferAllocator().buffer(capacity: 512)
        buffer.writeSIPRequestLine(method: .cancel, uri: uri)
        buffer.writeSIPHeader(.via, via)
        buffer.writeSIPHeader(.maxForwards, decimal: 70)
        for route in invite.values(.route) { buffer.writeSIPHeader(.route, route) }
        for name in [SIPHeaderName.from, .to, .callID] {
            if let value = invite.firstValue(name) { buffer.writeSIPHeader(name, value) }
        }
        buffer.writeSIPHeader(.cseq, "\(cseq) CANCEL")
        buffer.writeSIPHeader(.userAgent, configuration.product)
        buffer.writeSIPEndOfHeaders()
        do {
            let cancel = try SIPRequestDraft.parse(buffer)
            send(cancel, to: destination, purpose: .cancel(call.handle))
        } catch {
            logger.error("could not build CANCEL: \(error)")
        }
        schedule(.cancelDeadline, for: call, after: configuration.timers.t1 * 64) { [weak self] call in
            self?.cancelWentUnanswered(call)
        }
    }

    /// RFC 3261 §9.1: the cancelled INVITE got no final response within 64*T1 of the CANCEL
    /// (a peer or proxy that never sends its 487): its transaction is destroyed and the call
    /// ends, instead of waiting for ever.
    private func cancelWentUnanswered(_ call: Call) {
        guard call.dialog == nil, !call.state.isTerminated, let invite = call.invite else { return }
        logger.notice("no final response 64*T1 after CANCEL: the INVITE is given up", metadata: ["call": "\(call.handle)"])
        if let key = TransactionKey.client(for: invite) { abandonClientRequest(key) }
        setState(call, .terminated(.localHangUp))
    }

    // MARK: - re-INVITE

    private func reinviteResponse(_ response: SIPMessage, status: Int, call: Call) {
        call.clientReinvite = nil
        let isRefresh = call.reinviteIsRefresh
        if status < 300 {
            call.reinviteIsRefresh = false
            if let cseq = response.cseqNumber { sendACK(for: call, cseq: cseq) }
            if let contact = try? response.contacts().first, !contact.isWildcard { call.dialog?.remoteTarget = contact.uri.string }
            if !isRefresh { call.localBody = call.reinviteBody }
            sessionTimerFromResponse(response, call: call)
            // A session refresh is the agent's own business, not a new answer for the application.
            if !isRefresh { emit(.reofferCompleted(call.handle, status: status, body: body(of: response))) }
            return
        }
        if status == 422, retryReinviteAfter422(response, call: call) { return }
        if status == 491 {
            // §14.1: the owner of the Call-ID waits 2.1-4 s, the other side 0-2 s.
            let wait = call.role == .outgoing ? Int64.random(in: 2_100...4_000) : Int64.random(in: 0...2_000)
            schedule(.reinviteRetry, for: call, after: .milliseconds(wait)) { [weak self] call in
                guard let self, case .confirmed = call.state, call.clientReinvite == nil, !call.peerReinvitePending else { return }
                do {
                    try self.sendReinvite(call)
                } catch {
                    if call.reinviteIsRefresh {
                        call.reinviteIsRefresh = false
                        self.retrySessionRefreshLater(call)
                    } else {
                        self.emit(.reofferCompleted(call.handle, status: 491, body: nil))
                    }
                }
            }
            return
        }
        if isRefresh {
            call.reinviteIsRefresh = false
            refreshFailed(call, status: status)
            return
        }
        emit(.reofferCompleted(call.handle, status: status, body: nil))
        if status == 481 || status == 408 { setState(call, .terminated(.dialogLost(status: status))) }
    }

    /// A session refresh of this side failed with `status` (RFC 4028 §10): 408, 481 or a
    /// timeout end the call with BYE (as timed out); anything else leaves the session as it
    /// was, and the refresh is tried again before the session expires.
    func refreshFailed(_ call: Call, status: Int) {
        if status == 408 || status == 481 {
            logger.notice("session refresh failed (\(status)): ending the call", metadata: ["call": "\(call.handle)"])
            sendBye(call)
            setState(call, .terminated(.timedOut))
        } else {
            retrySessionRefreshLater(call)
        }
    }
}

extension SIPUserAgent.ClientPurpose {
    /// The call the request belongs to, or nil for a request on its own.
    var handle: SIPCallHandle? {
        switch self {
        case .invite(let handle), .cancel(let handle), .bye(let handle), .forkBye(let handle), .reinvite(let handle),
            .inDialog(let handle):
            handle
        case .standalone: nil
        }
    }

    /// Whether the request belongs to an established dialog (its CSeq space is the dialog's).
    var isInDialog: Bool {
        switch self {
        case .reinvite, .bye, .inDialog: true
        case .invite, .cancel, .forkBye, .standalone: false
        }
    }
}
