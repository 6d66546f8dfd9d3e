// libFuzzer target for digest authentication: the WWW-Authenticate, Proxy-Authenticate,
// Authorization and Proxy-Authorization grammar (SIPMessage's `SIPAuthHeader`), the checked
// challenge (`DigestChallenge`), the client that answers challenges (`DigestClient`,
// `DigestChallenge.authorization`) and the server that issues and verifies them
// (`DigestChallenger`).
//
// Built only by Tests/Fuzz/run-fuzzers.sh (SWIFTSIP_FUZZ=1, -sanitize=fuzzer,address,
// -parse-as-library); see Tests/Fuzz/README.md. The first byte picks what the rest is:
//
// - 0, 1: challenge header values, one per line, in a 401 (WWW-Authenticate) or 407
//   (Proxy-Authenticate). Each challenge that checks is answered, and the answer must parse
//   back to what was written and verify on a server with the same realm and algorithm;
// - 2, 3: credentials header values, one per line, in a REGISTER (Authorization or
//   Proxy-Authorization), verified by a server that did not mint their nonce;
// - 4: a round trip whose strings come from the input (realm, user name, password, digest-uri,
//   cnonce, body, one per line; the next byte picks the algorithm, qop, proxy and stale flags):
//   the server's challenge must parse back to what it wrote, and the client's answer to it must
//   be accepted once, refused when replayed or with another password, and stale once the nonce
//   has expired.
//
// A thrown `SIPParseError` or `DigestAuthError` is an expected outcome; a crash, a sanitizer
// report, a Swift trap or a broken property (`fail`) is a bug.

import Crypto
import FuzzSupport
import NIOCore
import SIPMessage
import SIPStack

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let input = UnsafeBufferPointer(start: data + 1, count: size - 1)
    switch data[0] % 5 {
    case 0: fuzzChallenges(input, isProxy: false)
    case 1: fuzzChallenges(input, isProxy: true)
    case 2: fuzzCredentials(input, isProxy: false)
    case 3: fuzzCredentials(input, isProxy: true)
    default: fuzzRoundTrip(input)
    }
    finishInput()
    return 0
}

// MARK: - Fixed parts

/// The server's nonce key: fixed, so that a failing input fails again (computed: swift-crypto's
/// `SymmetricKey` is not `Sendable`, so it cannot be a global constant).
var key: SymmetricKey { SymmetricKey(data: [UInt8](repeating: 0x5A, count: 32)) }
/// When the challenges are issued and answered (NIODeadline uptime).
let issued = NIODeadline.uptimeNanoseconds(1_000_000_000_000)
/// The Request-URI of every request built here, and so the digest-uri the server expects.
let requestURI = "sip:example.com"
/// The credentials answering fuzzed challenges.
let credentials = DigestCredentials(username: "door", password: "s3cret")
/// The client nonce answering fuzzed challenges.
let clientNonce = "0a4f113b"

/// The lines of `input` (split at LF, a CR before it dropped): one header value each.
func lines(_ input: UnsafeBufferPointer<UInt8>) -> [ArraySlice<UInt8>] {
    input.split(separator: 0x0A, omittingEmptySubsequences: false).map { line in
        line.last == 0x0D ? ArraySlice(line.dropLast()) : ArraySlice(line)
    }
}

/// A request (`REGISTER sip:example.com`) or, with `status`, a response carrying `headers`
/// after the routing headers, or nil when it does not parse.
func message(status: Int? = nil, _ headers: [(SIPHeaderName, ArraySlice<UInt8>)], body: [UInt8] = []) -> SIPMessage? {
    var buffer = ByteBuffer()
    if let status {
        buffer.writeString("SIP/2.0 \(status) Challenge\r\n")
    } else {
        buffer.writeString("REGISTER \(requestURI) SIP/2.0\r\n")
    }
    buffer.writeString(
        "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKfuzz\r\n"
            + "From: <sip:door@example.com>;tag=1\r\n"
            + "To: <sip:door@example.com>\(status == nil ? "" : ";tag=2")\r\n"
            + "Call-ID: fuzz\r\nCSeq: 1 REGISTER\r\nMax-Forwards: 70\r\n")
    for (name, value) in headers {
        buffer.writeString(name.description)
        buffer.writeString(": ")
        buffer.writeBytes(value)
        buffer.writeString("\r\n")
    }
    buffer.writeString("Content-Length: \(body.count)\r\n\r\n")
    buffer.writeBytes(body)
    return try? SIPMessage(parsing: buffer)
}

