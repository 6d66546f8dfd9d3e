import Foundation
import Intercom
import Logging
import Testing

/// The security keys of issue 7: `sip.requireTLS`, `accounts[].tls`, `accounts[].allowMD5`,
/// `answer.challenge.allowMD5`, `sips:` URIs and their transports, and secrets that must not
/// show anywhere.
@Suite("configuration: TLS, sips: and digest algorithms")
struct ConfigurationSecurityTests {
    typealias Case = ConfigurationErrorTests.Case

    /// Four lines: TLS only, with the listener's certificate.
    static let tlsOnly = "sip:\n  requireTLS: true\n  listen: [{transport: tls, port: 5061}]\n  tls: {certificate: /c.pem, privateKey: /k.pem}\n"

    static let cases: [Case] = [
        // Types and keys.
        Case("sip:\n  requireTLS: maybe\n", "sip.requireTLS", line: 2, "expected true or false", code: .wrongType),
        Case(
            "accounts:\n  - registrar: \"sip:pbx.example.com\"\n    user: door\n    allowMD5: yes please\n", "accounts[0].allowMD5", line: 4,
            "expected true or false", code: .wrongType),
        Case(
            "answer:\n  challenge:\n    users: {alice: pw}\n    allowMD5: 1\n", "answer.challenge.allowMD5", line: 4, "expected true or false",
            code: .wrongType),
        Case(
            "accounts:\n  - registrar: \"sips:pbx.example.com\"\n    user: door\n    tls: {servername: pbx.example.com}\n",
            "accounts[0].tls.servername", line: 4, "did you mean 'serverName'", code: .unknownKey),
        // requireTLS: listeners, verification, accounts, proxies, targets.
        Case(
            "sip:\n  requireTLS: true\n  listen:\n    - {transport: udp, port: 5060}\n    - {transport: tls, port: 5061}\n  tls: {certificate: /c.pem, privateKey: /k.pem}\n",
            "sip.listen[0].transport", line: 4, "'udp' is a plain transport and sip.requireTLS is on"),
        Case(
            "sip:\n  requireTLS: true\n  listen: [{transport: wss, port: 443}, {transport: ws, port: 80}]\n  tls: {certificate: /c.pem, privateKey: /k.pem}\n",
            "sip.listen[1].transport", line: 3, "'ws' is a plain transport"),
        Case(
            "sip:\n  requireTLS: true\n  listen: [{transport: tls, port: 5061}]\n  tls: {certificate: /c.pem, privateKey: /k.pem, verifyPeer: false}\n",
            "sip.tls.verifyPeer", line: 4, "must be true when sip.requireTLS is on"),
        Case(
            tlsOnly + "accounts:\n  - registrar: \"sip:pbx.example.com\"\n    user: door\n    transport: tcp\n", "accounts[0].transport", line: 8,
            "reached over tcp and sip.requireTLS is on"),
        Case(
            tlsOnly + "accounts:\n  - registrar: \"sip:pbx.example.com\"\n    user: door\n", "accounts[0].transport", line: 6,
            "reached over udp and sip.requireTLS is on"),
        Case(
            tlsOnly + "accounts:\n  - registrar: \"sip:pbx.example.com;transport=tcp\"\n    user: door\n    transport: tls\n",
            "accounts[0].registrar", line: 6, "reached over tcp"),
        Case(
            tlsOnly + "accounts:\n  - registrar: \"sip:pbx.example.com\"\n    user: door\n    transport: tls\n    outboundProxy: \"sip:sbc.example.com;transport=udp\"\n",
            "accounts[0].outboundProxy", line: 9, "the outboundProxy is reached over udp"),
        Case(
            tlsOnly + "buttons:\n  - targets: [\"sip:flat@192.0.2.1;transport=udp\"]\n", "buttons[0].targets[0]", line: 6,
            "sip.requireTLS is on, and its first hop (straight to it) would use udp"),
        Case(
            tlsOnly + "accounts:\n  - registrar: \"sips:pbx.example.com\"\n    user: door\nbuttons:\n  - targets: [\"sip:flat@pbx.example.com;transport=tcp\"]\n",
            "buttons[0].targets[0]", line: 9, "the target asks for transport=tcp"),
        // sips: needs TLS on every hop, requireTLS or not.
        Case(
            "accounts:\n  - registrar: \"sips:pbx.example.com\"\n    user: door\n    transport: udp\n", "accounts[0].transport", line: 4,
            "'udp' cannot carry the sips: registrar"),
        Case(
            "accounts:\n  - registrar: \"sips:pbx.example.com\"\n    user: door\n    outboundProxy: \"sip:sbc.example.com;transport=udp\"\n",
            "accounts[0].outboundProxy", line: 4, "the sips: registrar needs TLS on every hop"),
        Case(
            "accounts:\n  - registrar: \"sips:pbx.example.com;transport=udp\"\n    user: door\n", "accounts[0].registrar", line: 2,
            "a sips: URI cannot use transport=udp"),
        Case(
            "accounts:\n  - registrar: \"sip:pbx.example.com\"\n    user: door\nbuttons:\n  - targets: [\"sips:flat@example.com\"]\n",
            "buttons[0].targets[0]", line: 5, "a sips: target needs TLS on every hop, but its first hop (through accounts[0].registrar"),
        // An account's TLS settings.
        Case(
            "accounts:\n  - registrar: \"sip:pbx.example.com\"\n    user: door\n    tls: {serverName: pbx.example.com}\n", "accounts[0].tls",
            line: 4, "neither the registrar nor the proxy is reached over TLS"),
        Case(
            "accounts:\n  - registrar: \"sips:10.0.0.1\"\n    user: door\n    tls: {serverName: 10.0.0.1}\n", "accounts[0].tls.serverName",
            line: 4, "is an IP address"),
        Case(
            "accounts:\n  - registrar: \"sips:10.0.0.1\"\n    user: door\n    tls: {serverName: \"pbx example\"}\n",
            "accounts[0].tls.serverName", line: 4, "is not a host name"),
        Case(
            "accounts:\n  - registrar: \"sips:10.0.0.1\"\n    user: door\n    tls: {certificate: /c.pem}\n", "accounts[0].tls.privateKey",
            line: 4, "a client certificate needs its private key", code: .missingKey),
        Case(
            "accounts:\n  - registrar: \"sips:10.0.0.1\"\n    user: door\n    tls: {privateKey: /k.pem}\n", "accounts[0].tls.certificate",
            line: 4, "a private key needs its client certificate", code: .missingKey),
        Case(
            "accounts:\n  - registrar: \"sips:10.0.0.1\"\n    user: door\n    tls: {caFile: \"\"}\n", "accounts[0].tls.caFile", line: 4,
            "must not be empty"),
        // Passwords inside URIs.
        Case(
            "accounts:\n  - registrar: \"sip:door:hunter2@pbx.example.com\"\n    user: door\n", "accounts[0].registrar", line: 2,
            "the URI holds a password"),
        Case(
            "accounts:\n  - registrar: \"sip:pbx.example.com\"\n    user: door\n    outboundProxy: \"sip:x:hunter2@sbc.example.com\"\n",
            "accounts[0].outboundProxy", line: 4, "the URI holds a password"),
        Case("buttons:\n  - targets: [\"sip:flat:hunter2@192.0.2.1\"]\n", "buttons[0].targets[0]", line: 2, "the URI holds a password"),
    ]

