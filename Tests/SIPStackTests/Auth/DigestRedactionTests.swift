import NIOCore
import SIPMessage
import SIPStack
import Testing

/// Credentials never show in `description`, `debugDescription` or `dump` of any auth type,
/// nor in an error (checked after a full exchange, a refusal and a rejection).
@Suite("Digest credentials are redacted")
struct DigestRedactionTests {
    static let username = "door-user-7731"
    static let password = "Zebra-Secret-42!"
    static let realm = "pbx.example.com"

    /// Every way a value turns into text by accident: print, string interpolation, debugPrint,
    /// dump.
    static func renderings(_ value: Any) -> [String] {
        var dumped = ""
        dump(value, to: &dumped)
        var printed = ""
        print(value, to: &printed)
        var debugPrinted = ""
        debugPrint(value, to: &debugPrinted)
        return [String(describing: value), String(reflecting: value), "\(value)", dumped, printed, debugPrinted]
    }

    static func expectRedacted(_ value: Any, hiding secrets: [String], _ what: String) {
        for text in renderings(value) {
            for secret in secrets {
                #expect(!text.contains(secret), "\(what) shows a credential: \(text)")
            }
        }
    }

    @Test("no type shows the password, the user name or the request-digest")
    func redacted() throws {
        let credentials = DigestCredentials(username: Self.username, password: Self.password, realm: Self.realm)
        var challenger = try DigestChallenger(configuration: .init(realm: Self.realm))
        var client = DigestClient(credentials: credentials)
        let now = NIODeadline.uptimeNanoseconds(1_000_000_000)

        let request = try AuthMessages.request()
        let answers = try client.authorizations(answering: try AuthMessages.challenge(from: challenger, now: now), to: request)
        let authorization = try #require(answers.first)
        let retried = try AuthMessages.request(authorizations: answers, cseq: 2)
        let verdict = challenger.verify(request: retried, now: now) { $0 == Self.username ? Self.password : nil }
        #expect(verdict == .accepted(username: Self.username))
        let secrets = [Self.password, authorization.response]

        Self.expectRedacted(credentials, hiding: secrets + [Self.username], "DigestCredentials")
        Self.expectRedacted(client, hiding: secrets + [Self.username], "DigestClient")
        Self.expectRedacted(authorization, hiding: secrets + [Self.username, authorization.value], "DigestAuthorization")
        Self.expectRedacted(answers, hiding: secrets + [Self.username], "[DigestAuthorization]")
        Self.expectRedacted(client.nonceStates, hiding: secrets + [Self.username], "DigestNonceState")
        Self.expectRedacted(challenger, hiding: secrets, "DigestChallenger")
        Self.expectRedacted(verdict, hiding: secrets, "DigestVerification")
        #expect(String(describing: challenger).contains("<redacted>"))

        // A wrong password: the rejection and the client's error show nothing either.
        var wrong = DigestClient(credentials: DigestCredentials(username: Self.username, password: "Wrong-Guess-99", realm: Self.realm))
        let wrongAnswers = try wrong.authorizations(answering: try AuthMessages.challenge(from: challenger, now: now), to: request)
        let wrongRequest = try AuthMessages.request(authorizations: wrongAnswers, cseq: 3)
        let rejection = challenger.verify(request: wrongRequest, now: now) { _ in Self.password }
        #expect(rejection == .rejected(.wrongResponse))
        Self.expectRedacted(rejection, hiding: secrets + ["Wrong-Guess-99"], "DigestRejection")
        let challengeAgain = try AuthMessages.challenge(from: challenger, now: now)
        do {
            _ = try wrong.authorizations(answering: challengeAgain, to: wrongRequest)
            Issue.record("answered a refusal")
        } catch {
            #expect(error.code == .credentialsRejected)
            Self.expectRedacted(error, hiding: ["Wrong-Guess-99", Self.username], "DigestAuthError")
        }
        Self.expectRedacted(wrong, hiding: ["Wrong-Guess-99", Self.username], "DigestClient after a refusal")
    }
}