/// Reads every accessor of a parsed authentication header.
func exercise(_ header: SIPAuthHeader) {
    blackHole(header)
    blackHole(header.isDigest)
    blackHole(header.realm)
    blackHole(header.nonce)
    blackHole(header.opaque)
    blackHole(header.algorithm)
    blackHole(header.domain)
    blackHole(header.stale)
    blackHole(header.qopOptions)
    blackHole(header.charset)
    blackHole(header.userhash)
    blackHole(header.username)
    blackHole(header.uri)
    blackHole(header.response)
    blackHole(header.cnonce)
    blackHole(header.qop)
    blackHole(header.nonceCount)
    if let token = header.algorithm {
        if let algorithm = try? DigestAlgorithm(token: token) {
            check(algorithm.token.lowercased() == token.lowercased(), "an algorithm token does not write back")
        }
    }
}

// MARK: - Challenges

/// Challenges from a 401 or 407: each one that checks is answered; the answer parses back to
/// what was written and verifies on a server of the same realm and algorithm.
func fuzzChallenges(_ input: UnsafeBufferPointer<UInt8>, isProxy: Bool) {
    let name: SIPHeaderName = isProxy ? .proxyAuthenticate : .wwwAuthenticate
    guard let response = message(status: isProxy ? 407 : 401, lines(input).map { (name, $0) }) else { return }
    guard let headers = try? (isProxy ? response.proxyAuthenticate() : response.wwwAuthenticate()) else { return }
    for header in headers {
        exercise(header)
        guard let challenge = try? DigestChallenge(header, isProxy: isProxy) else { continue }
        blackHole(challenge)
        check(challenge.realm == header.realm, "a challenge's realm differs from its header's")
        check(challenge.nonce == header.nonce && !challenge.nonce.isEmpty, "a challenge's nonce differs from its header's")
        check(!challenge.algorithm.isSession || !challenge.qopOptions.isEmpty, "a -sess challenge without qop checked")
        for preferred in DigestQOP.allCases {
            answer(challenge, preferring: preferred)
        }
    }

    // The client as the registration uses it: no trap, and whatever it writes parses.
    guard let request = message([]) else { fail("the plain REGISTER does not parse") }
    var client = DigestClient(credentials: credentials)
    if let answers = try? client.authorizations(answering: response, to: request) {
        for answer in answers {
            check(answer.headerName == (isProxy ? .proxyAuthorization : .authorization), "the client answers in the wrong header")
            check(message([(answer.headerName, ArraySlice(answer.value.utf8))]) != nil, "the client's credentials do not parse")
        }
        // The same request again, now with those credentials, and the same challenge: either a
        // stale retry or a refusal, never a trap.
        let retried = message(answers.map { ($0.headerName, ArraySlice($0.value.utf8)) })
        if let retried { blackHole((try? client.authorizations(answering: response, to: retried))?.count) }
        blackHole((try? client.authorizations(method: "REGISTER", uri: requestURI))?.count)
    }
}

