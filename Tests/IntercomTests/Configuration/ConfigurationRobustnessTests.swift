import Intercom
import Testing

@Suite("configuration: hostile and odd input")
struct ConfigurationRobustnessTests {
    @Test("aliases work, and an alias bomb is refused instead of expanded")
    func aliases() throws {
        let shared = """
            buttons:
              - name: a
                targets: &flats ["sip:1@192.0.2.1", "sip:2@192.0.2.1"]
              - name: b
                targets: *flats

            """
        let c = try ConfigurationLoader.load(yaml: shared)
        #expect(c.buttons.map(\.targets) == [["sip:1@192.0.2.1", "sip:2@192.0.2.1"], ["sip:1@192.0.2.1", "sip:2@192.0.2.1"]])

        var bomb = "x0: &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n"
        for level in 1...8 {
            bomb += "x\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        let (_, errors) = ConfigurationLoader.check(yaml: bomb)
        #expect(errors.map(\.code) == [.tooLarge])
    }

    @Test("deep nesting is a syntax error, not a stack overflow")
    func deepNesting() {
        let yaml = "a: " + String(repeating: "[", count: 50_000) + String(repeating: "]", count: 50_000)
        let (_, errors) = ConfigurationLoader.check(yaml: yaml)
        #expect(errors.first?.code == .syntax)
    }

    @Test("a syntax error at the end of a file names a line of the file, even without a final line break")
    func syntaxErrorAtEnd() {
        // Found by ConfigFuzzer: libyaml puts the end of a stream that lacks a final line break
        // on the line after the last one, so the error named a line the file does not have.
        for (yaml, line) in [("sip:\nbogus=x", 2), ("sip:\rbogus=x", 2), ("sip:\r\nbogus=x", 2), ("a: [\n", 2)] {
            let (_, errors) = ConfigurationLoader.check(yaml: yaml)
            #expect(errors.map(\.code) == [.syntax], "\(yaml.debugDescription)")
            #expect(errors.first?.line == line, "\(yaml.debugDescription)")
        }
    }

    @Test("mangled variants of a full file never trap; every error has a reason")
    func mangled() {
        // A deterministic generator (no randomness between runs).
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        let original = Array(ConfigurationLoaderTests.everyKey.unicodeScalars)
        let replacements: [Unicode.Scalar] = [":", "-", " ", "\n", "[", "]", "{", "}", "&", "*", "!", "\"", "'", "#", "0", "x", "\t", "|", ">", "%", "@"]
        for _ in 0..<400 {
            var text = original
            for _ in 0..<(1 + next(4)) {
                let index = next(text.count)
                switch next(3) {
                case 0: text.remove(at: index)
                case 1: text.insert(replacements[next(replacements.count)], at: index)
                default: text[index] = replacements[next(replacements.count)]
                }
            }
            var yaml = ""
            yaml.unicodeScalars.append(contentsOf: text)
            let (_, errors) = ConfigurationLoader.check(yaml: yaml, environment: ["INTERCOM_SIP__USER": "door"])
            for error in errors { #expect(!error.reason.isEmpty) }
        }
    }

    @Test("merge keys are not supported: reported as unknown keys")
    func mergeKeys() {
        let (_, errors) = ConfigurationLoader.check(yaml: "answer:\n  <<: {delayMs: 5}\n")
        #expect(errors.map(\.keyPath) == ["answer.<<"])
        #expect(errors.first?.code == .unknownKey)
    }

    @Test("errors come in the file's order, the same on every load: user names of the caller challenge, and variables whose indexes are spelled two ways")
    func errorOrderIsStable() {
        // Found by ConfigFuzzer: the challenge's users were decoded in the order of a
        // dictionary, which differs from one dictionary to the next, so `check` and `load`
        // (and two runs) listed the same errors in different orders.
        let yaml = "answer:\n  challenge:\n    users:\n      zoe:\n      ali:\n      mia:\n      bob:\n"
        let environment = ["INTERCOM_ACCOUNTS__01__NAME": "x", "INTERCOM_ACCOUNTS__1__NAME": "y"]
        let (_, first) = ConfigurationLoader.check(yaml: yaml, environment: environment)
        let users = first.map(\.keyPath).filter { $0.hasPrefix("answer.challenge.users.") }
        #expect(users == ["answer.challenge.users.zoe", "answer.challenge.users.ali", "answer.challenge.users.mia", "answer.challenge.users.bob"])
        for _ in 0..<20 {
            let (_, again) = ConfigurationLoader.check(yaml: yaml, environment: environment)
            #expect(again == first)
        }
    }

    @Test("a repeated key is reported at the first line where a key repeats, the same on every load")
    func duplicateKeysInFileOrder() {
        // Yams names the repeated keys sorted (`a` before `b`) and by a sort that is not total
        // when keys are maps: the report must follow the file instead, and not change.
        let cases: [(yaml: String, line: Int, reason: String)] = [
            ("b: 1\nb: 2\na: 1\na: 2\n", 2, "duplicate key 'b' in a map (first at line 1)"),
            ("sip:\n  user: a\n  password: x\n  user: b\n", 4, "duplicate key 'user' in a map (first at line 2)"),
            ("? {x: 1}\n: 1\n? [y]\n: 2\n? [y]\n: 3\n? {x: 1}\n: 4\n", 5, "duplicate key <a map or list> in a map (first at line 3)"),
            ("a: {k: 1, j: 2, k: 3, j: 4}\nb: 1\n", 1, "duplicate key 'j', 'k' in a map"),
            ("a: 1\r\nb: 2\r\na: 3", 3, "duplicate key 'a' in a map (first at line 1)"),
            // Written as an escape, the repeat is found where the map ends (line 3), not where
            // the key repeats (line 2): later than it could be, never wrong.
            ("m: {a: 1,\n  \"\\x61\": 2,\n  b: 3}\n", 3, "duplicate key 'a' in a map (first at line 1)"),
        ]
        for (yaml, line, reason) in cases {
            let (_, first) = ConfigurationLoader.check(yaml: yaml)
            #expect(first.count == 1)
            #expect(first.first?.code == .syntax)
            #expect(first.first?.line == line, "\(yaml.debugDescription)")
            #expect(first.first?.reason.hasSuffix(reason) == true, "\(first.first?.reason ?? "no error")")
            for _ in 0..<20 {
                let (_, again) = ConfigurationLoader.check(yaml: yaml)
                #expect(again == first)
            }
        }
    }

    @Test("a repeated key in a long file where every line holds its text: the exact line")
    func duplicateKeysInLongFile() {
        var yaml = "sip:\n  user: a\n"
        for index in 0..<3_000 { yaml += "# sip: a comment line that names the key, \(index)\n" }
        yaml += "sip:\n  user: b\n"
        let errors = ConfigurationLoader.check(yaml: yaml).errors
        #expect(errors.count == 1)
        #expect(errors.first?.line == 3_003)
        #expect(errors.first?.reason == "not valid YAML: duplicate key 'sip' in a map (first at line 1)")
    }
}
