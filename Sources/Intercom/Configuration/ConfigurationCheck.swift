/// What `intercom check-config FILE [--print]` prints and its exit status, computed without
/// touching the process (so tests can run it): the command only writes the lines out.
///
/// | status | meaning                                   | standard output            | standard error       |
/// | ------ | ----------------------------------------- | -------------------------- | -------------------- |
/// | 0      | valid                                     | `FILE: OK`, a summary line (and with `--print` the effective YAML) | |
/// | 1      | problems                                  |                            | `FILE:LINE: key.path: reason`, one a line |
/// | 2      | the file cannot be read                   |                            | `intercom check-config: cannot read FILE` |
public struct ConfigurationCheck: Sendable, Hashable {
    public var exitStatus: Int32
    /// Lines for standard output, without newlines.
    public var output: [String]
    /// Lines for standard error, without newlines.
    public var errorOutput: [String]
    /// The loaded configuration when valid.
    public var configuration: IntercomConfiguration?

    /// Checks the file at `path` with `environment`'s overrides.
    ///
    /// - Parameter printing: add the effective configuration (secrets masked) to ``output``.
    public init(path: String, environment: [String: String], printing: Bool = false) {
        let yaml: String
        do throws(ConfigurationErrors) {
            yaml = try ConfigurationLoader.readFile(path)
        } catch {
            let unreadable = error.errors.first?.line == nil
            self.init(
                exitStatus: unreadable ? 2 : 1, output: [],
                errorOutput: unreadable ? ["intercom check-config: cannot read \(path)"] : error.errors.map(\.description))
            return
        }
        let (configuration, errors) = ConfigurationLoader.check(yaml: yaml, file: path, environment: environment)
        guard errors.isEmpty else {
            self.init(exitStatus: 1, output: [], errorOutput: errors.map(\.description))
            return
        }
        var output = ["\(path): OK", Self.summary(of: configuration)]
        if printing {
            output.append("---")
            output.append(contentsOf: configuration.yaml().split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init))
        }
        self.init(exitStatus: 0, output: output, errorOutput: [], configuration: configuration)
    }

    public init(exitStatus: Int32, output: [String], errorOutput: [String], configuration: IntercomConfiguration? = nil) {
        self.exitStatus = exitStatus
        self.output = output
        self.errorOutput = errorOutput
        self.configuration = configuration
    }

    /// `2 accounts (pbx, backup), 1 button (front), 1 door (gate); SIP on udp 0.0.0.0:5060, ...`
    public static func summary(of configuration: IntercomConfiguration) -> String {
        func count(_ names: [String], _ noun: String) -> String {
            let counted = "\(names.count) \(noun)\(names.count == 1 ? "" : "s")"
            return names.isEmpty ? counted : "\(counted) (\(names.joined(separator: ", ")))"
        }
        let listen = configuration.sip.listen.map { listen in
            let host = listen.address.contains(":") ? "[\(listen.address)]" : listen.address
            return "\(listen.transport.rawValue) \(host):\(listen.port)"
        }
        return count(configuration.accounts.map(\.name), "account") + ", "
            + count(configuration.buttons.map(\.name), "button") + ", "
            + count(configuration.doors.map(\.name), "door")
            + "; SIP on " + listen.joined(separator: ", ")
    }
}