/// Answers `challenge` with the fixed credentials: the answer must parse back to the values
/// written, and a server with the challenge's realm, algorithm and qop must find the digest
/// right (and so, its nonce being foreign, ask again with `stale=true`).
func answer(_ challenge: DigestChallenge, preferring preferred: DigestQOP) {
    let body: [UInt8] = Array("v=0\r\n".utf8)
    let authorization: DigestAuthorization
    do {
        authorization = try challenge.authorization(
            credentials: credentials, method: "REGISTER", uri: requestURI, body: ByteBuffer(bytes: body),
            preferredQOP: preferred, nonceCount: 1, cnonce: clientNonce)
    } catch {
        fail("a checked challenge cannot be answered: \(error)")
    }
    guard let request = message([(authorization.headerName, ArraySlice(authorization.value.utf8))], body: body) else {
        fail("the credentials written for a checked challenge do not parse: \(authorization.value)")
    }
    let parsed: [SIPAuthHeader]
    do {
        parsed = challenge.isProxy ? try request.proxyAuthorization() : try request.authorization()
    } catch {
        fail("the credentials written for a checked challenge do not parse as a header: \(error)")
    }
    guard parsed.count == 1, let header = parsed.first else { fail("one credentials header written, \(parsed.count) read") }
    check(header.isDigest, "written credentials are not Digest")
    check(header.realm == challenge.realm, "the realm written does not read back")
    check(header.nonce == challenge.nonce, "the nonce written does not read back")
    check(header.opaque == challenge.opaque, "the opaque written does not read back")
    check(header.uri == requestURI, "the digest-uri written does not read back")
    check(header.response == authorization.response, "the response written does not read back")
    check(header.algorithm == challenge.algorithm.token, "the algorithm written does not read back")
    check(header.qop == authorization.qop?.token, "the qop written does not read back")
    check(header.nonceCount == authorization.nonceCount, "the nc written does not read back")
    check(header.userhash == challenge.userhash, "userhash written does not read back")
    if !challenge.userhash { check(header.username == credentials.username, "the user name written does not read back") }
    if authorization.qop != nil { check(header.cnonce == clientNonce, "the cnonce written does not read back") }

    // The server computes the same digest from what it reads: right digest, foreign nonce.
    guard !challenge.userhash, !challenge.qopOptions.isEmpty else { return }
    let configuration = DigestChallenger.Configuration(
        realm: challenge.realm, algorithms: [challenge.algorithm], qopOptions: challenge.qopOptions, isProxy: challenge.isProxy)
    guard var challenger = try? DigestChallenger(configuration: configuration, key: key) else {
        fail("a server cannot take a checked challenge's realm")
    }
    let verdict = challenger.verify(request: request, now: issued) { $0 == credentials.username ? credentials.password : nil }
    check(verdict == .challenge(stale: true), "a right digest on a foreign nonce gave \(verdict), not a stale challenge")
    let wrong = challenger.verify(request: request, now: issued) { _ in "not-the-password" }
    check(wrong == .rejected(.wrongResponse), "a wrong password gave \(wrong)")
}

// MARK: - Credentials

/// Credentials from a REGISTER, verified by servers that did not mint their nonces: never
/// accepted, never a trap.
func fuzzCredentials(_ input: UnsafeBufferPointer<UInt8>, isProxy: Bool) {
    let name: SIPHeaderName = isProxy ? .proxyAuthorization : .authorization
    guard let request = message(lines(input).map { (name, $0) }) else { return }
    let headers = (try? (isProxy ? request.proxyAuthorization() : request.authorization())) ?? []
    for header in headers { exercise(header) }

    // One server with the realm the credentials name (when a server can have it), one with
    // another realm.
    var realms = ["example.com"]
    if let realm = headers.first?.realm, realm != "example.com" { realms.append(realm) }
    for realm in realms {
        let configuration = DigestChallenger.Configuration(
            realm: realm, algorithms: DigestAlgorithm.allCases, qopOptions: DigestQOP.allCases, isProxy: isProxy)
        guard var challenger = try? DigestChallenger(configuration: configuration, key: key) else { continue }
        let verdict = challenger.verify(request: request, now: issued) { _ in credentials.password }
        if case .accepted = verdict { fail("credentials with a nonce this server did not mint were accepted") }
        blackHole(verdict)
        if !headers.isEmpty {
            let direct = challenger.verify(credentials: headers, method: "REGISTER", requestURI: requestURI, now: issued) { _ in nil }
            if case .accepted = direct { fail("credentials of an unknown user were accepted") }
        }
    }
}

// MARK: - Round trip

