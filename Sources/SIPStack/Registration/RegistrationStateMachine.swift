import NIOCore
import SIPMessage

/// The registration client of RFC 3261 §10.2 as a pure state machine: it takes protocol events
/// and returns ``RegistrationAction``s, with no clock, no socket and no event loop (the driver
/// is ``RegistrationClient``).
///
/// Rules:
/// - Every REGISTER asks for the configured expiry (Expires header and Contact `expires`), has
///   the same Call-ID and From tag, a To without tag, a CSeq one higher than the last and a
///   new `z9hG4bK` branch (§10.2, §8.1.1.7).
/// - 2xx: the granted expiry is the `expires` of the Contact that is ours (same
///   `+sip.instance` when configured, else same URI), else the Expires header, else the one
///   asked for (§10.2.4). The refresh timer is set by
///   ``refreshDelay(forGranted:margin:)``, or after ``RegistrationConfiguration/refreshMaximum``
///   when that is sooner. A refresh carries credentials for the last nonce
///   (§22.1), with the next `nc`.
/// - 401/407: answered with ``DigestClient`` at once, once per nonce (§22.2); `stale=true` is
///   answered again. A refusal of answered credentials (`stale=false`) or too many stale
///   challenges is ``RegistrationFailure/Code/credentialsRejected`` and goes to the backoff,
///   so a wrong password never loops.
/// - 423: the Min-Expires becomes the expiry asked for and the REGISTER is sent at once
///   (§10.2.8, §10.3 step 7). A 423 without a larger Min-Expires is a failure.
/// - 408, 5xx, 6xx, transaction timeout, transport error: retry after the Retry-After of the
///   response when present (§20.33), else after ``backoffDelay(attempt:initial:maximum:random:)``
///   capped at ``RegistrationConfiguration/retryMaximum``, or for a timeout or transport error
///   at ``RegistrationConfiguration/unreachableRetryMaximum``.
/// - Other 3xx and 4xx: ``RegistrationState/failed(_:)`` until the next `start`.
/// - `stop`: cancels the timers and sends REGISTER with Expires: 0 (§10.2.2); its final
///   response (after answering a challenge), a timeout or a transport error ends in
///   ``RegistrationState/unregistered``.
///
/// Responses are taken only for the REGISTER in flight (its CSeq and Call-ID); provisional
/// responses and late ones are ignored.
public struct RegistrationStateMachine: Sendable {
    /// What can happen to a registration.
    public enum Event: Sendable {
        /// The application asks to register (from ``RegistrationState/unregistered`` or
        /// ``RegistrationState/failed(_:)``).
        case start
        /// A response to the REGISTER in flight arrived (RFC 3261 §10.2, §17.1.3).
        case responseReceived(SIPMessage)
        /// A timer started by ``RegistrationAction/startTimer(_:after:)`` fired.
        case timerFired(RegistrationTimer)
        /// The REGISTER's client transaction timed out (Timer F).
        case transactionTimedOut
        /// The transport failed for the REGISTER in flight.
        case transportError
        /// The application asks to unregister (RFC 3261 §10.2.2).
        case stop
    }

    /// The REGISTER awaiting its final response.
    private struct InFlight: Sendable {
        var request: SIPMessage
        var cseq: UInt32
        var expires: UInt32
        var unregister: Bool
    }

    /// What is registered and how.
    public let configuration: RegistrationConfiguration
    /// The state the application sees.
    public private(set) var state: RegistrationState = .unregistered
    /// The Call-ID of every REGISTER of this registration.
    public let callID: String
    /// The From tag of every REGISTER of this registration.
    public let fromTag: String
    /// The CSeq of the last REGISTER sent (0 before the first).
    public private(set) var cseq: UInt32
    /// The expiry asked for, in seconds (the configured one, or a 423's Min-Expires).
    public private(set) var requestedExpires: UInt32
    /// Failures in a row since the last 2xx.
    public private(set) var failureCount = 0

    private var digest: DigestClient?
    private var inFlight: InFlight?
    private var random: RegistrationRandom
    private let branchPrefix: String

