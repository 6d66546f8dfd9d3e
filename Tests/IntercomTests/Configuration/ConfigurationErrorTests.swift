import Intercom
import Testing

@Suite("configuration: errors")
struct ConfigurationErrorTests {
    /// One file with one problem: where it must be reported and a fragment of the reason.
    struct Case: CustomTestStringConvertible, Sendable {
        let yaml: String
        let keyPath: String
        let line: Int?
        let reason: String
        let code: ConfigurationError.Code
        let sourceLocation: SourceLocation

        init(
            _ yaml: String, _ keyPath: String, line: Int?, _ reason: String, code: ConfigurationError.Code = .invalidValue,
            sourceLocation: SourceLocation = #_sourceLocation
        ) {
            self.yaml = yaml
            self.keyPath = keyPath
            self.line = line
            self.reason = reason
            self.code = code
            self.sourceLocation = sourceLocation
        }

        var testDescription: String { "\(keyPath): \(reason)" }
    }

    static let cases: [Case] = [
        // Structure and types.
        Case("sip:\n  usr: door\n", "sip.usr", line: 2, "did you mean 'user'", code: .unknownKey),
        Case("answer:\n  delay_ms: 10\n", "answer.delay_ms", line: 2, "did you mean 'delayMs'", code: .unknownKey),
        Case("colour: blue\n", "colour", line: 1, "unknown key 'colour'", code: .unknownKey),
        Case("- a\n- b\n", "", line: 1, "expected a map, found a list", code: .wrongType),
        Case("sip: door\n", "sip", line: 1, "expected a map", code: .wrongType),
        Case("answer:\n  delayMs: soon\n", "answer.delayMs", line: 2, "expected an integer, found text ('soon')", code: .wrongType),
        Case("answer:\n  delayMs: 1.5\n", "answer.delayMs", line: 2, "expected an integer", code: .wrongType),
        Case("answer:\n  autoAnswer: 1\n", "answer.autoAnswer", line: 2, "expected true or false", code: .wrongType),
        Case("audio:\n  codecs: opus\n", "audio.codecs", line: 2, "expected a list", code: .wrongType),
        Case("audio:\n  codecs: [opus, [pcmu]]\n", "audio.codecs[1]", line: 2, "expected text, found a list", code: .wrongType),
        Case("sip:\n  listen:\n    - transport: sctp\n", "sip.listen[0].transport", line: 3, "expected one of udp, tcp, tls, ws, wss"),
        Case("buttons:\n  - targets: [sip:a@b.c]\n    strategy: paralel\n", "buttons[0].strategy", line: 3, "did you mean 'parallel'"),
        Case("sip:\n  user:\n", "sip.user", line: 2, "expected text, found null", code: .wrongType),
        Case("sip:\n  dnsServer: dns.example.com\n", "sip.dnsServer", line: 2, "is not an IPv4 address with an optional port"),
        Case("sip:\n  dnsServer: 192.0.2.53:0\n", "sip.dnsServer", line: 2, "is not an IPv4 address with an optional port"),
        Case("sip:\n  dnsRefreshMinimumSeconds: 0\n", "sip.dnsRefreshMinimumSeconds", line: 2, "0 s is out of range; expected 1-86400 s"),
        Case("accounts:\n  - name: pbx\n    user: door\n", "accounts[0].registrar", line: 2, "'registrar' is required", code: .missingKey),
        Case("doors:\n  - name: gate\n", "doors[0].action", line: 2, "'action' is required", code: .missingKey),
        Case("doors:\n  - action: {}\n", "doors[0].action", line: 2, "expected one of 'gpio' or 'command'"),
        Case(
            "doors:\n  - action:\n      gpio: {chip: gpiochip0, line: 1}\n      command: [/bin/true]\n", "doors[0].action", line: 3,
            "expected only one of"),
        Case("buttons:\n  - targets: [sip:a@b.c]\n    input: {gpio: {chip: gpiochip0}}\n", "buttons[0].input.gpio.line", line: 3, "'line' is required", code: .missingKey),
        Case("answer:\n  maxCalls: 99999999999999999999999\n", "answer.maxCalls", line: 2, "too large"),
        Case("answer:\n  delayMs: 0100\n", "answer.delayMs", line: 2, "leading zero"),
        Case("sip:\n  listen:\n    - {port: 1:2:3:4:5:6:7:8:9:10:11:12}\n", "sip.listen[0].port", line: 3, "expected an integer", code: .wrongType),
        // Semantics.
        Case("sip:\n  listen:\n    - {transport: udp, port: 70000}\n", "sip.listen[0].port", line: 3, "out of range; expected 0-65535"),
        Case("sip:\n  listen:\n    - address: eth0\n", "sip.listen[0].address", line: 3, "is not an IP address"),
        Case("sip:\n  listen: []\n", "sip.listen", line: 2, "at least one listening socket"),
        Case(
            "sip:\n  listen:\n    - {transport: tcp, port: 5060}\n    - {transport: ws, port: 5060}\n", "sip.listen[1]", line: 4,
            "same TCP address and port as sip.listen[0]", code: .duplicate),
        Case(
            "sip:\n  listen:\n    - {transport: tls, port: 5061}\n  tls:\n    privateKey: /etc/k.pem\n", "sip.tls.certificate", line: 4,
            "needs a certificate", code: .missingKey),
        Case("accounts:\n  - {registrar: pbx.example.com, user: door}\n", "accounts[0].registrar", line: 2, "expected a sip: or sips: URI"),
        Case("accounts:\n  - {registrar: \"sip:pbx example.com\", user: door}\n", "accounts[0].registrar", line: 2, "is not a valid SIP URI"),
        Case(
            "accounts:\n  - {registrar: sip:pbx.example.com, user: door, outboundProxy: \"http://proxy\"}\n", "accounts[0].outboundProxy",
            line: 2, "expected a sip: or sips: URI"),
        Case(
            "accounts:\n  - {registrar: sip:a.example.com, user: door}\n  - {registrar: sip:b.example.com, user: door}\n",
            "accounts[1].name", line: 3, "account name 'door' is already used by accounts[0]", code: .duplicate),
        Case("accounts:\n  - {registrar: sip:a.example.com, user: door, expiresSeconds: 5}\n", "accounts[0].expiresSeconds", line: 2, "expected 60-86400"),
        Case("accounts:\n  - {registrar: sip:a.example.com, user: door, refreshMaximumSeconds: 5}\n", "accounts[0].refreshMaximumSeconds", line: 2, "expected 10-86400 s (or 0 for none)"),
        Case("audio:\n  rtpTimeoutSeconds: 1\n", "audio.rtpTimeoutSeconds", line: 2, "expected 2-3600 s (or 0 for none)"),
        Case("answer:\n  allow:\n    networks: [192.168.1.0/33]\n", "answer.allow.networks[0]", line: 3, "prefix /33 is out of range for IPv4"),
        Case("answer:\n  allow:\n    networks: [\"fd00::/129\"]\n", "answer.allow.networks[0]", line: 3, "out of range for IPv6"),
        Case("answer:\n  allow:\n    networks: [192.168.1/24]\n", "answer.allow.networks[0]", line: 3, "is not an IPv4 or IPv6 address"),
        Case("answer:\n  allow:\n    networks: [10.0.0.0]\n", "answer.allow.networks[0]", line: 3, "expected ADDRESS/PREFIX"),
        Case("answer:\n  allow:\n    uris: [\"\"]\n", "answer.allow.uris[0]", line: 3, "an empty pattern"),
        Case("answer:\n  allow: {}\n", "answer.allow", line: 2, "refuses every caller"),
        Case("answer:\n  challenge: {realm: door}\n", "answer.challenge.users", line: 2, "no users"),
        Case("answer:\n  maxCalls: 0\n", "answer.maxCalls", line: 2, "expected 1-64"),
        Case("answer:\n  sessionExpiresSeconds: 60\n", "answer.sessionExpiresSeconds", line: 2, "expected 90-86400 s (or 0 for none)"),
        Case("answer:\n  sessionExpiresSeconds: 86401\n", "answer.sessionExpiresSeconds", line: 2, "expected 90-86400 s (or 0 for none)"),
        Case("answer:\n  sessionExpiresSeconds: -1\n", "answer.sessionExpiresSeconds", line: 2, "out of range"),
        Case("answer:\n  delayMs: -1\n", "answer.delayMs", line: 2, "out of range"),
        Case("audio:\n  capture: pulse:default\n", "audio.capture", line: 2, "unknown scheme 'pulse:'"),
        Case("audio:\n  playback: wav-loop:/tmp/a.wav\n", "audio.playback", line: 2, "capture device only"),
        Case("audio:\n  sampleRate: 44100\n", "audio.sampleRate", line: 2, "44100 Hz is not supported"),
        Case("audio:\n  channels: 3\n", "audio.channels", line: 2, "expected 1-2"),
        Case("audio:\n  periodMs: 30\n", "audio.periodMs", line: 2, "expected 10 or 20"),
        Case("audio:\n  codecs: []\n", "audio.codecs", line: 2, "at least one codec"),
        Case("audio:\n  codecs: [opus, g729]\n", "audio.codecs[1]", line: 2, "unknown codec 'g729'"),
        Case("audio:\n  codecs: [pcmu, pcmu]\n", "audio.codecs[1]", line: 2, "listed twice", code: .duplicate),
        Case("audio:\n  ringback: japan\n", "audio.ringback", line: 2, "expected europe, north-america, none"),
        Case("audio:\n  srtp: mandatory\n", "audio.srtp", line: 2, "unknown value 'mandatory'; expected one of off, optional, required"),
        Case("audio:\n  srtp: requird\n", "audio.srtp", line: 2, "did you mean 'required'"),
        Case("audio:\n  srtpSuites: []\n", "audio.srtpSuites", line: 2, "at least one suite is needed when srtp is optional"),
        Case("audio:\n  srtp: required\n  srtpSuites: [AES_CM_128_HMAC_SHA1_80, F8_128_HMAC_SHA1_80]\n", "audio.srtpSuites[1]", line: 3,
             "unknown SRTP suite 'F8_128_HMAC_SHA1_80'"),
        Case("audio:\n  srtpSuites: [AES_CM_128_HMAC_SHA1_32, AES_CM_128_HMAC_SHA1_32]\n", "audio.srtpSuites[1]", line: 2, "listed twice",
             code: .duplicate),
        Case("audio:\n  rtpPortMin: 20000\n  rtpPortMax: 20000\n", "audio.rtpPortMax", line: 3, "greater than rtpPortMin"),
        Case("audio:\n  rtpPortMin: 20001\n  rtpPortMax: 20002\n", "audio.rtpPortMax", line: 3, "holds 0 even/odd port pair"),
        Case("audio:\n  realtimePriority: 100\n", "audio.realtimePriority", line: 2, "expected 1-99"),
        Case("buttons:\n  - name: a\n", "buttons[0].targets", line: 2, "at least one target"),
        Case("buttons:\n  - targets: [\"tel:+123\"]\n", "buttons[0].targets[0]", line: 2, "expected a sip: or sips: URI"),
        Case(
            "buttons:\n  - {name: a, targets: [\"sip:x@y.z\"]}\n  - {name: a, targets: [\"sip:x@y.z\"]}\n", "buttons[1].name", line: 3,
            "button name 'a' is already used", code: .duplicate),
        Case("buttons:\n  - targets: [\"sip:x@y.z\"]\n    input: {fifo: run/press}\n", "buttons[0].input.fifo", line: 3, "expected an absolute path"),
        Case("buttons:\n  - targets: [\"sip:x@y.z\"]\n    account: pbx\n", "buttons[0].account", line: 3, "'pbx' names no account: there are none"),
        Case(
            "accounts:\n  - {name: a, registrar: \"sip:a.example\", user: u}\nbuttons:\n  - targets: [\"sip:x@y.z\"]\n    account: b\n",
            "buttons[0].account", line: 5, "'b' names no account (accounts: 'a')"),
        Case("doors:\n  - action: {gpio: {chip: gpiochip0, line: -1}}\n", "doors[0].action.gpio.line", line: 2, "is negative"),
        Case("doors:\n  - action: {gpio: {chip: gpiochip0, line: 1, pulseMs: 0}}\n", "doors[0].action.gpio.pulseMs", line: 2, "expected 1-60000"),
        Case("doors:\n  - action: {command: [open-door]}\n", "doors[0].action.command[0]", line: 2, "must be an absolute path"),
        Case("doors:\n  - action: {command: []}\n", "doors[0].action.command", line: 2, "found an empty list"),
        Case("doors:\n  - action: {command: [/bin/true]}\n    codes: [\"12x4\"]\n", "doors[0].codes[0]", line: 3, "is not a door code"),
        Case("doors:\n  - action: {command: [/bin/true]}\n    codes: [\"#0#\"]\n", "doors[0].codes[0]", line: 3, "cannot be entered: * clears an entry and # submits it"),
        Case("doors:\n  - action: {command: [/bin/true]}\n    codes: [\"1*2\"]\n", "doors[0].codes[0]", line: 3, "cannot be entered"),
        Case("doors:\n  - action: {command: [/bin/true]}\n    codes: [\"1234\"]\n  - action: {command: [/bin/true]}\n    codes: [\"12\"]\n",
             "doors[0].codes[0]", line: 3, "'1234' can never be entered: 'doors[1].codes[0]' ('12', open to every caller)"),
        Case("doors:\n  - action: {command: [/bin/true]}\n    codes: [\"12345678901234567\"]\n", "doors[0].codes[0]", line: 3, "1-16 of"),
        Case(
            "doors:\n  - action: {command: [/bin/true]}\n    codes: [\"1\"]\n  - action: {command: [/bin/true]}\n    codes: [\"1\"]\n",
            "doors[1].codes[0]", line: 5, "already used by doors[0].codes[0]", code: .duplicate),
        Case("lockout:\n  maxWrongCodes: 0\n", "lockout.maxWrongCodes", line: 2, "expected 1-100"),
        Case("control:\n  address: 0.0.0.0\n", "control.token", line: 1, "a token is required", code: .missingKey),
        Case("control:\n  address: localhost\n", "control.address", line: 2, "is not an IP address"),
        Case("log:\n  level: verbose\n", "log.level", line: 2, "expected one of trace, debug, info, notice, warning, error, critical"),
        // Syntax.
        Case("sip:\n  user: [door\n", "", line: 3, "not valid YAML", code: .syntax),
        Case("sip:\n  user: a\n  user: b\n", "", line: 3, "duplicate key 'user' in a map (first at line 2)", code: .syntax),
        Case("sip:\n\tuser: door\n", "", line: 2, "not valid YAML", code: .syntax),
    ]

