import Foundation

/// Reads `intercom`'s YAML configuration into an ``IntercomConfiguration``.
///
/// The steps, each collecting every problem rather than stopping at the first:
/// 1. Yams composes the text into a tree with line and column marks (a syntax error stops
///    here, with its line).
/// 2. ``EnvironmentOverrides`` apply the `INTERCOM_...` variables of the given environment to
///    the tree, so that overridden values are checked like the file's.
/// 3. ``ConfigurationDecoder`` checks keys against ``ConfigurationSchema`` and types, and
///    fills the structs; absent keys keep ``IntercomConfiguration/defaults``.
/// 4. ``ConfigurationValidator`` checks ranges, addresses, URIs, devices and the keys that
///    depend on each other.
///
/// ```swift
/// let configuration = try ConfigurationLoader.load(
///     contentsOfFile: "/etc/intercom.yaml", environment: ProcessInfo.processInfo.environment)
/// ```
///
/// There is no global state: the environment is a parameter (tests pass their own).
public enum ConfigurationLoader {
    /// Decodes and checks `yaml`.
    ///
    /// - Parameters:
    ///   - file: the name errors print (`FILE:LINE: ...`); nil prints `<configuration>`.
    ///   - environment: variables to apply as overrides; those not starting with `INTERCOM_`
    ///     are ignored.
    /// - Throws: ``ConfigurationErrors`` with every problem found, in line order (values from
    ///   the environment last).
    public static func load(
        yaml: String, file: String? = nil, environment: [String: String] = [:]
    ) throws(ConfigurationErrors) -> IntercomConfiguration {
        let (configuration, errors) = check(yaml: yaml, file: file, environment: environment)
        guard errors.isEmpty else { throw ConfigurationErrors(errors) }
        return configuration
    }

    /// Reads the file at `path` and loads it as ``load(yaml:file:environment:)`` does, with
    /// `path` as the file name in errors.
    ///
    /// - Throws: ``ConfigurationErrors``; one ``ConfigurationError/Code/unreadable`` error
    ///   when the file cannot be read or is not UTF-8.
    public static func load(
        contentsOfFile path: String, environment: [String: String] = [:]
    ) throws(ConfigurationErrors) -> IntercomConfiguration {
        let yaml = try readFile(path)
        return try load(yaml: yaml, file: path, environment: environment)
    }

    /// The file's text, or an ``ConfigurationError/Code/unreadable`` error.
    public static func readFile(_ path: String) throws(ConfigurationErrors) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationErrors([ConfigurationError(.unreadable, keyPath: "", reason: "cannot read the file", file: path)])
        }
        guard let yaml = String(data: data, encoding: .utf8) else {
            throw ConfigurationErrors([
                ConfigurationError(.unreadable, keyPath: "", line: 1, reason: "the file is not UTF-8 text", file: path)
            ])
        }
        return yaml
    }

    /// The configuration as far as it could be decoded (defaults where values were wrong)
    /// and every problem; what ``load(yaml:file:environment:)`` runs.
    public static func check(
        yaml: String, file: String? = nil, environment: [String: String] = [:]
    ) -> (configuration: IntercomConfiguration, errors: [ConfigurationError]) {
        var root: ConfigurationNode
        do throws(ConfigurationError) {
            root = try ConfigurationNode.compose(yaml: yaml)
        } catch {
            var error = error
            error.file = file
            return (IntercomConfiguration(), [error])
        }
        let overrideErrors = EnvironmentOverrides.apply(environment, to: &root)

        var decoder = ConfigurationDecoder()
        let configuration = decoder.decodeConfiguration(root)
        var validator = ConfigurationValidator(decoder: decoder)
        validator.validate(configuration)

        // A value the decoder already refused kept its default, and a missing required key got
        // a placeholder: don't report them twice.
        let decodeErrors = decoder.errors
        let semanticErrors = validator.errors.filter { semantic in
            !decodeErrors.contains { Self.isSameOrAncestor($0.keyPath, of: semantic.keyPath) }
        }
        var errors = overrideErrors + decodeErrors + semanticErrors
        // File order; errors without a line (environment values) last, in their own order.
        errors = errors.enumerated().sorted { lhs, rhs in
            let left = (lhs.element.line ?? Int.max, lhs.element.column ?? 0, lhs.offset)
            let right = (rhs.element.line ?? Int.max, rhs.element.column ?? 0, rhs.offset)
            return left < right
        }.map(\.element)
        for index in errors.indices { errors[index].file = file }
        return (configuration, errors)
    }

    private static func isSameOrAncestor(_ ancestor: String, of path: String) -> Bool {
        if ancestor.isEmpty || ancestor == path { return true }
        guard path.hasPrefix(ancestor) else { return false }
        let next = path[path.index(path.startIndex, offsetBy: ancestor.count)]
        return next == "." || next == "["
    }
}
