import Logging
import NIOCore
import SIPMessage

/// An outgoing call's INVITE sent again: to the next server of its proxy (RFC 3263 §4.3), and
/// the resending every retry of it shares.
extension SIPUserAgent {
    /// Sends the call's INVITE again, as a new transaction, to the first of its untried
    /// proxies when the one it went to failed with `status` (408: no response; 503: it could
    /// not be sent, or the proxy answered 503) and nothing has come of the call yet: no early
    /// dialog, no hang-up asked for. The new INVITE keeps Call-ID, From tag and body, with
    /// CSeq + 1, a new branch, the next proxy's Route and no credentials (they answered the
    /// failed server's challenge). Proxies of another transport than the call's are skipped.
    /// False when there is nothing left to try: the call then ends as before.
    func inviteNextProxy(_ call: Call, after status: Int) -> Bool {
        guard status == 408 || status == 503, call.dialog == nil, call.earlyDialogs.isEmpty, !call.wantsCancel,
              !call.state.isTerminated, let invite = call.invite, let cseq = invite.cseqNumber
        else { return false }
        while !call.untriedProxies.isEmpty {
            let proxy = call.untriedProxies.removeFirst()
            let destination: TransactionDestination
            do {
                destination = try SIPNextHop.destination(
                    for: proxy, defaultTransport: call.identity?.defaultTransport ?? configuration.defaultTransport)
            } catch {
                logger.notice("skipping proxy \(proxy): \(error)", metadata: ["call": "\(call.handle)"])
                continue
            }
            guard destination.transport == call.transport else {
                logger.notice("skipping proxy \(proxy): not \(call.transport)", metadata: ["call": "\(call.handle)"])
                continue
            }
            let retry: SIPMessage
            do {
                retry = try invite.resending(cseq: cseq &+ 1, authorizations: [], replacing: [(.route, outboundRoute(proxy))])
            } catch {
                logger.error("could not resend the INVITE to \(proxy): \(error)", metadata: ["call": "\(call.handle)"])
                return false
            }
            logger.notice(
                "INVITE failed (\(status == 408 ? "no response" : "503")) at \(call.inviteDestination.map { "\($0.address)" } ?? "?"), trying \(proxy)",
                metadata: ["call": "\(call.handle)"])
            resendInvite(call, retry, to: destination)
            return true
        }
        return false
    }

    /// Sends `retry`, the call's initial INVITE as a new transaction (with credentials, after
    /// a 422, to another proxy), to `destination`; the call's CANCEL follows the new one, and a
    /// hang-up asked for meanwhile cancels it once it rings. A send that fails at once moves
    /// on to the next proxy, or ends the call, before this returns.
    func resendInvite(_ call: Call, _ retry: SIPMessage, to destination: TransactionDestination) {
        call.invite = retry
        call.inviteDestination = destination
        call.sawProvisional = false
        call.cancelSent = false
        _ = send(retry, to: destination, purpose: .invite(call.handle))
    }
}