    @Test("one problem: key path, line and reason", arguments: cases)
    func reported(_ testCase: Case) {
        guard let error = ConfigurationErrorTests.expectOneError(testCase) else { return }
        #expect(!error.description.contains("hunter2"), "a password in an error: \(error)", sourceLocation: testCase.sourceLocation)
    }

    @Test(
        "valid: TLS-only agents, sips: accounts with their own TLS settings, targets that go over TLS",
        arguments: [
            tlsOnly,
            tlsOnly + "accounts:\n  - registrar: \"sips:127.0.0.1:5061\"\n    user: door\n"
                + "    tls: {serverName: pbx.example.com, certificate: /c.pem, privateKey: /k.pem, caFile: /ca.pem}\n"
                + "buttons:\n  - targets: [\"sip:flat@pbx.example.com\", \"sips:flat2@pbx.example.com\", \"sip:flat3@pbx.example.com;transport=tls\"]\n",
            tlsOnly + "accounts:\n  - registrar: \"sip:pbx.example.com\"\n    user: door\n    transport: tls\n"
                + "    outboundProxy: \"sips:sbc.example.com;lr\"\n",
            // No account: targets go straight over TLS, the default transport with requireTLS.
            tlsOnly + "buttons:\n  - targets: [\"sip:flat@192.0.2.1\", \"sips:flat@192.0.2.2\"]\n",
            "sip:\n  requireTLS: true\n  listen: [{transport: wss, port: 443}]\n  tls: {certificate: /c.pem, privateKey: /k.pem}\n",
            // Without requireTLS: a sips: target straight (no account) goes over TLS.
            "buttons:\n  - targets: [\"sips:flat@192.0.2.1\"]\n",
            // A plain registrar with a TLS proxy: the settings apply to the proxy.
            "accounts:\n  - registrar: \"sip:pbx.example.com\"\n    user: door\n    outboundProxy: \"sips:sbc.example.com\"\n"
                + "    tls: {serverName: sbc.example.com}\n",
        ])
    func valid(_ yaml: String) {
        let (_, errors) = ConfigurationLoader.check(yaml: yaml, file: "t.yaml")
        #expect(errors.isEmpty, "\(errors.map(\.description).joined(separator: "\n"))\n\(yaml)")
    }

