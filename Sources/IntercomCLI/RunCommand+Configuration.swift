import ArgumentParser
import Foundation
import Intercom
import Logging

/// `run --config FILE`: the configuration the agent runs with, and the part of it the current
/// run path (the SIP listener) uses. Kept apart from RunCommand.swift so the agent can take
/// over ``loadConfiguration()``'s result whole.
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
        for index in configuration.sip.listen.indices
        where configuration.sip.listen[index].transport == .udp || configuration.sip.listen[index].transport == .tcp {
            if let listen { configuration.sip.listen[index].address = listen }
            if let port { configuration.sip.listen[index].port = port }
        }
        if let advertise { configuration.sip.advertise = advertise }
        if let logLevel { configuration.log.level = logLevel.rawValue }
        return configuration
    }

    /// The address and port the SIP listener (UDP and TCP on one port, for now) binds: the
    /// first UDP or TCP entry of `sip.listen`, or the options' defaults when there is none.
    func signalingAddress(of configuration: IntercomConfiguration) -> (host: String, port: Int) {
        let entry = configuration.sip.listen.first { $0.transport == .udp || $0.transport == .tcp }
        return (entry?.address ?? listen ?? "0.0.0.0", entry?.port ?? port ?? 5060)
    }
}
