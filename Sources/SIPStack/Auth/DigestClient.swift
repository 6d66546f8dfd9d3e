import NIOCore
import SIPMessage

/// The client side of SIP digest authentication (RFC 3261 §22.2 and §22.3, RFC 7616 §3.4,
/// RFC 8760 §2): answers 401 and 407 challenges and reuses nonces, keeping one
/// ``DigestNonceState`` per realm.
///
/// ```swift
/// var auth = DigestClient(credentials: DigestCredentials(username: "door", password: secret, realm: "pbx"))
/// // a 401 or 407 came back for `request`:
/// for header in try auth.authorizations(answering: response, to: request) {
///     buffer.writeSIPHeader(header.headerName, header.value)   // into the retried request
/// }
/// // the next request in the same realm, before any challenge:
/// let preemptive = try auth.authorizations(method: "REGISTER", uri: "sip:pbx.example.com")
/// ```
///
/// Choosing among challenges: for each realm the client answers one challenge, SHA-256 before
/// SHA-256-sess before MD5 before MD5-sess (RFC 8760 §2 lets local policy choose), and MD5 only
/// when ``allowMD5`` is set. Challenges it cannot use (SHA-512-256, unknown algorithms,
/// malformed ones, other realms) are skipped; when none is usable the most useful error is
/// thrown.
///
/// Repeated challenges: `stale=true` is answered with the new nonce without the user (up to
/// ``maximumStaleRetries`` times in a row). `stale=false` for a realm whose credentials just
/// answered a challenge throws ``DigestAuthError/Code/credentialsRejected``. When the refused
/// credentials reused an older nonce (a preemptive request), the fresh challenge is answered
/// once before that verdict.
///
/// - warning: A value type that holds a password. Its `description` redacts credentials; keep
///   it on one event loop or actor, as it changes with each challenge.
public struct DigestClient: Sendable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The credentials answered with.
    public var credentials: DigestCredentials
    /// Whether MD5 and MD5-sess challenges may be answered (true by default for older PBXs).
    public var allowMD5: Bool
    /// The qop used when a challenge offers it (`auth` by default; `auth-int` also protects
    /// the body).
    public var preferredQOP: DigestQOP
    /// How many `stale=true` challenges in a row are retried before giving up.
    public var maximumStaleRetries: Int
    /// One state per realm answered so far, in the order realms were first answered.
    public private(set) var nonceStates: [DigestNonceState] = []

    public init(
        credentials: DigestCredentials, allowMD5: Bool = true, preferredQOP: DigestQOP = .auth,
        maximumStaleRetries: Int = 3
    ) {
        self.credentials = credentials
        self.allowMD5 = allowMD5
        self.preferredQOP = preferredQOP
        self.maximumStaleRetries = maximumStaleRetries
    }

    /// The state kept for `realm`, if it has been answered.
    public func nonceState(realm: String) -> DigestNonceState? {
        nonceStates.first { $0.realm == realm }
    }

    /// Forgets every nonce (after a credentials change, say).
    public mutating func reset() {
        nonceStates.removeAll()
    }

    /// Answers a 401 (WWW-Authenticate) or 407 (Proxy-Authenticate) `response` to `request`,
    /// with one header per realm challenged. The method, the digest-uri (the Request-URI) and
    /// the body come from `request`, as do the credentials it carried.
    ///
    /// - Throws: ``DigestAuthError``: ``DigestAuthError/Code/notAChallenge`` for another status,
    ///   ``DigestAuthError/Code/notARequest``, the challenge errors of ``DigestChallenge``,
    ///   ``DigestAuthError/Code/md5NotAllowed``, ``DigestAuthError/Code/realmNotAllowed``,
    ///   ``DigestAuthError/Code/credentialsRejected``...
    public mutating func authorizations(
        answering response: SIPMessage, to request: SIPMessage
    ) throws(DigestAuthError) -> [DigestAuthorization] {
        let isProxy: Bool
        switch response.statusCode {
        case 401: isProxy = false
        case 407: isProxy = true
        default: throw DigestAuthError(.notAChallenge, "only a 401 or 407 response carries a challenge")
        }
        guard let method = request.methodToken?.string, let uri = request.requestURI?.string else {
            throw DigestAuthError(.notARequest, "the challenged message is not a request")
        }

        let challenges: [SIPAuthHeader]
        do {
            challenges = isProxy ? try response.proxyAuthenticate() : try response.wwwAuthenticate()
        } catch {
            throw DigestAuthError(.malformedChallenge, "a challenge header does not parse")
        }
        // Credentials the request carried that do not parse cannot be ours: ignore them.
        var sent: [SIPAuthHeader] = []
        if isProxy {
            sent = (try? request.proxyAuthorization()) ?? []
        } else {
            sent = (try? request.authorization()) ?? []
        }

        return try authorizations(
            answering: challenges, isProxy: isProxy, method: method, uri: uri,
            body: request.body.buffer, sentCredentials: sent)
    }

    /// Answers `challenges` (the WWW-Authenticate or Proxy-Authenticate headers of one
    /// response) for a request with `method`, digest-uri `uri` and `body`.
    ///
    /// - Parameter sentCredentials: the Authorization (or Proxy-Authorization) headers of the
    ///   request that was challenged, empty when it carried none; they tell a refused answer
    ///   from a first challenge.
    public mutating func authorizations(
        answering challenges: [SIPAuthHeader], isProxy: Bool, method: String, uri: String,
        body: ByteBuffer? = nil, sentCredentials: [SIPAuthHeader] = []
    ) throws(DigestAuthError) -> [DigestAuthorization] {
        guard !challenges.isEmpty else {
            throw DigestAuthError(.notAChallenge, "the response has no challenge header")
        }
        let chosen = try choose(from: challenges, isProxy: isProxy)

        // Decide every realm first, so a rejection leaves the kept states untouched.
        var updated: [DigestNonceState] = []
        for challenge in chosen {
            let previous = nonceState(realm: challenge.realm)
            let sent = sentCredentials.first { $0.isDigest && $0.realm == challenge.realm }
            var staleRetries = 0
            if let previous, let sent, sent.nonce == previous.nonce {
                // The credentials we built for this realm were refused.
                if challenge.stale {
                    guard previous.staleRetries < maximumStaleRetries else {
                        throw DigestAuthError(.tooManyStaleChallenges, "the server keeps answering stale=true")
                    }
                    staleRetries = previous.staleRetries &+ 1
                } else if previous.answeredChallenge {
                    throw DigestAuthError(.credentialsRejected, "the server refused the credentials: the user name or password is wrong")
                }
            }
            updated.append(DigestNonceState(challenge: challenge, staleRetries: staleRetries))
        }

        var result: [DigestAuthorization] = []
        for index in updated.indices {
            let count = try updated[index].nextNonceCount()
            result.append(try updated[index].challenge.authorization(
                credentials: credentials, method: method, uri: uri, body: body,
                preferredQOP: preferredQOP, nonceCount: count))
        }
        for state in updated { store(state) }
        return result
    }

    /// Credentials for a new request in every realm already answered, reusing each nonce with
    /// the next `nc` (RFC 3261 §22.1 allows reuse; RFC 7616 §3.4 counts it). Empty before any
    /// challenge. Realms whose challenge had no qop are skipped: without `nc` a reused nonce
    /// would be a replay.
    public mutating func authorizations(
        method: String, uri: String, body: ByteBuffer? = nil
    ) throws(DigestAuthError) -> [DigestAuthorization] {
        var states = nonceStates
        var result: [DigestAuthorization] = []
        for index in states.indices where !states[index].challenge.qopOptions.isEmpty {
            let count = try states[index].nextNonceCount()
            states[index].answeredChallenge = false
            states[index].staleRetries = 0
            result.append(try states[index].challenge.authorization(
                credentials: credentials, method: method, uri: uri, body: body,
                preferredQOP: preferredQOP, nonceCount: count))
        }
        nonceStates = states
        return result
    }

    /// One usable challenge per realm, best algorithm first, realms in header order.
    private func choose(from headers: [SIPAuthHeader], isProxy: Bool) throws(DigestAuthError) -> [DigestChallenge] {
        var chosen: [DigestChallenge] = []
        var firstError: DigestAuthError?
        func note(_ error: DigestAuthError) {
            if let current = firstError, current.code.priority <= error.code.priority { return }
            firstError = error
        }

        for header in headers {
            let challenge: DigestChallenge
            do {
                challenge = try DigestChallenge(header, isProxy: isProxy)
            } catch {
                note(error)
                continue
            }
            guard credentials.accepts(realm: challenge.realm) else {
                note(DigestAuthError(.realmNotAllowed, "the challenge is for a realm the credentials are not for"))
                continue
            }
            guard allowMD5 || !challenge.algorithm.isMD5 else {
                note(DigestAuthError(.md5NotAllowed, "the challenge asks for MD5, which is not allowed"))
                continue
            }
            if let index = chosen.firstIndex(where: { $0.realm == challenge.realm }) {
                if challenge.algorithm.preference < chosen[index].algorithm.preference {
                    chosen[index] = challenge
                }
            } else {
                chosen.append(challenge)
            }
        }

        guard !chosen.isEmpty else {
            throw firstError ?? DigestAuthError(.notAChallenge, "the response has no usable challenge")
        }
        return chosen
    }

    private mutating func store(_ state: DigestNonceState) {
        if let index = nonceStates.firstIndex(where: { $0.realm == state.realm }) {
            nonceStates[index] = state
        } else {
            nonceStates.append(state)
        }
    }

    public var description: String {
        "DigestClient(\(credentials), allowMD5: \(allowMD5), realms: \(nonceStates.map(\.realm)))"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(self, children: [
            "credentials": credentials, "allowMD5": allowMD5, "preferredQOP": preferredQOP,
            "nonceStates": nonceStates,
        ], displayStyle: .struct)
    }
}
