import Intercom
import Testing

@Suite("configuration: which account places a call")
struct CallingAccountTests {
    static let configuration: IntercomConfiguration = {
        var configuration = IntercomConfiguration()
        var first = AccountConfiguration(name: "home", registrar: "sip:pbx.example.com", user: "door")
        first.password = "a"
        var second = AccountConfiguration(name: "office", registrar: "sip:PBX2.example.com:5070;transport=tcp", user: "lobby")
        second.password = "b"
        configuration.accounts = [first, second]
        return configuration
    }()

    @Test("a named account wins; else the account whose registrar is the target's host; else the first")
    func choice() {
        let configuration = Self.configuration
        #expect(configuration.callingAccount(for: "sip:gate@pbx.example.com", named: "office")?.account.name == "office")
        #expect(configuration.callingAccount(for: "sip:gate@pbx2.example.com")?.index == 1)
        #expect(configuration.callingAccount(for: "sips:gate@PBX2.EXAMPLE.COM;transport=tls")?.account.name == "office")
        #expect(configuration.callingAccount(for: "sip:gate@pbx.example.com")?.index == 0)
        #expect(configuration.callingAccount(for: "sip:gate@192.0.2.9")?.index == 0)
        #expect(configuration.callingAccount(for: "not a uri")?.index == 0)
        #expect(configuration.callingAccount(for: "sip:gate@pbx2.example.com", named: "nobody") == nil)
        #expect(IntercomConfiguration().callingAccount(for: "sip:gate@pbx.example.com") == nil)
    }

    @Test("a button's account loads, is written back, and a check-config of it passes")
    func roundTrip() throws {
        let yaml = """
            accounts:
              - {name: home, registrar: "sip:pbx.example.com", user: door, password: a}
              - {name: office, registrar: "sip:pbx2.example.com", user: lobby, password: b}
            buttons:
              - name: bell
                targets: ["sip:gate@pbx.example.com"]
                account: office

            """
        let configuration = try ConfigurationLoader.load(yaml: yaml)
        #expect(configuration.buttons.first?.account == "office")
        let written = configuration.yaml(maskingSecrets: false)
        #expect(try ConfigurationLoader.load(yaml: written) == configuration)
    }
}
