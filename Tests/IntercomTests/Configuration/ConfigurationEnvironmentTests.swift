import Intercom
import Testing

@Suite("configuration: environment overrides")
struct ConfigurationEnvironmentTests {
    static let file = """
        sip:
          user: intercom
        accounts:
          - name: pbx
            registrar: sip:pbx.example.com
            user: door
            password: from-file
        answer:
          challenge:
            users: {Alice: one}

        """

    @Test("a scalar, a camelCase key and a nested list index")
    func setValues() throws {
        let c = try ConfigurationLoader.load(
            yaml: Self.file,
            environment: [
                "INTERCOM_SIP__USER": "door",
                "INTERCOM_ANSWER__DELAY_MS": "200",
                "INTERCOM_ANSWER__AUTO_ANSWER": "false",
                "INTERCOM_ACCOUNTS__0__PASSWORD": "s3cret",
                "INTERCOM_AUDIO__RTP_PORT_MIN": "30000",
                "INTERCOM_AUDIO__RTP_PORT_MAX": "30999",
                "HOME": "/root",
            ])
        #expect(c.sip.user == "door")
        #expect(c.answer.delayMs == 200)
        #expect(c.answer.autoAnswer == false)
        #expect(c.accounts.first?.password == "s3cret")
        #expect(c.accounts.first?.registrar == "sip:pbx.example.com")
        #expect(c.audio.rtpPortMin == 30000)
    }

    @Test("flow lists, null, appended list elements and challenge users")
    func structuredValues() throws {
        let c = try ConfigurationLoader.load(
            yaml: Self.file,
            environment: [
                "INTERCOM_AUDIO__CODECS": "[pcmu, pcma]",
                "INTERCOM_AUDIO__REALTIME_PRIORITY": "",
                "INTERCOM_ACCOUNTS__1__REGISTRAR": "sip:backup.example.com",
                "INTERCOM_ACCOUNTS__1__USER": "door2",
                "INTERCOM_ANSWER__CHALLENGE__USERS__ALICE": "two",
                "INTERCOM_ANSWER__CHALLENGE__USERS__BOB": "three",
                "INTERCOM_DOORS__0__ACTION__COMMAND": "[/usr/bin/open, front]",
                "INTERCOM_DOORS__0__CODES__0__CODE": "0042",
            ])
        #expect(c.audio.codecs == ["pcmu", "pcma"])
        #expect(c.audio.realtimePriority == nil)
        #expect(c.accounts.map(\.name) == ["pbx", "door2"])
        #expect(c.answer.challenge?.users == ["Alice": "two", "bob": "three"])
        #expect(c.doors.first?.action == .command(["/usr/bin/open", "front"]))
        #expect(c.doors.first?.codes == [DoorCode(code: "0042")])
    }

    @Test("an override that names no key is an error naming the variable, with a suggestion")
    func unknownKey() {
        let (_, errors) = ConfigurationLoader.check(
            yaml: Self.file, file: "door.yaml", environment: ["INTERCOM_ANSWER__DELAY": "200", "INTERCOM_COLOUR": "blue"])
        #expect(errors.count == 2)
        let delay = errors.first { $0.environmentVariable == "INTERCOM_ANSWER__DELAY" }
        #expect(delay?.code == .unknownKey)
        #expect(delay?.keyPath == "answer")
        #expect(delay?.line == nil)
        #expect(delay?.reason.contains("did you mean INTERCOM_ANSWER__DELAY_MS?") == true, "\(String(describing: delay))")
        #expect(delay?.description.hasSuffix("(from INTERCOM_ANSWER__DELAY)") == true)
        #expect(errors.contains { $0.environmentVariable == "INTERCOM_COLOUR" && $0.code == .unknownKey })
    }

    @Test("a value of the wrong type is reported at its key path, naming the variable")
    func typeError() {
        let (_, errors) = ConfigurationLoader.check(yaml: Self.file, file: "door.yaml", environment: ["INTERCOM_ANSWER__DELAY_MS": "soon"])
        #expect(errors.count == 1)
        #expect(errors.first?.keyPath == "answer.delayMs")
        #expect(errors.first?.code == .wrongType)
        #expect(errors.first?.line == nil)
        #expect(errors.first?.environmentVariable == "INTERCOM_ANSWER__DELAY_MS")
        #expect(errors.first?.description == "door.yaml: answer.delayMs: expected an integer, found text ('soon') (from INTERCOM_ANSWER__DELAY_MS)")
    }

    @Test("semantic errors of overridden values name the variable too")
    func semanticError() {
        let (_, errors) = ConfigurationLoader.check(yaml: Self.file, environment: ["INTERCOM_ACCOUNTS__0__REGISTRAR": "pbx"])
        #expect(errors.map(\.keyPath) == ["accounts[0].registrar"])
        #expect(errors.first?.environmentVariable == "INTERCOM_ACCOUNTS__0__REGISTRAR")
    }

    @Test("bad indexes, empty levels, keys below scalars")
    func malformedNames() {
        let cases: [(String, String, ConfigurationError.Code)] = [
            ("INTERCOM_ACCOUNTS__5__USER", "past the end", .environment),
            ("INTERCOM_ACCOUNTS__X__USER", "not a list index", .environment),
            ("INTERCOM_SIP____USER", "empty key", .environment),
            ("INTERCOM_SIP__USER__NAME", "no keys below it", .unknownKey),
        ]
        for (variable, fragment, code) in cases {
            let (_, errors) = ConfigurationLoader.check(yaml: Self.file, environment: [variable: "x"])
            #expect(errors.count == 1, "\(variable): \(errors)")
            #expect(errors.first?.environmentVariable == variable)
            #expect(errors.first?.reason.contains(fragment) == true, "\(variable): \(errors)")
            #expect(errors.first?.code == code)
        }
    }

    @Test("variables the agent sets for door commands and other programs' variables are ignored")
    func ignored() throws {
        let c = try ConfigurationLoader.load(
            yaml: "", environment: ["INTERCOM_CALLER": "sip:a@b", "INTERCOM_DOOR": "gate", "INTERCOMX": "1", "PATH": "/bin"])
        #expect(c == IntercomConfiguration())
    }

    @Test("overrides apply to an empty file")
    func emptyFile() throws {
        let c = try ConfigurationLoader.load(yaml: "", environment: ["INTERCOM_LOG__LEVEL": "debug"])
        #expect(c.log.level == "debug")
    }
}
