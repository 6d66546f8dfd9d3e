import NIOCore
import SIPMessage
import SIPStack
import Testing

/// Configurations, registrar responses and digest helpers shared by the registration tests.
/// Every message is written with SIPMessage's writers and parsed back.
enum RegistrationFixtures {
    static let registrar = "sip:pbx.example.com"
    static let aor = "sip:door@pbx.example.com"
    static let contact = "sip:door@192.0.2.4:5060"
    static let password = "secret"
    /// A fixed virtual time for the digest challenger.
    static let now = NIODeadline.uptimeNanoseconds(1_000_000_000)

    static func configuration(
        expires: UInt32 = 3600, credentials: Bool = true, password: String = password,
        instanceID: String? = nil, regID: Int? = nil, outboundProxy: String? = nil,
        aor: String = aor
    ) -> RegistrationConfiguration {
        RegistrationConfiguration(
            registrarURI: registrar, addressOfRecord: aor, contactURI: contact, expires: expires,
            credentials: credentials ? DigestCredentials(username: "door", password: password) : nil,
            instanceID: instanceID, regID: regID, outboundProxy: outboundProxy, userAgent: "SwiftSIP-test",
            viaTransport: "UDP", viaSentBy: "192.0.2.4:5060")
    }

    static func machine(
        _ configuration: RegistrationConfiguration = configuration(), seed: UInt64 = 42
    ) -> RegistrationStateMachine {
        RegistrationStateMachine(configuration: configuration, callID: "reg-call-1", fromTag: "fromtag1", seed: seed)
    }

    static func challenger() throws -> DigestChallenger {
        try DigestChallenger(configuration: DigestChallenger.Configuration(realm: "pbx.example.com"))
    }

    /// A response to `request` with `status`, a To tag and `headers`.
    static func response(
        to request: SIPMessage, status: Int, reason: String = "Reason", headers: [(SIPHeaderName, String)] = []
    ) throws -> SIPMessage {
        var buffer = ByteBuffer()
        request.writeResponseHead(status: status, reason: reason, toTag: "reg-to-tag", into: &buffer)
        for (name, value) in headers { buffer.writeSIPHeader(name, value) }
        buffer.writeSIPEndOfHeaders()
        return try SIPMessage(parsing: buffer)
    }

    /// A 401 to `request` carrying `challenger`'s challenges.
    static func challenge(
        to request: SIPMessage, from challenger: DigestChallenger, stale: Bool = false
    ) throws -> SIPMessage {
        try response(
            to: request, status: 401, reason: "Unauthorized",
            headers: challenger.challenges(stale: stale, now: now).map { (SIPHeaderName.wwwAuthenticate, $0) })
    }

    /// A 200 to `request` listing our contact with `expires` (and `others`).
    static func ok(to request: SIPMessage, expires: UInt32, others: [String] = []) throws -> SIPMessage {
        var headers: [(SIPHeaderName, String)] = others.map { (.contact, $0) }
        headers.append((.contact, "<\(contact)>;expires=\(expires)"))
        return try response(to: request, status: 200, reason: "OK", headers: headers)
    }

    /// The REGISTERs in `actions`.
    static func registers(_ actions: [RegistrationAction]) -> [RegisterRequest] {
        actions.compactMap { if case .sendRegister(let request) = $0 { request } else { nil } }
    }

    /// The only REGISTER in `actions`, parsed.
    static func register(
        _ actions: [RegistrationAction], _ machine: RegistrationStateMachine,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> SIPMessage {
        let sent = registers(actions)
        #expect(sent.count == 1, "one REGISTER expected in \(actions)", sourceLocation: sourceLocation)
        let request = try #require(sent.first, sourceLocation: sourceLocation)
        return try request.message(for: machine.configuration)
    }

    /// The state changes in `actions`.
    static func states(_ actions: [RegistrationAction]) -> [RegistrationState] {
        actions.compactMap { if case .stateChanged(let state) = $0 { state } else { nil } }
    }

    /// The retry delay in `actions`, if a retry timer is started.
    static func retryDelay(_ actions: [RegistrationAction]) -> TimeAmount? {
        for case .startTimer(.retry, let delay) in actions { return delay }
        return nil
    }

    /// The refresh delay in `actions`, if a refresh timer is started.
    static func refreshDelay(_ actions: [RegistrationAction]) -> TimeAmount? {
        for case .startTimer(.refresh, let delay) in actions { return delay }
        return nil
    }
}