/// The server challenges, the client answers, the server verifies, with realm, user name,
/// password, digest-uri, cnonce and body from the input.
func fuzzRoundTrip(_ input: UnsafeBufferPointer<UInt8>) {
    guard let flags = input.first else { return }
    var fields = lines(UnsafeBufferPointer(rebasing: input.dropFirst())).map { String(decoding: $0, as: UTF8.self) }
    while fields.count < 6 { fields.append("") }
    let (realm, username, password, uri, cnonce) = (fields[0], fields[1], fields[2], fields[3], fields[4])
    let body = ByteBuffer(string: fields[5...].joined(separator: "\n"))
    let algorithm = DigestAlgorithm.allCases[Int(flags & 3)]
    let qop: DigestQOP = flags & 4 == 0 ? .auth : .authInt
    let isProxy = flags & 8 != 0
    let stale = flags & 16 != 0

    let configuration = DigestChallenger.Configuration(
        realm: realm, algorithms: [algorithm], qopOptions: [qop], nonceLifetime: .seconds(30), isProxy: isProxy)
    guard var challenger = try? DigestChallenger(configuration: configuration, key: key) else { return }

    // The challenge written reads back as what was offered.
    let values = challenger.challenges(stale: stale, now: issued)
    check(values.count == 1, "one algorithm offered, \(values.count) challenges written")
    guard let value = values.first else { return }
    guard let response = message(status: challenger.challengeStatus, [(challenger.challengeHeaderName, ArraySlice(value.utf8))]) else {
        fail("the challenge the server wrote does not parse: \(value)")
    }
    let challenge: DigestChallenge
    do {
        guard let header = try (isProxy ? response.proxyAuthenticate() : response.wwwAuthenticate()).first else {
            fail("the challenge the server wrote is missing")
        }
        challenge = try DigestChallenge(header, isProxy: isProxy)
    } catch {
        fail("the challenge the server wrote does not check: \(error)")
    }
    check(challenge.realm == realm, "the realm written in a challenge does not read back")
    check(challenge.algorithm == algorithm, "the algorithm written in a challenge does not read back")
    check(challenge.qopOptions == [qop], "the qop written in a challenge does not read back")
    check(challenge.stale == stale, "stale written in a challenge does not read back")
    check(challenge.opaque != nil && !challenge.userhash && challenge.isProxy == isProxy, "a challenge's flags do not read back")

    // The client answers it; invalid user names, URIs and cnonces are refused, not written.
    let user = DigestCredentials(username: username, password: password)
    let authorization: DigestAuthorization
    do {
        authorization = try challenge.authorization(
            credentials: user, method: "INVITE", uri: uri, body: body, preferredQOP: qop, nonceCount: 1, cnonce: cnonce)
    } catch {
        check(error.code == .invalidValue, "answering a challenge failed with \(error)")
        return
    }
    guard let request = message([(challenger.credentialsHeaderName, ArraySlice(authorization.value.utf8))]) else {
        fail("the credentials the client wrote do not parse: \(authorization.value)")
    }
    guard let headers = try? (isProxy ? request.proxyAuthorization() : request.authorization()) else {
        fail("the credentials the client wrote do not parse as a header")
    }
    func verify(_ headers: [SIPAuthHeader], password secret: String, at now: NIODeadline) -> DigestVerification {
        challenger.verify(credentials: headers, method: "INVITE", requestURI: uri, body: body, now: now) { name in
            name == username ? secret : nil
        }
    }
    let later = issued + .seconds(1)
    let wrong = verify(headers, password: password + "x", at: later)
    check(wrong == .rejected(.wrongResponse), "another password gave \(wrong)")
    let first = verify(headers, password: password, at: later)
    check(first == .accepted(username: username), "the client's answer to the server's challenge gave \(first)")
    let replayed = verify(headers, password: password, at: later)
    check(replayed == .rejected(.replayedNonceCount), "a replayed nc gave \(replayed)")

    // The next request reuses the nonce with nc=2: accepted until the nonce expires.
    guard let second = try? challenge.authorization(
        credentials: user, method: "INVITE", uri: uri, body: body, preferredQOP: qop, nonceCount: 2, cnonce: cnonce),
        let secondRequest = message([(challenger.credentialsHeaderName, ArraySlice(second.value.utf8))]),
        let secondHeaders = try? (isProxy ? secondRequest.proxyAuthorization() : secondRequest.authorization())
    else {
        fail("the second answer to a challenge cannot be written or read")
    }
    let expired = verify(secondHeaders, password: password, at: issued + .seconds(31))
    check(expired == .challenge(stale: true), "an expired nonce gave \(expired)")
    let reused = verify(secondHeaders, password: password, at: later)
    check(reused == .accepted(username: username), "nc=2 on a live nonce gave \(reused)")
}

// MARK: - Entry point

@_cdecl("DigestFuzzer_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, fuzz)
}