    @Test("defaults: no requireTLS, MD5 refused, no per-account TLS; a sips: registrar implies tls, an explicit transport is kept")
    func defaultsAndTransportInference() throws {
        let defaults = IntercomConfiguration()
        #expect(defaults.sip.requireTLS == false)
        let c = try ConfigurationLoader.load(yaml: """
            accounts:
              - {registrar: "sips:pbx.example.com", user: a}
              - {registrar: "sip:pbx.example.com", user: b}
              - {registrar: "sips:pbx.example.com", user: c, transport: wss}
              - {registrar: "sip:pbx.example.com", user: d, transport: tcp}
            answer:
              challenge: {users: {alice: pw}}
            """)
        #expect(c.accounts.map(\.transport) == [.tls, .udp, .wss, .tcp])
        #expect(c.accounts.allSatisfy { !$0.allowMD5 && $0.tls == nil })
        #expect(c.answer.challenge?.allowMD5 == false)
    }

    @Test("environment overrides name the new keys in upper snake case: REQUIRE_TLS, ALLOW_MD5, TLS__SERVER_NAME")
    func environment() throws {
        let yaml = """
            sip:
              listen: [{transport: tls, port: 5061}]
              tls: {certificate: /c.pem, privateKey: /k.pem}
            accounts:
              - {registrar: "sips:10.0.0.1", user: door}
            """
        let (configuration, errors) = ConfigurationLoader.check(
            yaml: yaml, file: "t.yaml",
            environment: [
                "INTERCOM_SIP__REQUIRE_TLS": "true", "INTERCOM_ACCOUNTS__0__ALLOW_MD5": "true",
                "INTERCOM_ACCOUNTS__0__TLS__SERVER_NAME": "pbx.example.com",
            ])
        #expect(errors.isEmpty, "\(errors)")
        #expect(configuration.sip.requireTLS)
        #expect(configuration.accounts.first?.allowMD5 == true)
        #expect(configuration.accounts.first?.tls?.serverName == "pbx.example.com")
    }

    /// A configuration with every kind of secret, each a distinct word to look for.
    static let secrets = ["acct-pw-1", "ctl-token-2", "caller-pw-3"]
    static let withSecrets = """
        sip:
          listen: [{transport: tls, address: 127.0.0.1, port: 5061}]
          tls: {certificate: /c.pem, privateKey: /k.pem}
          requireTLS: true
        accounts:
          - registrar: "sips:127.0.0.1:5062"
            user: door
            password: acct-pw-1
            tls: {serverName: pbx.example.com}
        answer:
          challenge:
            users: {alice: caller-pw-3}
        control: {token: ctl-token-2}
        """

    @Test("credentials never show: not in the rendered configuration, check-config's output, its errors, nor the summary")
    func secretsNeverShow() throws {
        let configuration = try ConfigurationLoader.load(yaml: Self.withSecrets)
        let rendered = configuration.yaml()
        let summary = ConfigurationCheck.summary(of: configuration)
        for secret in Self.secrets {
            #expect(!rendered.contains(secret), "\(secret) in check-config --print")
            #expect(!summary.contains(secret), "\(secret) in the summary")
        }
        // Printed, interpolated, dumped or reflected (as swift-service-lifecycle logs the
        // service that holds it), the configuration masks its secrets too.
        var dumped = ""
        dump(configuration, to: &dumped)
        let service = IntercomService(configuration: configuration, logger: .init(label: "test"), reloadConfiguration: { configuration })
        for (way, text) in [
            ("describing", String(describing: configuration)), ("reflecting", String(reflecting: configuration)), ("dump", dumped),
            ("service", "\(service)"), ("account", "\(configuration.accounts)"),
        ] {
            for secret in Self.secrets { #expect(!text.contains(secret), "\(secret) in \(way): \(text)") }
        }
        #expect(String(describing: configuration).contains("password: Optional(\"\(IntercomConfiguration.maskedSecret)\")"))

        // The masked rendering still says what is set.
        #expect(rendered.contains("requireTLS: true"))
        #expect(rendered.contains("serverName: pbx.example.com"))
        #expect(rendered.contains("allowMD5: false"))

        // A file with errors next to the secrets: the error lines name keys, not values.
        let broken = Self.withSecrets.replacingOccurrences(of: "user: door", with: "user: door\n    transport: udp")
            .replacingOccurrences(of: "users: {alice: caller-pw-3}", with: "users: {alice: caller-pw-3}\n    allowMD5: sometimes")
        let (_, errors) = ConfigurationLoader.check(yaml: broken, file: "t.yaml")
        #expect(errors.count == 2, "\(errors)")
        for error in errors {
            for secret in Self.secrets { #expect(!error.description.contains(secret), "\(secret) in \(error)") }
        }
    }
}