    /// A machine for `configuration`. `callID` and `fromTag` are random when nil; `seed` fixes
    /// the random numbers (tokens, jitter) for tests. `initialCSeq` is the CSeq of the last
    /// REGISTER sent before (0 for a new registration).
    public init(
        configuration: RegistrationConfiguration, callID: String? = nil, fromTag: String? = nil,
        initialCSeq: UInt32 = 0, seed: UInt64 = UInt64.random(in: .min ... .max)
    ) {
        var random = RegistrationRandom(seed: seed)
        self.configuration = configuration
        self.callID = callID ?? random.token() + random.token()
        self.fromTag = fromTag ?? random.token()
        self.branchPrefix = random.token()
        self.random = random
        self.cseq = initialCSeq
        self.requestedExpires = configuration.expires
        self.digest = configuration.credentials.map { DigestClient(credentials: $0, allowMD5: configuration.allowMD5) }
    }

    /// Whether a REGISTER awaits its final response.
    public var isRequestInFlight: Bool { inFlight != nil }

    /// Feeds `event` and returns what to do, in order. The state is already updated.
    public mutating func handle(_ event: Event) -> [RegistrationAction] {
        switch event {
        case .start:
            return start()
        case .stop:
            return stop()
        case .responseReceived(let response):
            return receive(response)
        case .timerFired(.refresh):
            guard case .registered = state, inFlight == nil else { return [] }
            return send(expires: requestedExpires, unregister: false, newState: nil)
        case .timerFired(.retry):
            guard case .retrying = state, inFlight == nil else { return [] }
            return send(expires: requestedExpires, unregister: false, newState: .registering)
        case .transactionTimedOut:
            return lost(RegistrationFailure(.timeout))
        case .transportError:
            return lost(RegistrationFailure(.transportError))
        }
    }

    // MARK: - Application events

    private mutating func start() -> [RegistrationAction] {
        switch state {
        case .unregistered, .failed:
            failureCount = 0
            requestedExpires = configuration.expires
            return send(expires: requestedExpires, unregister: false, newState: .registering)
        case .registering, .registered, .retrying, .unregistering:
            return []
        }
    }

    private mutating func stop() -> [RegistrationAction] {
        switch state {
        case .unregistered, .unregistering:
            return []
        case .failed:
            state = .unregistered
            return [.stateChanged(.unregistered)]
        case .registering, .registered, .retrying:
            return [.cancelTimer(.refresh), .cancelTimer(.retry)]
                + send(expires: 0, unregister: true, newState: .unregistering)
        }
    }

    // MARK: - Sending

    /// A new REGISTER (CSeq + 1, new branch) with credentials for the nonce in use, if any.
    private mutating func send(expires: UInt32, unregister: Bool, newState: RegistrationState?) -> [RegistrationAction] {
        var authorizations: [DigestAuthorization] = []
        if var client = digest {
            authorizations = (try? client.authorizations(method: "REGISTER", uri: configuration.registrarURI)) ?? []
            digest = client
        }
        return transmit(expires: expires, unregister: unregister, authorizations: authorizations, newState: newState)
    }

    private mutating func transmit(
        expires: UInt32, unregister: Bool, authorizations: [DigestAuthorization], newState: RegistrationState?
    ) -> [RegistrationAction] {
        cseq &+= 1
        let request = RegisterRequest(
            cseq: cseq, expires: expires, callID: callID, fromTag: fromTag,
            branch: "z9hG4bK-\(branchPrefix)-\(cseq)", authorizations: authorizations)
        let message: SIPMessage
        do {
            message = try request.message(for: configuration)
        } catch {
            inFlight = nil
            return setState(.failed(RegistrationFailure(.invalidConfiguration)))
        }
        inFlight = InFlight(request: message, cseq: cseq, expires: expires, unregister: unregister)
        var actions: [RegistrationAction] = []
        if let newState { actions += setState(newState) }
        actions.append(.sendRegister(request))
        return actions
    }

    // MARK: - Responses

    private mutating func receive(_ response: SIPMessage) -> [RegistrationAction] {
        guard let status = response.statusCode, let flight = inFlight, response.cseqNumber == flight.cseq,
              response.cseqMethod == .register, response.callID?.equals(callID) == true
        else { return [] }
        guard status >= 200 else { return [] }
        inFlight = nil

        if flight.unregister {
            if status == 401 || status == 407, let actions = answer(response, flight) {
                return actions
            }
            return setState(.unregistered)
        }
        switch status {
        case 200..<300:
            return registered(response, asked: flight.expires)
        case 401, 407:
            return answer(response, flight) ?? []
        case 423:
            guard let minimum = (try? response.minExpires()) ?? nil, minimum > flight.expires else {
                return setState(.failed(RegistrationFailure(.intervalTooBrief, status: status)))
            }
            requestedExpires = minimum
            return send(expires: minimum, unregister: false, newState: nil)
        case 408, 500...:
            let retryAfter = (try? response.retryAfter())?.map(\.seconds)
            return retry(RegistrationFailure(.rejected, status: status), after: retryAfter)
        default:
            return setState(.failed(RegistrationFailure(.rejected, status: status)))
        }
    }

