import Foundation
import Intercom
import Testing

@Suite("configuration: check-config")
struct ConfigurationCheckTests {
    func temporaryFile(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("intercom-\(UUID().uuidString).yaml").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("a valid file: status 0, OK and a summary")
    func valid() throws {
        let path = try temporaryFile("buttons:\n  - {name: front, targets: [\"sip:flat@192.0.2.1\"]}\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let check = ConfigurationCheck(path: path, environment: [:])
        #expect(check.exitStatus == 0)
        #expect(check.output == ["\(path): OK", "0 accounts, 1 button (front), 0 doors; SIP on udp 0.0.0.0:5060, tcp 0.0.0.0:5060"])
        #expect(check.errorOutput.isEmpty)
        let printed = ConfigurationCheck(path: path, environment: [:], printing: true)
        #expect(printed.output.contains("  - name: front"))
    }

    @Test("problems: status 1, one FILE:LINE: key: reason line each")
    func invalid() throws {
        let path = try temporaryFile("answer:\n  delayMs: x\naudio:\n  channels: 5\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let check = ConfigurationCheck(path: path, environment: [:])
        #expect(check.exitStatus == 1)
        #expect(check.output.isEmpty)
        #expect(check.errorOutput == [
            "\(path):2: answer.delayMs: expected an integer, found text ('x')",
            "\(path):4: audio.channels: 5 is out of range; expected 1-2",
        ])
    }

    @Test("an unreadable file: status 2")
    func unreadable() {
        let check = ConfigurationCheck(path: "/nonexistent/intercom.yaml", environment: [:])
        #expect(check.exitStatus == 2)
        #expect(check.errorOutput == ["intercom check-config: cannot read /nonexistent/intercom.yaml"])
    }

    @Test("a file that is not UTF-8: status 1")
    func notText() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("intercom-\(UUID().uuidString).yaml").path
        try Data([0x61, 0x3A, 0x20, 0xFF, 0xFE, 0x0A]).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let check = ConfigurationCheck(path: path, environment: [:])
        #expect(check.exitStatus == 1)
        #expect(check.errorOutput.first?.contains("not UTF-8") == true)
    }
}
