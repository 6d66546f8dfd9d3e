import NIOCore
import SIPMessage
import SIPStack

/// The agent's TLS settings per account and the reasons it gives when a registration fails
/// for want of security (a certificate that does not verify, MD5 not allowed).
extension IntercomAgent {
    /// The outgoing TLS settings for `account`'s registrar or proxy at `uri`: its CA file, else
    /// `sip.tls.caFile`, else the system store; its server name, else the URI's host when that
    /// is a name (an IP literal is checked against the certificate's IP addresses); its client
    /// certificate, if any; `sip.tls.verifyPeer`.
    static func outgoingTLS(for account: AccountConfiguration, uri: String, global: TLSFiles?) -> SIPTLSConfiguration {
        var tls = SIPTLSConfiguration()
        if let ca = account.tls?.caFile ?? global?.caFile { tls.trustRoots = .caFile(ca) }
        tls.verification = (global?.verifyPeer ?? true) ? .full : .disabled
        tls.serverName = account.tls?.serverName ?? hostName(of: uri)
        tls.clientCertificateChainFile = account.tls?.certificate
        tls.clientPrivateKeyFile = account.tls?.privateKey
        return tls
    }

    /// The host of `uri` when it is a name, not an IP literal.
    static func hostName(of uri: String) -> String? {
        guard let host = (try? SIPURI(parsing: uri))?.host.string, !host.hasPrefix("[") else { return nil }
        return (try? SocketAddress(ipAddress: host, port: 0)) == nil ? host : nil
    }

    /// Why a registration to `destination` is failing, in words, when `state` is a failure
    /// whose code alone does not say: the connection's own error (a TLS handshake: the
    /// certificate did not verify, did not name the server...), MD5 refused, the credentials
    /// refused. Never the credentials themselves. On the event loop.
    func registrationFailureReason(_ state: RegistrationState, destination: TransactionDestination) -> String? {
        let failure: RegistrationFailure
        switch state {
        case .retrying(_, _, let reason): failure = reason
        case .failed(let reason): failure = reason
        default: return nil
        }
        switch failure.code {
        case .transportError, .timeout:
            guard destination.transport != .udp, let why = transport.lastConnectionFailure(to: destination) else { return nil }
            let host = destination.address.ipAddress ?? "?"
            let peer = host.contains(":") ? "[\(host)]:\(destination.address.port ?? 0)" : "\(host):\(destination.address.port ?? 0)"
            return "cannot connect to \(peer) over \(destination.transport): \(why)"
        case .md5NotAllowed:
            return "the registrar challenges with MD5 only, which this account does not allow (accounts[].allowMD5 is false)"
        case .credentialsRejected:
            return "the registrar refused the user name or password"
        default:
            return nil
        }
    }
}
