import SIPMessage

/// Which transport the agent's outgoing calls leave over, and whether that is allowed: the
/// configuration check and the agent ask the same questions of it, so that a target the check
/// passed is one the agent will call.
///
/// A call goes to its first hop: its account's outbound proxy, else its registrar, else
/// (with no account) the target itself (RFC 3261 §8.1.2). The hop's transport is its URI's
/// `transport=` parameter, else ``defaultTransport``; a `sips:` URI raises TCP (or UDP that no
/// parameter asked for) to TLS and WS to WSS (RFC 3261 §26.2.2, RFC 5630).
///
/// Refused: a `sips:` target whose first hop is not TLS (sips asks for TLS on every hop); with
/// ``requireTLS``, any target whose first hop is not TLS or WSS, and any target that asks for
/// a plain transport itself (`;transport=udp`), which a proxy would honour past the first hop.
struct OutgoingTransportPolicy: Sendable, Hashable {
    /// `sip.requireTLS`.
    var requireTLS: Bool
    /// Where every call goes first; nil: to the target.
    var firstHop: String?
    /// The transport of a hop whose URI names none.
    var defaultTransport: SIPTransportName
    /// Which key ``firstHop`` and ``defaultTransport`` come from, for the reasons.
    var origin: String

    init(requireTLS: Bool, firstHop: String?, defaultTransport: SIPTransportName, origin: String) {
        self.requireTLS = requireTLS
        self.firstHop = firstHop
        self.defaultTransport = defaultTransport
        self.origin = origin
    }

    /// The policy of `configuration` for calls placed from `accounts[accountIndex]` (see
    /// ``IntercomConfiguration/callingAccount(for:named:)``); with no account, calls go straight
    /// to their targets.
    init(_ configuration: IntercomConfiguration, accountIndex: Int? = 0) {
        requireTLS = configuration.sip.requireTLS
        if let index = accountIndex, configuration.accounts.indices.contains(index) {
            let account = configuration.accounts[index]
            firstHop = account.outboundProxy ?? account.registrar
            defaultTransport = account.transport
            origin = account.outboundProxy == nil ? "accounts[\(index)].registrar" : "accounts[\(index)].outboundProxy"
        } else {
            let listening = Set(configuration.sip.listen.map(\.transport))
            firstHop = nil
            origin = "sip.listen"
            if requireTLS {
                defaultTransport = listening.contains(.wss) && !listening.contains(.tls) ? .wss : .tls
            } else {
                defaultTransport = listening.contains(.udp) ? .udp : .tcp
            }
        }
    }

    /// The transport a request to `uriText` leaves over when its URI names none but
    /// `defaultTransport`; nil when it is no SIP URI or asks for what cannot be (`sips:` with
    /// `transport=udp`, an unknown transport).
    static func transport(of uriText: String, default defaultTransport: SIPTransportName) -> SIPTransportName? {
        guard let uri = try? SIPURI(parsing: uriText), uri.scheme != .tel else { return nil }
        var transport = defaultTransport
        if let named = uri.transport {
            guard let known = SIPTransportName(rawValue: named) else { return nil }
            transport = known
        }
        guard uri.scheme == .sips else { return transport }
        switch transport {
        case .tcp, .tls: return .tls
        case .ws, .wss: return .wss
        case .udp: return uri.transport == nil ? .tls : nil
        }
    }

    static func isSecure(_ transport: SIPTransportName) -> Bool {
        transport == .tls || transport == .wss
    }

    /// Why a call to `target` is refused, or nil when it may be placed.
    func refusal(toCall target: String) -> String? {
        guard let uri = try? SIPURI(parsing: target) else { return "'\(target)' is not a SIP URI" }
        let hop = firstHop ?? target
        guard let transport = Self.transport(of: hop, default: defaultTransport) else {
            return "its first hop \(hop) names a transport that cannot carry it"
        }
        let via = firstHop.map { "through \(origin) \($0)" } ?? "straight to it"
        if uri.scheme == .sips && !Self.isSecure(transport) {
            return "a sips: target needs TLS on every hop, but its first hop (\(via)) would use \(transport.rawValue)"
        }
        guard requireTLS else { return nil }
        if !Self.isSecure(transport) {
            return "sip.requireTLS is on, and its first hop (\(via)) would use \(transport.rawValue)"
        }
        if let named = uri.transport, let asked = SIPTransportName(rawValue: named), !Self.isSecure(asked) {
            return "sip.requireTLS is on, and the target asks for transport=\(named)"
        }
        return nil
    }
}