    /// Answers a 401/407 with a new REGISTER, or returns the failure's actions; nil when an
    /// unregistration's challenge cannot be answered.
    private mutating func answer(_ response: SIPMessage, _ flight: InFlight) -> [RegistrationAction]? {
        let status = response.statusCode
        guard var client = digest else {
            if flight.unregister { return nil }
            return setState(.failed(RegistrationFailure(.authenticationFailed, status: status)))
        }
        let authorizations: [DigestAuthorization]
        do {
            authorizations = try client.authorizations(answering: response, to: flight.request)
        } catch {
            if flight.unregister { return nil }
            switch error.code {
            case .credentialsRejected, .tooManyStaleChallenges:
                return retry(RegistrationFailure(.credentialsRejected, status: status), after: nil)
            case .md5NotAllowed:
                return setState(.failed(RegistrationFailure(.md5NotAllowed, status: status)))
            default:
                return setState(.failed(RegistrationFailure(.authenticationFailed, status: status)))
            }
        }
        digest = client
        return transmit(expires: flight.expires, unregister: flight.unregister, authorizations: authorizations, newState: nil)
    }

    private mutating func registered(_ response: SIPMessage, asked: UInt32) -> [RegistrationAction] {
        let contacts = (try? response.contacts()) ?? []
        var granted = contacts.first(where: isOurs)?.expires
        if granted == nil { granted = (try? response.expires()) ?? nil }
        let expires = granted ?? asked
        guard expires > 0 else {
            return retry(RegistrationFailure(.bindingNotGranted, status: response.statusCode), after: nil)
        }
        failureCount = 0
        var delay = Self.refreshDelay(forGranted: expires, margin: configuration.refreshMargin)
        if let maximum = configuration.refreshMaximum, maximum > .zero { delay = min(delay, maximum) }
        return [.startTimer(.refresh, after: delay)]
            + setState(.registered(expires: expires, contacts: contacts.map(\.uri.string)))
    }

    /// Whether a Contact of a 2xx is the one we registered: same `+sip.instance` (RFC 5626
    /// §6) when one is configured, else the same URI (compared without case).
    private func isOurs(_ contact: SIPNameAddress) -> Bool {
        if let instance = configuration.instanceID,
           let theirs = contact.parameters.first(named: "+sip.instance")?.unquotedValue {
            return theirs == instance.trimmingQuotes
        }
        return contact.uri.equalsIgnoringCase(configuration.contactURI)
    }

    // MARK: - Failures

    /// The REGISTER in flight got no response.
    private mutating func lost(_ failure: RegistrationFailure) -> [RegistrationAction] {
        guard let flight = inFlight else { return [] }
        inFlight = nil
        if flight.unregister { return setState(.unregistered) }
        return retry(failure, after: nil)
    }

    private mutating func retry(_ failure: RegistrationFailure, after retryAfter: UInt32?) -> [RegistrationAction] {
        failureCount += 1
        let delay =
            retryAfter.map { TimeAmount.seconds(Int64($0)) }
            ?? Self.backoffDelay(
                attempt: failureCount, initial: configuration.retryInitial,
                maximum: failure.code == .timeout || failure.code == .transportError
                    ? configuration.unreachableRetryMaximum : configuration.retryMaximum,
                random: random.next())
        return [.startTimer(.retry, after: delay)]
            + setState(.retrying(after: delay, attempt: failureCount, reason: failure))
    }

    private mutating func setState(_ new: RegistrationState) -> [RegistrationAction] {
        guard new != state else { return [] }
        state = new
        return [.stateChanged(new)]
    }
}

extension String {
    /// The string without one pair of surrounding double quotes.
    fileprivate var trimmingQuotes: String {
        guard count >= 2, first == "\"", last == "\"" else { return self }
        return String(dropFirst().dropLast())
    }
}
