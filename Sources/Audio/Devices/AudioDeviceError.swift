/// Why a device could not be opened, configured, read or written: the device's name, what was
/// being done, and the system's code and text when there is one (an ALSA error, an errno).
public struct AudioDeviceError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The device: a PCM name (`hw:0,0`, `default`), a file path, `null`.
    public let device: String
    /// What failed: "open", "set rate", "read"...
    public let operation: String
    /// The system's negative error code (ALSA, errno), when there is one.
    public let code: Int32?
    /// The reason in words.
    public let reason: String

    public init(device: String, operation: String, code: Int32? = nil, reason: String) {
        self.device = device
        self.operation = operation
        self.code = code
        self.reason = reason
    }

    public var description: String {
        let suffix = code.map { " (\($0))" } ?? ""
        return "\(device): \(operation): \(reason)\(suffix)"
    }
}
