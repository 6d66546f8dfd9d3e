/// Why an ``AudioEngine`` could not be built or started: the configuration key at fault or
/// the part that failed (a device, a codec, the thread), and why.
public struct AudioEngineError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The configuration key path or the failing part ("capture device", "opus encoder"...).
    public let key: String
    public let reason: String

    public init(key: String, _ reason: String) {
        self.key = key
        self.reason = reason
    }

    public var description: String { "\(key): \(reason)" }
}