    @Test("one problem: key path, line and reason", arguments: cases)
    func reported(_ testCase: Case) {
        guard let error = Self.expectOneError(testCase) else { return }
        #expect(error.file == "t.yaml")
    }

    /// Checks `testCase`'s file (as `t.yaml`) gives exactly one error, with its key path, line,
    /// reason and code; returns the error for further checks, or nil (recorded) for another
    /// count.
    static func expectOneError(_ testCase: Case) -> ConfigurationError? {
        let (_, errors) = ConfigurationLoader.check(yaml: testCase.yaml, file: "t.yaml")
        guard errors.count == 1, let error = errors.first else {
            Issue.record(
                "expected one error, got \(errors.count):\n\(errors.map(\.description).joined(separator: "\n"))",
                sourceLocation: testCase.sourceLocation)
            return nil
        }
        #expect(error.keyPath == testCase.keyPath, sourceLocation: testCase.sourceLocation)
        #expect(error.line == testCase.line, "\(error)", sourceLocation: testCase.sourceLocation)
        #expect(error.reason.contains(testCase.reason), "\(error)", sourceLocation: testCase.sourceLocation)
        #expect(error.code == testCase.code, "\(error)", sourceLocation: testCase.sourceLocation)
        return error
    }

    @Test("every problem of a file is reported at once, in line order")
    func severalAtOnce() {
        let yaml = """
            sip:
              listen:
                - {transport: udp, address: everywhere, port: 5060}
            accounts:
              - registrar: pbx.example.com
                user: door
                pasword: x
            audio:
              sampleRate: 44100
              codecs: [opus, opus]
            control:
              port: 99999

            """
        let (_, errors) = ConfigurationLoader.check(yaml: yaml, file: "door.yaml")
        #expect(errors.map(\.keyPath) == [
            "sip.listen[0].address", "accounts[0].registrar", "accounts[0].pasword", "audio.sampleRate", "audio.codecs[1]",
            "control.port",
        ])
        #expect(errors.map(\.line) == [3, 5, 7, 9, 10, 12])
        #expect(errors.first?.description == "door.yaml:3: sip.listen[0].address: 'everywhere' is not an IP address; expected an IPv4 or IPv6 literal (0.0.0.0 or :: for every interface)")
        #expect(throws: ConfigurationErrors.self) { try ConfigurationLoader.load(yaml: yaml) }
        do throws(ConfigurationErrors) {
            _ = try ConfigurationLoader.load(yaml: yaml, file: "door.yaml")
        } catch {
            #expect(error.errors.count == 6)
            #expect(error.description.split(separator: "\n").count == 6)
        }
    }

    @Test("a value the decoder refused is not reported again by the semantic checks")
    func noDoubleReports() {
        let (_, errors) = ConfigurationLoader.check(yaml: "doors:\n  - action: 5\n")
        #expect(errors.map(\.keyPath) == ["doors[0].action"])
    }

    @Test("a loopback control address needs no token; IPv6 loopback counts")
    func loopbackControl() throws {
        _ = try ConfigurationLoader.load(yaml: "control:\n  address: \"::1\"\n")
        _ = try ConfigurationLoader.load(yaml: "control:\n  address: 127.0.0.2\n")
        _ = try ConfigurationLoader.load(yaml: "control:\n  address: 0.0.0.0\n  enabled: false\n")
    }

    @Test("the description of an error without a line or file")
    func descriptions() {
        let error = ConfigurationError(.invalidValue, keyPath: "answer.delayMs", reason: "bad", environmentVariable: "INTERCOM_ANSWER__DELAY_MS")
        #expect(error.description == "<configuration>: answer.delayMs: bad (from INTERCOM_ANSWER__DELAY_MS)")
        let whole = ConfigurationError(.syntax, keyPath: "", line: 4, reason: "not valid YAML", file: "a.yaml")
        #expect(whole.description == "a.yaml:4: not valid YAML")
    }
}
