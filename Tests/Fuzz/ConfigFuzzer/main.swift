// libFuzzer target for the agent's configuration: the YAML file (`ConfigurationLoader`: Yams,
// the decoder, the validator) and the `INTERCOM_...` environment overrides applied to it, and
// the YAML the configuration is written back as (`IntercomConfiguration.yaml`).
//
// Built only by Tests/Fuzz/run-fuzzers.sh (SWIFTSIP_FUZZ=1, -sanitize=fuzzer,address,
// -parse-as-library); see Tests/Fuzz/README.md. The first byte picks the form of the rest:
//
// - even: the rest is the file, with no environment;
// - odd: the rest, split at NUL bytes, is the file and then environment overrides
//   `NAME=VALUE`, each NAME prefixed with `INTERCOM_` (`ACCOUNTS__0__PASSWORD=s3`).
//
// Any bytes must give a configuration or errors that say where (a line in the file, or the
// variable), never a trap. A configuration that loads must write back as YAML that loads to
// the same value, and writing that again must give the same text.

import FuzzSupport
import Intercom

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let input = UnsafeBufferPointer(start: data + 1, count: size - 1)
    if data[0] & 1 == 0 {
        fuzzConfiguration(yaml: String(decoding: input, as: UTF8.self), environment: [:])
    } else {
        let parts = input.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        var environment: [String: String] = [:]
        for part in parts.dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            environment["INTERCOM_" + pair[0]] = pair.count > 1 ? String(pair[1]) : ""
        }
        fuzzConfiguration(yaml: parts.first ?? "", environment: environment)
    }
    finishInput()
    return 0
}

/// The file name errors print.
let file = "fuzz.yaml"

/// Loads `yaml` with `environment`; checks where the errors point, and the round trip of a
/// configuration that loads.
func fuzzConfiguration(yaml: String, environment: [String: String]) {
    let (configuration, errors) = ConfigurationLoader.check(yaml: yaml, file: file, environment: environment)
    blackHole(configuration)
    let lineCount = lines(in: yaml)
    for error in errors {
        blackHole(error.description)
        check(error.file == file, "an error does not name the file: \(error)")
        check(error.description.hasPrefix(file), "an error's description does not start with the file: \(error)")
        if let variable = error.environmentVariable {
            check(environment[variable] != nil, "an error names a variable that was not set: \(error)")
        } else if let line = error.line {
            check(line >= 1 && line <= lineCount, "an error's line \(line) is outside the file (\(lineCount) lines): \(error)")
            check(error.column.map { $0 >= 1 } ?? true, "an error's column is not positive: \(error)")
        }
    }

    // load(yaml:) is check(yaml:) that throws.
    do {
        let loaded = try ConfigurationLoader.load(yaml: yaml, file: file, environment: environment)
        check(errors.isEmpty, "load accepted what check refused: \(errors)")
        check(loaded == configuration, "load and check give different configurations")
    } catch {
        check(error.errors == errors,
            "load and check give different errors: load \(error.errors), check \(errors)")
    }
    guard errors.isEmpty else { return }

    blackHole(ConfigurationCheck.summary(of: configuration))
    // What `check-config --print` shows loads (secrets masked are still text).
    let masked = configuration.yaml()
    let maskedErrors = ConfigurationLoader.check(yaml: masked).errors
    check(maskedErrors.isEmpty, "the masked YAML written does not load: \(maskedErrors)\n\(masked)")

    // Unmasked, it loads back to the same configuration, and writes the same text again.
    let written = configuration.yaml(maskingSecrets: false)
    let (reloaded, reloadErrors) = ConfigurationLoader.check(yaml: written)
    check(reloadErrors.isEmpty, "the YAML written does not load: \(reloadErrors)\n\(written)")
    check(reloaded == configuration, "the YAML written loads to another configuration:\n\(written)")
    check(reloaded.yaml(maskingSecrets: false) == written, "writing the reloaded configuration gives other YAML")
}

/// The lines of `yaml` as libyaml counts them (its marks give the errors' lines): one more
/// than the line breaks LF, CR, CR LF, NEL, LS and PS.
func lines(in yaml: String) -> Int {
    var count = 1
    var afterCR = false
    for scalar in yaml.unicodeScalars {
        switch scalar.value {
        case 0x0A: if !afterCR { count += 1 }
        case 0x0D, 0x85, 0x2028, 0x2029: count += 1
        default: break
        }
        afterCR = scalar.value == 0x0D
    }
    return count
}

// MARK: - Entry point

/// Uses the configuration's globals (the schema, the defaults, Yams' tags) once before fuzzing,
/// so that their one-time allocations are not taken for an input's leaks.
func warmUp() {
    withoutLeakChecks {
        let written = IntercomConfiguration().yaml(maskingSecrets: false)
        blackHole(ConfigurationLoader.check(yaml: written, file: file, environment: ["INTERCOM_SIP__USER": "door"]).errors)
        blackHole(ConfigurationLoader.check(yaml: "sip: {usr: 1}\naudio: [", file: file).errors)
        blackHole(ConfigurationLoader.check(yaml: "answer: {delayMs: x}\nbogus: 1\n", file: file).errors)
        finishInput()
    }
}

@_cdecl("ConfigFuzzer_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    warmUp()
    return runLibFuzzer(argc, argv, fuzz)
}
