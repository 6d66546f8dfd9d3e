import Foundation
import Intercom
import Logging
import NIOCore

/// Shared helpers of the control interface tests.
enum ControlTestSupport {
    static let quietLogger = Logger(label: "control-test") { _ in SwiftLogNoOpLogHandler() }

    static func configuration(token: String? = nil, metrics: Bool = true, address: String = "127.0.0.1") -> ControlConfiguration {
        var configuration = ControlConfiguration()
        configuration.address = address
        configuration.port = 0
        configuration.token = token
        configuration.metrics = metrics
        return configuration
    }

    /// The `error` string of a JSON error body.
    static func errorReason(_ body: ByteBuffer) -> String? {
        let decoded = try? JSONDecoder().decode([String: String].self, from: Data(body.readableBytesView))
        return decoded?["error"]
    }

    /// Prometheus text exposition as series (`name{labels}`) to value; comments skipped.
    static func series(_ text: String) -> [String: Double] {
        var result: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                continue
            }
            result[String(line[..<space])] = value
        }
        return result
    }
}
