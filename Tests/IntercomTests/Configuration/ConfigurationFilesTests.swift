import Foundation
import Intercom
import Testing

@Suite("configuration: the shipped files")
struct ConfigurationFilesTests {
    /// The package root, from this file's path (Tests/IntercomTests/Configuration/...).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static func yamlFiles(in directory: String) -> [String] {
        let url = root.appendingPathComponent(directory)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.sorted().map { url.appendingPathComponent($0).path }
    }

    @Test("every file in config/ and config/examples/ loads without errors")
    func allLoad() {
        let files = Self.yamlFiles(in: "config") + Self.yamlFiles(in: "config/examples")
        #expect(files.count >= 4, "\(files)")
        for file in files {
            do {
                _ = try ConfigurationLoader.load(contentsOfFile: file)
            } catch {
                Issue.record("\(error)")
            }
        }
    }

    @Test("config/intercom.yaml is the built-in defaults")
    func referenceIsDefaults() throws {
        let file = Self.root.appendingPathComponent("config/intercom.yaml").path
        #expect(try ConfigurationLoader.load(contentsOfFile: file) == IntercomConfiguration())
    }

    @Test("the examples set what their names promise")
    func examples() throws {
        let examples = Self.root.appendingPathComponent("config/examples")
        let pbx = try ConfigurationLoader.load(contentsOfFile: examples.appendingPathComponent("door-phone-pbx.yaml").path)
        #expect(!pbx.accounts.isEmpty)
        #expect(pbx.answer.allow != nil)
        #expect(pbx.buttons.contains { $0.strategy == .sequential && $0.targets.count == 2 })
        #expect(pbx.doors.contains { door in
            guard case .gpio = door.action else { return false }
            return door.codes.contains { $0.callers.isEmpty } && door.codes.contains { !$0.callers.isEmpty }
        })
        let pair = try ConfigurationLoader.load(contentsOfFile: examples.appendingPathComponent("intercom-pair-direct.yaml").path)
        #expect(pair.accounts.isEmpty)
        #expect(pair.answer.allow?.networks.isEmpty == false)
        let pi = try ConfigurationLoader.load(contentsOfFile: examples.appendingPathComponent("raspberry-pi-usb-sound.yaml").path)
        #expect(pi.audio.capture == "alsa:plughw:1,0")
        #expect(pi.audio.sampleRate == 48000)
        #expect(pi.buttons.contains { if case .gpio = $0.input { true } else { false } })
        #expect(pi.doors.contains { if case .command = $0.action { true } else { false } })
        #expect(pi.doors.contains { if case .gpio = $0.action { true } else { false } })
    }
}
