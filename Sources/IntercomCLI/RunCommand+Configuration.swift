import ArgumentParser
import Foundation
import Intercom
import Logging

/// `run --config FILE`: the configuration the agent runs with, at start and again on SIGHUP.
extension RunCommand {
    /// The file's configuration or the built-in defaults, with `INTERCOM_...` overrides, then
    /// the explicit options on top: `--listen` and `--port` replace the address and port of
    /// every UDP and TCP listener, `--advertise` sets `sip.advertise`, `--log-level`
    /// `log.level`.
    ///
    /// - Throws: `ExitCode(1)` after printing every problem (`FILE:LINE: key.path: reason`) to
    ///   standard error; `ExitCode(2)` when the file cannot be read.
    func loadConfiguration() throws -> IntercomConfiguration {
        var configuration: IntercomConfiguration
        let environment = ProcessInfo.processInfo.environment
        if let config {
            let check = ConfigurationCheck(path: config, environment: environment)
            guard let loaded = check.configuration else {
                for line in check.errorOutput { FileHandle.standardError.write(Data((line + "\n").utf8)) }
                throw ExitCode(check.exitStatus)
            }
            configuration = loaded
        } else {
            // No file: the defaults, with the environment's overrides all the same (a
            // container can configure the agent by environment alone).
            let (loaded, errors) = ConfigurationLoader.check(yaml: "", file: "(built-in defaults)", environment: environment)
            guard errors.isEmpty else {
                for error in errors { FileHandle.standardError.write(Data((error.description + "\n").utf8)) }
                throw ExitCode(1)
            }
            configuration = loaded
        }
        return overlaid(configuration)
    }

    /// The configuration again, for SIGHUP: throws with every problem instead of exiting.
    func reloadConfiguration() throws -> IntercomConfiguration {
        let environment = ProcessInfo.processInfo.environment
        guard let config else {
            let (loaded, errors) = ConfigurationLoader.check(yaml: "", file: "(built-in defaults)", environment: environment)
            guard errors.isEmpty else { throw AgentError(errors.map(\.description).joined(separator: "; ")) }
            return overlaid(loaded)
        }
        let check = ConfigurationCheck(path: config, environment: environment)
        guard let loaded = check.configuration else { throw AgentError(check.errorOutput.joined(separator: "; ")) }
        return overlaid(loaded)
    }

    /// The explicit options on top of a configuration.
    func overlaid(_ base: IntercomConfiguration) -> IntercomConfiguration {
        var configuration = base
        for index in configuration.sip.listen.indices
        where configuration.sip.listen[index].transport == .udp || configuration.sip.listen[index].transport == .tcp {
            if let listen { configuration.sip.listen[index].address = listen }
            if let port { configuration.sip.listen[index].port = port }
        }
        if let advertise { configuration.sip.advertise = advertise }
        if let logLevel { configuration.log.level = logLevel.rawValue }
        return configuration
    }
}
