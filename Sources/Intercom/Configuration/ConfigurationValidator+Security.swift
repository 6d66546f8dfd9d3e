import SIPMessage

/// The checks of issue 7's security keys: `sip.requireTLS`, `sips:` URIs and their
/// transports, `accounts[].tls`, and no passwords inside URIs (they would show in the log, the
/// status and the metrics' labels, where `accounts[].password` never does).
extension ConfigurationValidator {
    mutating func validateTransportSecurity(_ configuration: IntercomConfiguration) {
        let sip = configuration.sip
        if sip.requireTLS {
            for (index, listen) in sip.listen.enumerated() where !OutgoingTransportPolicy.isSecure(listen.transport) {
                fail(
                    "sip.listen[\(index)].transport",
                    "'\(listen.transport.rawValue)' is a plain transport and sip.requireTLS is on; listen on tls or wss only")
            }
            if sip.tls?.verifyPeer == false {
                fail("sip.tls.verifyPeer", "must be true when sip.requireTLS is on: TLS to an unverified peer is not secure")
            }
        }
        for (index, account) in configuration.accounts.enumerated() {
            validateAccountSecurity(account, "accounts[\(index)]", requireTLS: sip.requireTLS)
        }
        for (index, button) in configuration.buttons.enumerated() {
            for (targetIndex, target) in button.targets.enumerated() {
                let path = "buttons[\(index)].targets[\(targetIndex)]"
                // checkSIPURI reported anything but a valid sip: or sips: URI.
                guard ["sip", "sips"].contains(SIPURI.scheme(of: SIPBytes(target))), (try? SIPURI(parsing: target)) != nil else { continue }
                checkNoPassword(target, path)
                // The account the agent will place this call from (an unknown name is reported
                // by validateButtons).
                let calling = configuration.callingAccount(for: target, named: button.account)
                if button.account != nil, calling == nil { continue }
                let policy = OutgoingTransportPolicy(configuration, accountIndex: calling?.index)
                if let refusal = policy.refusal(toCall: target) { fail(path, "cannot be called: \(refusal)") }
            }
        }
    }

    private mutating func validateAccountSecurity(_ account: AccountConfiguration, _ path: String, requireTLS: Bool) {
        let registrarIsSIPS = SIPURI.scheme(of: SIPBytes(account.registrar)) == "sips"
        checkNoPassword(account.registrar, "\(path).registrar")
        if let proxy = account.outboundProxy { checkNoPassword(proxy, "\(path).outboundProxy") }
        if registrarIsSIPS && !OutgoingTransportPolicy.isSecure(account.transport) {
            fail(
                "\(path).transport",
                "'\(account.transport.rawValue)' cannot carry the sips: registrar (RFC 3261 §26.2.2: TLS on every hop); use tls or wss, or leave transport out")
        }
        // The transports the registrar and the proxy are reached over, after their own
        // `transport=` parameters.
        var hops = [("registrar", account.registrar)]
        if let proxy = account.outboundProxy { hops.append(("outboundProxy", proxy)) }
        var reachedSecurely = false
        for (key, uri) in hops {
            guard (try? SIPURI(parsing: uri)) != nil else { continue }  // checkSIPURI said so
            guard let transport = OutgoingTransportPolicy.transport(of: uri, default: account.transport) else {
                fail("\(path).\(key)", "'\(uri)' names a transport that cannot carry it (a sips: URI cannot use transport=udp)")
                continue
            }
            guard !OutgoingTransportPolicy.isSecure(transport) else {
                reachedSecurely = true
                continue
            }
            if registrarIsSIPS && key == "outboundProxy" {
                fail("\(path).outboundProxy", "the sips: registrar needs TLS on every hop, but '\(uri)' is reached over \(transport.rawValue)")
            } else if requireTLS {
                // Blame the URI when its own parameter chose the transport, else the key.
                let named = (try? SIPURI(parsing: uri))?.transport != nil
                fail(
                    named ? "\(path).\(key)" : "\(path).transport",
                    "the \(key) is reached over \(transport.rawValue) and sip.requireTLS is on; use tls or wss (or a sips: URI)")
            }
        }
        guard let tls = account.tls else { return }
        if !reachedSecurely && !requireTLS {
            fail("\(path).tls", "neither the registrar nor the proxy is reached over TLS (transport \(account.transport.rawValue)); these settings would do nothing")
        }
        if let name = tls.serverName {
            if Self.isIPLiteral(name.hasPrefix("[") && name.hasSuffix("]") ? String(name.dropFirst().dropLast()) : name) {
                fail("\(path).tls.serverName", "'\(name)' is an IP address; leave serverName out to check the registrar's address against the certificate")
            } else if !Self.isSIPHost(name) {
                fail("\(path).tls.serverName", "'\(name)' is not a host name")
            }
        }
        for (key, value) in [("serverName", tls.serverName), ("certificate", tls.certificate), ("privateKey", tls.privateKey), ("caFile", tls.caFile)] {
            if let value, value.isEmpty { fail("\(path).tls.\(key)", "must not be empty (leave the key out instead)") }
        }
        switch (tls.certificate, tls.privateKey) {
        case (_?, nil): fail(.missingKey, "\(path).tls.privateKey", "a client certificate needs its private key (PEM file)")
        case (nil, _?): fail(.missingKey, "\(path).tls.certificate", "a private key needs its client certificate (PEM file)")
        default: break
        }
    }

    /// A password written inside a URI (`sip:door:secret@pbx`) is refused: URIs are logged.
    private mutating func checkNoPassword(_ text: String, _ path: String) {
        guard let uri = try? SIPURI(parsing: text), uri.password != nil else { return }
        fail(path, "the URI holds a password, which would be logged and shown in the status; put it in the account's 'password' instead")
    }
}
