/// A ``CaptureProcessorConfiguration`` the processors refuse, or a speexdsp state that could not
/// be made: the configuration key (such as `audio.capture.sampleRate`) and why.
public struct CaptureProcessorError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The configuration key path at fault.
    public let key: String
    /// What is wrong with its value, as one phrase.
    public let reason: String

    public init(key: String, reason: String) {
        self.key = key
        self.reason = reason
    }

    public var description: String { "\(key): \(reason)" }
}
